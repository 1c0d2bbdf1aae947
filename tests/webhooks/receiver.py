"""A tiny webhook receiver on loopback: records each request and answers with scripted codes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)  # answered in order; then 200 (or `then`)
    then: int = 200


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver: Receiver = state["receiver"]
            receiver.requests.append(Received(dict(self.headers.items()), body))
            code = receiver.codes.pop(0) if receiver.codes else receiver.then
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if code < 300 else b"boom")

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    state["receiver"] = Receiver(url=f"http://{host}:{port}/hooks/opsportal")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state["receiver"], server
