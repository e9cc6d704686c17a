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


def weibo_error(code: int, error: str, request: str, status: int = 400) -> Reply:
    """Weibo's error envelope: HTTP 4xx with error_code (a string in the wiki examples)."""
    return reply_json({"request": request, "error_code": str(code), "error": error}, status)


class WeiboComments:
    """POST /2/comments/reply.json (connectors.md §2.4): form cid, id, comment (≤140 字)."""

    def __init__(self, server: FakePlatform, *, token: str = "2.00abc"):
        self.server = server
        self.token = token
        self.comments: dict[str, str] = {}  # comment id -> the weibo (status) id it belongs to
        self.replies: list[dict] = []
        self.failures: list[Reply] = []
        server.route("POST", "/2/comments/reply.json", self.reply)

    def reply(self, request):
        path = "/2/comments/reply.json"
        form = request.form()
        if self.failures:
            return self.failures.pop(0)
        if form.get("access_token") != self.token:
            return weibo_error(21332, "invalid_access_token", path, 401)
        if form.get("cid") not in self.comments:
            return weibo_error(20201, "Target weibo comment does not exist!", path)
        if self.comments[form["cid"]] != form.get("id"):
            return weibo_error(20101, "Target weibo does not exist!", path)
        if len(form.get("comment", "")) > 140:
            return weibo_error(20012, "Text too long, please input text less than 140 characters!", path)
        self.replies.append(form)
        new_id = 12438492184 + len(self.replies)
        return {
            "created_at": "Wed Nov 25 17:00:00 +0800 2026",
            "id": new_id,
            "idstr": str(new_id),
            "text": "回复@网友:" + form["comment"],
            "reply_comment": {"id": int(form["cid"]), "text": "…", "user": {}},
            "status": {"id": int(form["id"])},
        }


def douyin_error(code: int, description: str = "") -> dict:
    return {
        "data": {"error_code": code, "description": description},
        "extra": {"error_code": code, "description": description, "sub_error_code": 0},
    }


class DouyinComments:
    """POST /video/comment/reply/ (connectors.md §3.4): JSON item_id, comment_id, content."""

    def __init__(self, server: FakePlatform, *, token: str = "act.old", open_id: str = "oid"):
        self.server = server
        self.tokens = {token}
        self.open_id = open_id
        self.comments: dict[str, str] = {}  # comment id -> item id
        self.replies: list[dict] = []
        self.failures: list = []
        server.route("POST", "/video/comment/reply/", self.reply)

    def reply(self, request):
        if self.failures:
            return self.failures.pop(0)
        if request.headers.get("access-token") not in self.tokens:
            return douyin_error(28001008, "access_token过期")
        if request.query.get("open_id") != self.open_id:
            return douyin_error(28001015, "token与open_id不匹配")
        body = request.json()
        if self.comments.get(body.get("comment_id")) != body.get("item_id") or not body.get("content"):
            return douyin_error(28001007, "参数不合法")
        self.replies.append(body)
        return {
            "data": {"comment_id": f"reply-{len(self.replies)}", "error_code": 0, "description": ""},
            "extra": {"error_code": 0, "description": "", "logid": "2026", "now": 1797000000000},
        }
