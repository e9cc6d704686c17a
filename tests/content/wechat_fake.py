"""WeChat official-account APIs as documented (connectors.md §1): tokens, freepublish, datacube, comments."""

from __future__ import annotations

import datetime as dt

from tests.content.fakes import FakePlatform, Reply, reply_json

BASE_TS = int(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC).timestamp())


def article(n: int, *, title: str | None = None, ts: int | None = None) -> dict:
    return {
        "article_id": f"ART{n:04d}",
        "update_time": ts if ts is not None else BASE_TS - n * 3600,
        "content": {
            "news_item": [
                {
                    "title": title or f"青山县教育局发布第{n}号通知",
                    "author": "青山教育",
                    "digest": "摘要",
                    "content": f"<p>关于做好第{n}项工作的通知正文。</p>",
                    "content_source_url": "",
                    "url": f"https://mp.weixin.qq.com/s?__biz=MzA&mid={2247490000 + n}&idx=1&sn=abc",
                    "is_deleted": False,
                }
            ]
        },
    }


class WeChatFake:
    def __init__(self, server: FakePlatform, articles: int = 3):
        self.server = server
        self.articles = [article(n) for n in range(1, articles + 1)]
        self.tokens: set[str] = set()
        self.issued = 0
        self.failures: dict[str, list] = {}  # path -> queued replies (dict errors or Reply)
        self.comments: dict[int, list] = {}
        self.cumulate = {}
        server.route("POST", "/cgi-bin/stable_token", self.stable_token)
        server.route("POST", "/cgi-bin/freepublish/batchget", self.batchget)
        server.route("POST", "/datacube/getusercumulate", self.getusercumulate)
        server.route("POST", "/cgi-bin/comment/list", self.comment_list)

    def fail(self, path: str, *replies) -> None:
        self.failures.setdefault(path, []).extend(replies)

    def _queued(self, path):
        queue = self.failures.get(path)
        if queue:
            item = queue.pop(0)
            return item if isinstance(item, Reply) else reply_json(item)
        return None

    def stable_token(self, request):
        queued = self._queued(request.path)
        if queued:
            return queued
        body = request.json()
        if body.get("appid") != "wx-app" or body.get("secret") != "wx-secret":
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        self.issued += 1
        token = f"TOKEN{self.issued}"
        self.tokens.add(token)
        return {"access_token": token, "expires_in": 7200}

    def _auth(self, request):
        token = request.query.get("access_token")
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if token not in self.tokens:
            return {"errcode": 42001, "errmsg": "access_token expired rid: 66aa"}
        return self._queued(request.path)

    def expire_tokens(self):
        self.tokens.clear()

    def batchget(self, request):
        problem = self._auth(request)
        if problem:
            return problem
        body = request.json()
        offset, count = body["offset"], body["count"]
        if not 1 <= count <= 20:
            return {"errcode": 40097, "errmsg": "invalid args"}
        page = self.articles[offset : offset + count]
        return {"total_count": len(self.articles), "item_count": len(page), "item": page}

    def getusercumulate(self, request):
        problem = self._auth(request)
        if problem:
            return problem
        body = request.json()
        start, end = dt.date.fromisoformat(body["begin_date"]), dt.date.fromisoformat(body["end_date"])
        if (end - start).days > 6:
            return {"errcode": 61501, "errmsg": "date range error"}
        rows = []
        day = start
        while day <= end:
            rows.append(
                {"ref_date": day.isoformat(), "user_source": 0, "cumulate_user": self.cumulate.get(day, 1000)}
            )
            day += dt.timedelta(days=1)
        return {"list": rows}

    def comment_list(self, request):
        problem = self._auth(request)
        if problem:
            return problem
        body = request.json()
        if body["count"] >= 50:
            return {"errcode": 40097, "errmsg": "invalid args"}
        comments = self.comments.get(body["msg_data_id"], [])
        page = comments[body["begin"] : body["begin"] + body["count"]]
        return {"errcode": 0, "errmsg": "ok", "total": len(comments), "comment": page}
