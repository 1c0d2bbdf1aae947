"""Chunked request bodies (no Content-Length) reach Django whole, as gunicorn hands them over."""

import io
import json

import pytest

from tests import factories as f
from tests.api.conftest import make_token


def call(environ_extra: dict, body: bytes):
    from opsportal.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/challenge-metrics/bulk/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        # gunicorn: the body was sent chunked, is de-chunked, and the stream ends with it.
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input_terminated": True,
        **environ_extra,
    }
    status = {}

    def start_response(line, headers, exc_info=None):
        status["line"] = line

    content = b"".join(application(environ, start_response))
    return int(status["line"].split()[0]), content


@pytest.mark.django_db(transaction=True)
def test_a_chunked_bulk_push_is_read_and_stored(indonesia):
    challenge = f.ChallengeFactory(country=indonesia, hashtag="goyang")
    key, _token = make_token([indonesia])
    row = {"country": "ID", "hashtag": "goyang", "captured_at": "2026-07-01T10:00:00+07:00", "views": 5}
    status, content = call({"HTTP_AUTHORIZATION": f"Bearer {key}"}, json.dumps({"rows": [row]}).encode())
    assert status == 200, content
    assert json.loads(content)["created"] == 1
    challenge.refresh_from_db()
    assert challenge.views == 5


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_over_the_limit_is_413_not_read_whole(indonesia, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.OPSPORTAL_IMPORT_MAX_BYTES = 1000
    key, _token = make_token([indonesia])
    body = b"[" + b" " * (3 * 1024 * 1024) + b"]"
    status, _content = call({"HTTP_AUTHORIZATION": f"Bearer {key}"}, body)
    assert status == 413
