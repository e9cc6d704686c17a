"""WeChat official-account APIs as documented (connectors.md §1): tokens, freepublish, datacube,
comments and replies to them, 客服消息."""

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


def detail(stat_date: dt.date, reads: int, *, likes=0, shares=0, comments=0, zaikan=0) -> dict:
    """One ``detail_list`` entry of getarticletotaldetail, as in the real sample (counts cumulative)."""
    return {
        "stat_date": stat_date.isoformat(),
        "read_user": reads,
        "read_user_source": [{"user_count": reads, "scene_desc": "全部"}],
        "share_user": shares,
        "read_subscribe_user": 0,
        "read_delivery_rate": 0.0689,
        "read_finish_rate": 0.6667,
        "read_avg_activetime": 0.1,
        "zaikan_user": zaikan,
        "like_user": likes,
        "praise_money": 0,
        "comment_count": comments,
        "collection_user": 0,
        "read_jump_position": [{"position": 1, "rate": 0}],
    }


def datacube_row(
    msgid: str, ref_date: dt.date, details: list[dict], *, publish_type: int = 0, **extra
) -> dict:
    return {
        "ref_date": ref_date.isoformat(),
        "msgid": msgid,
        "publish_type": publish_type,
        "detail_list": details,
        **extra,
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
        self.datacube: dict[dt.date, list[dict]] = {}  # publish day -> getarticletotaldetail rows
        self.delayed: set[dt.date] = set()  # days answered with is_delay: true
        self.today: dt.date | None = None  # when set, end_date must be before it
        self.replies: list[dict] = []  # comment/reply/add bodies accepted
        server.route("POST", "/cgi-bin/stable_token", self.stable_token)
        server.route("POST", "/cgi-bin/freepublish/batchget", self.batchget)
        server.route("POST", "/datacube/getusercumulate", self.getusercumulate)
        server.route("POST", "/datacube/getarticletotaldetail", self.getarticletotaldetail)
        server.route("POST", "/cgi-bin/comment/list", self.comment_list)
        server.route("POST", "/cgi-bin/comment/reply/add", self.comment_reply_add)
        server.route("POST", "/cgi-bin/message/custom/send", self.custom_send)

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

    def getarticletotaldetail(self, request):
        """One publish day per call (begin_date = end_date), end_date at most yesterday."""
        problem = self._auth(request)
        if problem:
            return problem
        body = request.json()
        try:
            start, end = dt.date.fromisoformat(body["begin_date"]), dt.date.fromisoformat(body["end_date"])
        except (KeyError, ValueError):
            return {"errcode": 61500, "errmsg": "date format error"}
        if start != end or (self.today is not None and end >= self.today):
            return {"errcode": 61501, "errmsg": "date range error"}
        return {"list": self.datacube.get(start, []), "is_delay": start in self.delayed}

    def comment_reply_add(self, request):
        problem = self._auth(request)
        if problem:
            return problem
        body = request.json()
        if not body.get("content"):
            return {"errcode": 40097, "errmsg": "invalid args"}
        comments = self.comments.get(body.get("msg_data_id"))
        if comments is None:
            return {"errcode": 88001, "errmsg": "msg_data is not exists"}
        for comment in comments:
            if comment["user_comment_id"] == body.get("user_comment_id"):
                comment["reply"] = {"content": body["content"], "create_time": BASE_TS + 3600}
                self.replies.append(body)
                return {"errcode": 0, "errmsg": "ok"}
        return {"errcode": 88008, "errmsg": "comment is not exists"}

    def custom_send(self, request):
        """客服消息: needs the user's openid (touser), which govmedia does not keep."""
        problem = self._auth(request)
        if problem:
            return problem
        if not request.json().get("touser"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        return {"errcode": 0, "errmsg": "ok"}
