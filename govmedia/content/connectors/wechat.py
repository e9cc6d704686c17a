"""WeChat official accounts (服务号/订阅号): stable token, 已发布 list, follower totals, comments.

Shapes and error codes follow ../shared/reference/connectors.md §1. Every error is HTTP 200
with ``errcode``; expired/invalid tokens (40001/40014/42001) refresh the token once and retry.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator

from django.utils import timezone
from django.utils.html import strip_tags

from govmedia.content.connectors.base import (
    Connector,
    ConnectorError,
    ErrorKind,
    MessageData,
    Page,
    PostData,
    RetryableError,
    StatsData,
    field_of,
)

TOKEN_ERRORS = {40001, 40014, 42001}
PAGE_SIZE = 20
COMMENT_PAGE = 49  # the documented maximum is "< 50"
_MID = re.compile(r"[?&]mid=(\d+)")
_IDX = re.compile(r"[?&]idx=(\d+)")

KNOWN_ERRORS = {
    40013: ("AppID 无效，请核对公众号的开发者 ID", ErrorKind.TOKEN),
    40125: ("AppSecret 无效，请在公众平台重置后重新填写", ErrorKind.TOKEN),
    40164: ("服务器 IP 不在公众号的 IP 白名单中，请在公众平台添加", ErrorKind.PERMISSION),
    41001: ("缺少 access_token", ErrorKind.TOKEN),
    45009: ("已达到接口每日调用上限（45009），请明日再试或在公众平台清零调用次数", ErrorKind.RATE_LIMIT),
    48001: ("公众号未认证或未获得该接口权限（48001）", ErrorKind.PERMISSION),
    88000: ("该公众号没有留言功能权限（88000）", ErrorKind.PERMISSION),
    61500: ("日期格式错误（61500）", ErrorKind.BAD_RESPONSE),
    61501: ("日期范围错误（61501）", ErrorKind.BAD_RESPONSE),
}


def _local(ts) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(ts), tz=dt.UTC).astimezone(timezone.get_default_timezone())


class WeChatConnector(Connector):
    platform_name = "微信公众号"
    default_base = "https://api.weixin.qq.com"

    # --- token
    def _fetch_token(self, force: bool = False) -> str:
        appid, secret = self.require("appid", "secret")

        def call():
            response = self.http(
                "POST",
                "/cgi-bin/stable_token",
                json={
                    "grant_type": "client_credential",
                    "appid": appid,
                    "secret": secret,
                    "force_refresh": force,
                },
            )
            return self._check(self.json_of(response))

        data = self.with_retries(call)
        token = field_of(data, "access_token", self.platform_name, required=True)
        expires_in = int(data.get("expires_in") or 7200)
        self.save_credentials(access_token=token, token_expires_at=time.time() + expires_in - 300)
        return token

    def _token(self) -> str:
        token = self.credentials.get("access_token")
        if token and float(self.credentials.get("token_expires_at") or 0) > time.time():
            return token
        return self._fetch_token()

    def _check(self, data: dict) -> dict:
        code = data.get("errcode", 0)
        try:
            code = int(code)
        except (TypeError, ValueError):
            raise ConnectorError("微信接口返回了无法识别的错误码", ErrorKind.BAD_RESPONSE) from None
        if code == 0:
            return data
        if code == -1:
            raise RetryableError("微信平台系统繁忙（-1）", ErrorKind.DOWN, code)
        if code in TOKEN_ERRORS:
            raise _TokenExpired(f"access_token 无效或已过期（{code}）", ErrorKind.TOKEN, code)
        reason, kind = KNOWN_ERRORS.get(code, (f"微信接口返回错误 {code}", ErrorKind.BAD_RESPONSE))
        raise ConnectorError(reason, kind, code)

    def call(self, path: str, body: dict) -> dict:
        """POST a business API with the token; refresh the token once when WeChat rejects it."""
        for attempt in range(2):
            token = self._token()

            def once(token=token):
                response = self.http("POST", path, params={"access_token": token}, json=body)
                return self._check(self.json_of(response))

            try:
                return self.with_retries(once)
            except _TokenExpired as exc:
                if attempt == 1:
                    raise ConnectorError(
                        f"微信 access_token 刷新后仍被拒绝（{exc.code}），请核对 AppSecret",
                        ErrorKind.TOKEN,
                        exc.code,
                    ) from None
                self._fetch_token(force=True)
        raise AssertionError("unreachable")

    # --- posts
    def fetch_posts(self, account, since: dt.datetime | None, cursor: dict | None = None) -> Iterator[Page]:
        offset = int((cursor or {}).get("offset", 0))
        while True:
            data = self.call(
                "/cgi-bin/freepublish/batchget", {"offset": offset, "count": PAGE_SIZE, "no_content": 0}
            )
            items = data.get("item")
            total = data.get("total_count")
            if not isinstance(items, list) or total is None:
                raise ConnectorError(
                    f"微信“已发布”列表第 {offset // PAGE_SIZE + 1} 页数据不完整（缺少 item 或 total_count）",
                    ErrorKind.BAD_RESPONSE,
                )
            declared = data.get("item_count", len(items))
            if declared != len(items):
                raise ConnectorError(
                    f"微信“已发布”列表第 {offset // PAGE_SIZE + 1} 页数据被截断（应有 {declared} 条，实收 {len(items)} 条）",
                    ErrorKind.BAD_RESPONSE,
                )
            posts, reached_since = [], False
            for item in items:
                published = _local(field_of(item, "update_time", self.platform_name, required=True))
                if since and published < since:
                    reached_since = True
                    continue
                posts.extend(self._posts_of(item, published))
            offset += len(items)
            done = reached_since or not items or offset >= int(total)
            yield Page(posts=posts, cursor={} if done else {"offset": offset})
            if done:
                return

    def _posts_of(self, item: dict, published: dt.datetime) -> list[PostData]:
        article_id = str(field_of(item, "article_id", self.platform_name, required=True))
        news = (item.get("content") or {}).get("news_item") or []
        result = []
        for index, news_item in enumerate(news):
            if news_item.get("is_deleted"):
                continue
            body = strip_tags(news_item.get("content") or "").strip() or news_item.get("digest") or ""
            result.append(
                PostData(
                    platform_post_id=f"{article_id}_{index + 1}",
                    published_at=published,
                    title=(news_item.get("title") or "")[:300],
                    body=body,
                    url=news_item.get("url") or "",
                    kind="article",
                )
            )
        return result

    # --- followers
    def fetch_stats(self, account, since: dt.date, until: dt.date) -> StatsData:
        stats = StatsData()
        start = since
        while start <= until:
            end = min(start + dt.timedelta(days=6), until)
            data = self.call(
                "/datacube/getusercumulate", {"begin_date": start.isoformat(), "end_date": end.isoformat()}
            )
            for row in data.get("list") or []:
                try:
                    stats.followers[dt.date.fromisoformat(row["ref_date"])] = int(row["cumulate_user"])
                except (KeyError, TypeError, ValueError):
                    raise ConnectorError(
                        "微信粉丝数据格式不对（getusercumulate）", ErrorKind.BAD_RESPONSE
                    ) from None
            start = end + dt.timedelta(days=1)
        return stats

    # --- comments
    def fetch_messages(self, account, since, posts=()) -> Iterator[list[MessageData]]:
        """Comments of the given posts (objects with ``platform_post_id`` and ``url``)."""
        for post in posts:
            mid, idx = _MID.search(post.url or ""), _IDX.search(post.url or "")
            if not mid:
                continue
            index = int(idx.group(1)) - 1 if idx else 0
            begin = 0
            while True:
                data = self.call(
                    "/cgi-bin/comment/list",
                    {
                        "msg_data_id": int(mid.group(1)),
                        "index": index,
                        "begin": begin,
                        "count": COMMENT_PAGE,
                        "type": 0,
                    },
                )
                comments = data.get("comment") or []
                batch = []
                for c in comments:
                    reply = c.get("reply") or {}
                    batch.append(
                        MessageData(
                            platform_message_id=f"{mid.group(1)}_{index}_{c.get('user_comment_id')}",
                            received_at=_local(field_of(c, "create_time", self.platform_name, required=True)),
                            text=c.get("content") or "",
                            author=c.get("openid") or "",
                            reply_text=reply.get("content") or "",
                            replied_at=_local(reply["create_time"]) if reply.get("create_time") else None,
                            post_id=post.platform_post_id,
                        )
                    )
                yield batch
                begin += len(comments)
                if not comments or begin >= int(data.get("total") or 0):
                    break


class _TokenExpired(ConnectorError):
    pass
