"""A tiny threaded HTTP server that plays a platform: routes are plain functions, requests are recorded."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict
    body: bytes
    headers: dict

    def json(self):
        return json.loads(self.body or b"{}")

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


def reply_json(data, status: int = 200, **headers) -> Reply:
    return Reply(
        status, json.dumps(data, ensure_ascii=False).encode(), {"Content-Type": "application/json", **headers}
    )


class FakePlatform:
    def __init__(self):
        self.routes: dict[tuple[str, str], object] = {}
        self.requests: list[Request] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _handle(self):
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    split.path,
                    {k: v[0] for k, v in parse_qs(split.query).items()},
                    self.rfile.read(length) if length else b"",
                    dict(self.headers),
                )
                fake.requests.append(request)
                route = fake.routes.get((self.command, split.path))
                result = route(request) if route else Reply(404, b'{"error":"not found"}')
                if isinstance(result, dict | list):
                    result = reply_json(result)
                if result.delay:
                    time.sleep(result.delay)
                self.send_response(result.status)
                for k, v in result.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(result.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(result.body)

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, method: str, path: str, handler) -> None:
        self.routes[(method, path)] = handler

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
