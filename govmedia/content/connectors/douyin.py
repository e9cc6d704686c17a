"""Douyin open platform (抖音开放平台): OAuth refresh, video_list, fans data, comment replies (connectors.md §3).

A reply answers a comment with ``POST /video/comment/reply/`` (item_id = the message's post,
comment_id = our ``platform_message_id``). The comment capability is for 企业号 with the
``video.comment`` scope only; without it Douyin answers 28001012 and the reason says so.
Private messages arrive by webhook only and are answered in the Douyin app, by hand.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

from govmedia.content.connectors.base import (
    Connector,
    ConnectorError,
    ErrorKind,
    Page,
    PostData,
    RetryableError,
    StatsData,
    as_count,
    field_of,
)
from govmedia.content.connectors.wechat import _local

TOKEN_ERRORS = {28001008, 10008, 2190008}
REFRESH_EXPIRED = {10010, 10020}
BUSY = {28001005, 2100004}
RATE_RETRY = {28003018}
QUOTA = {28003017, 2190001}
PERMISSION = {28001012, 2100007, 28001015}


class _TokenExpired(ConnectorError):
    pass


class DouyinConnector(Connector):
    platform_name = "抖音"
    default_base = "https://open.douyin.com"

    def _refresh(self) -> str:
        client_key, refresh_token = self.require("client_key", "refresh_token")
        response = self.http(
            "POST",
            "/oauth/refresh_token/",
            data={"client_key": client_key, "grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        data = self.json_of(response).get("data") or {}
        code = int(data.get("error_code") or 0)
        if code in REFRESH_EXPIRED:
            raise ConnectorError(
                "抖音授权已过期（refresh_token 失效），请账号管理员重新扫码授权", ErrorKind.TOKEN, code
            )
        if code:
            raise ConnectorError(
                f"抖音刷新授权失败（{code}）：{data.get('description', '')}", ErrorKind.TOKEN, code
            )
        token = field_of(data, "access_token", self.platform_name, required=True)
        self.save_credentials(
            access_token=token,
            refresh_token=data.get("refresh_token") or refresh_token,
            token_expires_at=time.time() + int(data.get("expires_in") or 1296000) - 600,
        )
        return token

    def _token(self) -> str:
        token = self.credentials.get("access_token")
        if token and float(self.credentials.get("token_expires_at") or 0) > time.time():
            return token
        return self._refresh()

    def _check(self, payload: dict, scope: str = "视频数据") -> dict:
        data = payload.get("data")
        extra = payload.get("extra") or {}
        if not isinstance(data, dict):
            raise ConnectorError("抖音接口返回的数据不完整（缺少 data）", ErrorKind.BAD_RESPONSE)
        code = int(data.get("error_code") or extra.get("error_code") or 0)
        if code == 0:
            return data
        if code in TOKEN_ERRORS:
            raise _TokenExpired(f"抖音 access_token 已过期（{code}）", ErrorKind.TOKEN, code)
        if code in BUSY:
            raise RetryableError(f"抖音平台繁忙（{code}）", ErrorKind.DOWN, code)
        if code in RATE_RETRY:
            raise RetryableError(f"抖音接口调用过于频繁（{code}）", ErrorKind.RATE_LIMIT, code)
        if code in QUOTA:
            raise ConnectorError(f"抖音接口调用额度已用完（{code}），请明日再试", ErrorKind.RATE_LIMIT, code)
        if code in PERMISSION:
            raise ConnectorError(
                f"抖音账号未授权该能力（{code}），请重新授权并勾选{scope}权限", ErrorKind.PERMISSION, code
            )
        raise ConnectorError(
            f"抖音接口返回错误 {code}：{data.get('description', '')}", ErrorKind.BAD_RESPONSE, code
        )

    def get(self, path: str, **params) -> dict:
        return self._request("GET", path, params)

    def _request(
        self, method: str, path: str, params: dict, body: dict | None = None, scope: str = "视频数据"
    ) -> dict:
        """Call with the token; refresh it once when expired. A POST (a reply) is never retried."""
        (open_id,) = self.require("open_id")
        run = self.with_retries if method == "GET" else self.send_once
        for attempt in range(2):
            token = self._token()

            def once(token=token):
                response = self.http(
                    method,
                    path,
                    params={"open_id": open_id, **params},
                    json=body,
                    headers={"access-token": token},
                )
                return self._check(self.json_of(response), scope)

            try:
                return run(once)
            except _TokenExpired as exc:
                if attempt == 1:
                    raise ConnectorError(str(exc) + "，刷新后仍被拒绝", ErrorKind.TOKEN, exc.code) from None
                self._refresh()
        raise AssertionError("unreachable")

    def fetch_posts(self, account, since, cursor=None) -> Iterator[Page]:
        position = int((cursor or {}).get("cursor", 0))
        page = 1
        while True:
            data = self.get("/api/douyin/v1/video/video_list/", cursor=position, count=10)
            items = data.get("list")
            if not isinstance(items, list):
                raise ConnectorError(
                    f"抖音视频列表第 {page} 页数据不完整（缺少 list）", ErrorKind.BAD_RESPONSE
                )
            posts, reached = [], False
            for item in items:
                published = _local(field_of(item, "create_time", self.platform_name, required=True))
                if since and published < since:
                    reached = True
                    continue
                stats = item.get("statistics") or {}
                posts.append(
                    PostData(
                        platform_post_id=str(field_of(item, "item_id", self.platform_name, required=True)),
                        published_at=published,
                        title=(item.get("title") or "")[:300],
                        url=item.get("share_url") or "",
                        kind="image" if item.get("media_type") == 2 else "video",
                        reads=as_count(stats.get("play_count")),
                        likes=as_count(stats.get("digg_count")),
                        shares=as_count(stats.get("share_count")),
                        comments=as_count(stats.get("comment_count")),
                    )
                )
            position = data.get("cursor", position)
            done = reached or not data.get("has_more") or not items
            yield Page(posts=posts, cursor={} if done else {"cursor": position})
            if done:
                return
            page += 1

    def fetch_stats(self, account, since, until) -> StatsData:
        data = self.get("/data/external/user/fans/", date_type=30)
        stats = StatsData()
        for row in data.get("result_list") or []:
            try:
                stats.followers[dt.date.fromisoformat(row["date"])] = int(row["total_fans"])
            except (KeyError, TypeError, ValueError):
                raise ConnectorError("抖音粉丝数据格式不对", ErrorKind.BAD_RESPONSE) from None
        return stats

    # --- replies
    @classmethod
    def reply_blocker(cls, message) -> str:
        if message.kind == "private":
            return "抖音私信只能在抖音内回复（开放平台仅推送私信），请回复后登记发送时间"
        if message.post_id is None or not message.post.platform_post_id:
            return "未找到这条评论所属的视频（未采集到该视频），无法代发，请在抖音内回复后登记发送时间"
        return ""

    def send_reply(self, account, message, text: str) -> None:
        """Reply to a video comment; Douyin answers the new comment's id."""
        problem = self.reply_blocker(message)
        if problem:
            raise ConnectorError(problem, ErrorKind.CONFIG)
        data = self._request(
            "POST",
            "/video/comment/reply/",
            {},
            {
                "item_id": message.post.platform_post_id,
                "comment_id": message.platform_message_id,
                "content": text,
            },
            scope="评论管理（video.comment，仅企业号）",
        )
        if not data.get("comment_id"):
            raise ConnectorError("抖音未返回回复的评论 ID，无法确认答复已发送", ErrorKind.BAD_RESPONSE)
