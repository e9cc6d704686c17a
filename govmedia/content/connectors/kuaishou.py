"""Kuaishou open platform (快手开放平台): refresh token, photo list, user_info (connectors.md §4).

Kuaishou offers no comment or message API, so messages come by import only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

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

RATE_RETRY = {100100402, 100100403, 100100404, 200100410}
PAGE_SIZE = 20


class _TokenExpired(ConnectorError):
    pass


class KuaishouConnector(Connector):
    platform_name = "快手"
    default_base = "https://open.kuaishou.com"

    def _refresh(self) -> str:
        app_id, secret, refresh_token = self.require("app_id", "app_secret", "refresh_token")
        response = self.http(
            "POST",
            "/oauth2/refresh_token",
            data={
                "app_id": app_id,
                "app_secret": secret,
                "refresh_token": refresh_token,
                "grant_type": "refresh_token",
            },
        )
        data = self.json_of(response)
        if data.get("result") != 1:
            raise ConnectorError("快手授权已过期，请账号管理员重新授权", ErrorKind.TOKEN, data.get("result"))
        self.save_credentials(
            access_token=field_of(data, "access_token", self.platform_name, required=True),
            refresh_token=data.get("refresh_token") or refresh_token,
        )
        return self.credentials["access_token"]

    def _check(self, data: dict) -> dict:
        result = data.get("result")
        if result == 1:
            return data
        message = str(data.get("error_msg") or "")
        if result in RATE_RETRY:
            raise RetryableError(f"快手接口调用过于频繁（{result}）", ErrorKind.RATE_LIMIT, result)
        if "token" in message.lower():
            raise _TokenExpired(f"快手 access_token 无效或已过期（{result}）", ErrorKind.TOKEN, result)
        raise ConnectorError(f"快手接口返回错误 {result}：{message[:60]}", ErrorKind.BAD_RESPONSE, result)

    def get(self, path: str, **params) -> dict:
        (app_id,) = self.require("app_id")
        for attempt in range(2):
            token = self.credentials.get("access_token") or self._refresh()

            def once(token=token):
                response = self.http("GET", path, params={"app_id": app_id, "access_token": token, **params})
                return self._check(self.json_of(response))

            try:
                return self.with_retries(once)
            except _TokenExpired as exc:
                if attempt == 1:
                    raise ConnectorError(str(exc) + "，刷新后仍被拒绝", ErrorKind.TOKEN, exc.code) from None
                self._refresh()
        raise AssertionError("unreachable")

    def fetch_posts(self, account, since, cursor=None) -> Iterator[Page]:
        position = (cursor or {}).get("cursor", "")
        page = 1
        while True:
            params = {"count": PAGE_SIZE, **({"cursor": position} if position else {})}
            data = self.get("/openapi/photo/list", **params)
            items = data.get("video_list")
            if not isinstance(items, list):
                raise ConnectorError(
                    f"快手作品列表第 {page} 页数据不完整（缺少 video_list）", ErrorKind.BAD_RESPONSE
                )
            posts, reached = [], False
            for item in items:
                millis = field_of(item, "create_time", self.platform_name, required=True)
                published = dt.datetime.fromtimestamp(int(millis) / 1000, tz=dt.UTC).astimezone(
                    timezone.get_default_timezone()
                )
                if since and published < since:
                    reached = True
                    continue
                photo_id = str(field_of(item, "photo_id", self.platform_name, required=True))
                posts.append(
                    PostData(
                        platform_post_id=photo_id,
                        published_at=published,
                        title=(item.get("caption") or "")[:300],
                        body=item.get("caption") or "",
                        url=item.get("play_url") or "",
                        kind="video",
                        reads=as_count(item.get("view_count")),
                        likes=as_count(item.get("like_count")),
                        comments=as_count(item.get("comment_count")),
                    )
                )
                position = photo_id
            done = reached or len(items) < PAGE_SIZE
            yield Page(posts=posts, cursor={} if done else {"cursor": position})
            if done:
                return
            page += 1

    def fetch_stats(self, account, since, until) -> StatsData:
        data = self.get("/openapi/user_info")
        fans = as_count((data.get("user_info") or {}).get("fan"))
        return StatsData(followers={timezone.localdate(): fans} if fans is not None else {})
