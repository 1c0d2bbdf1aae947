"""Logs: timestamps and levels in every format, JSON lines, one access line per request, request ids."""

import json
import logging

import pytest

from opsportal import logs


def _formatted(record: logging.LogRecord, log_format: str) -> str:
    config = logs.logging_config(log_format, "INFO")
    spec = config["formatters"]["default"]
    formatter = spec["()"]() if "()" in spec else logging.Formatter(spec["format"])
    logs.RequestIdFilter().filter(record)
    return formatter.format(record)


def test_text_lines_carry_a_timestamp_a_level_and_the_request_id():
    token = logs.request_id_var.set("abc123")
    try:
        line = _formatted(logging.makeLogRecord({"name": "x", "levelname": "WARNING", "msg": "hello"}), "text")
    finally:
        logs.request_id_var.reset(token)
    date, time_, level, name, rid, message = line.split(" ", 5)
    assert len(date) == 10 and ":" in time_
    assert (level, name, rid, message) == ("WARNING", "x", "[abc123]", "hello")


def test_json_lines_carry_the_same_and_the_extras():
    record = logging.makeLogRecord({"name": "opsportal.access", "levelname": "INFO", "msg": "GET / 200"})
    record.status = 200
    out = json.loads(_formatted(record, "json"))
    assert out["level"] == "INFO" and out["message"] == "GET / 200" and out["status"] == 200
    assert out["ts"].endswith("+00:00")


@pytest.mark.django_db
def test_one_access_line_per_request_with_the_request_id_echoed(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-request-0001")
    assert response["X-Request-ID"] == "lb-request-0001"
    access = [r for r in caplog.records if r.name == "opsportal.access"]
    assert len(access) == 1
    assert (access[0].status, access[0].path, access[0].method) == (200, "/healthz", "GET")
    assert access[0].request_id == "lb-request-0001"


@pytest.mark.django_db
def test_an_unsafe_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged line")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_refused_request_is_one_line_with_status_path_and_user(client, id_operator, caplog):
    client.force_login(id_operator)
    with caplog.at_level(logging.INFO):
        response = client.get("/challenges/999999/")
    assert response.status_code == 404
    quiet = logs.QuietRefusalsFilter()
    kept = [r for r in caplog.records if quiet.filter(r) and r.levelno >= logging.INFO]
    assert [(r.name, r.status, r.user) for r in kept] == [("opsportal.access", 404, id_operator.username)]
    assert all(r.exc_info is None for r in kept)


def test_the_filesystem_brokers_hostname_warning_is_dropped():
    record = logging.makeLogRecord(
        {"name": "kombu.connection", "msg": "No hostname was supplied. Reverting to default 'localhost'"}
    )
    assert logs.QuietRefusalsFilter().filter(record) is False


def test_a_task_carries_the_request_id_of_the_request_that_enqueued_it():
    headers = {}
    token = logs.request_id_var.set("req-0000000042")
    try:
        logs.attach_request_id(headers=headers)
    finally:
        logs.request_id_var.reset(token)
    assert headers == {logs.TASK_HEADER: "req-0000000042"}

    class Request:
        id = "t1"
        opsportal_request_id = "req-0000000042"

    class Task:
        request = Request()

    logs.adopt_request_id(task=Task())
    assert logs.request_id_var.get() == "req-0000000042"
