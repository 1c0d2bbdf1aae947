"""The README's run command, started for real on a fresh embedded default (SQLite, files).

Slow (it migrates and loads the demo): one test walks what a newcomer meets. A person's change
survives a restart, PORT moves the address and the links, errors are the portal's own pages.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.runcommand


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunCommand:
    def __init__(self, var_dir: Path, port: int):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "EMAIL_URL"))}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env = {**env, "OPSPORTAL_VAR_DIR": str(var_dir), "PORT": str(port)}
        self.port = port
        self.log = var_dir / "run.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 240) -> None:
        self.process = subprocess.Popen(
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the run command exited:\n{self.log.read_text()[-4000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        pytest.fail(f"the run command did not answer within {timeout}s:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Browser:
    """A cookie-keeping HTTP client that signs in through the real form."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, data: dict) -> int:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def sign_in(self, username: str, password: str = "opsportal-demo") -> None:
        self.get("/accounts/login/")
        assert self.post("/accounts/login/", {"username": username, "password": password}) == 200
        status, html = self.get("/")
        assert status == 200 and 'action="/accounts/logout/"' in html  # signed in (in their language)


def test_a_newcomers_run_command_keeps_their_work_and_shows_the_product(tmp_path):
    port = _free_port()
    run = RunCommand(tmp_path / "var", port)
    (tmp_path / "var").mkdir()
    try:
        run.start()
        base = f"http://127.0.0.1:{port}"
        browser = Browser(base)
        browser.sign_in("id-operator")

        status, board = browser.get("/influencers/?stage=prospect")
        assert status == 200
        influencer = int(re.search(r'href="/influencers/(\d+)/"', board).group(1))
        assert browser.post(f"/influencers/{influencer}/stage/", {"stage": "contacted"}) == 200  # after redirect

        status, css = browser.get("/static/opsportal/portal.css")  # served without debug mode
        assert status == 200 and ".topbar" in css
        # Errors are the portal's own pages, not Django's technical ones.
        status, html = browser.get("/no-such-page/")
        assert status == 404 and 'class="error-page' in html and "URLconf" not in html
        # Links that leave the portal (calendar feeds, emails) carry the address it runs on.
        assert browser.post("/feeds/reset/", {}) == 200  # makes the person's calendar feed
        status, feeds = browser.get("/feeds/")
        assert status == 200 and f"{base}/feeds/" in feeds

        run.stop()
        run.start()
        assert "nothing was loaded or changed" in run.log.read_text()
        browser = Browser(base)
        browser.sign_in("id-operator")
        status, page = browser.get(f"/influencers/{influencer}/")
        assert status == 200
        assert "badge badge-contacted" in page, "the pipeline move was undone by the restart"
    finally:
        run.stop()
