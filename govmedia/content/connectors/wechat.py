"""WeChat official accounts (服务号/订阅号): stable token, 已发布 list, follower totals, per-post
statistics and 群发 history (datacube), comments and replies to them.

Shapes and error codes follow ../shared/reference/connectors.md §1. Every error is HTTP 200
with ``errcode``; expired/invalid tokens (40001/40014/42001) refresh the token once and retry.

Post ids — one scheme for every path: ``{mid}_{idx}``, the article's msg_data_id and its
1-based position in the message. That is the ``mid``/``idx`` of the article URL, the
``msgid`` of datacube and, minus one on the index, the ``msg_data_id``/``index`` of the
comment APIs (connectors.md §1.2/§1.5). So a 发布 article listed by freepublish, the same
article seen by datacube, and a 群发 article that only datacube enumerates all get the same
id, and comments attach to it. Only an article whose freepublish URL carries no mid/idx falls
back to ``{article_id}_{n}`` (the scheme used before); stored rows of that older scheme are
renamed by ``content.stats.adopt_wechat_post_ids`` when their URL shows mid/idx.

Per-post statistics come from the new ``getarticletotaldetail`` (one publish day per call, each
post counted for 30 days after publishing, data from 2025-11-01 on). The old
``getarticletotal`` is not used as a fallback: WeChat marks it unmaintained (third-party
collectors report 47009 "api is offline") and the 30 days we refresh all lie after 2025-11-01.

Replies: comments go through ``comment/reply/add``. Private messages (pushed, ids ``wx:…``)
would need 客服消息 with the user's openid, which we deliberately do not keep (only a salted
hash, ``content.services.mask_author``): they are answered in the 公众平台 and recorded by hand.
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
    Counts,
    ErrorKind,
    MessageData,
    Page,
    PostData,
    PostStatsData,
    RetryableError,
    StatsData,
    as_count,
    field_of,
)

TOKEN_ERRORS = {40001, 40014, 42001}
PAGE_SIZE = 20
COMMENT_PAGE = 49  # the documented maximum is "< 50"
_MID = re.compile(r"[?&]mid=(\d+)")
_IDX = re.compile(r"[?&]idx=(\d+)")
_POST_ID = re.compile(r"(\d+)_(\d+)")  # {mid}_{idx}, also datacube's msgid
_COMMENT_ID = re.compile(r"(\d+)_(\d+)_(\d+)")  # {mid}_{index (0-based)}_{user_comment_id}
POST_STATS_DAYS = 30  # getarticletotaldetail counts a post for 30 days after publishing
NEW_DATACUBE_FROM = dt.date(2025, 11, 1)  # the new datacube APIs have no data before this day
POST_STATS_MARK = "post_stats_through"  # credentials key: per-post stats stored up to this day
MASS_SENT = 0  # publish_type 0 = 已通知（群发）; 1 = 未开启通知 (发布, listed by freepublish)
FREEPUBLISHED = 1

KNOWN_ERRORS = {
    40013: ("AppID 无效，请核对公众号的开发者 ID", ErrorKind.TOKEN),
    40125: ("AppSecret 无效，请在公众平台重置后重新填写", ErrorKind.TOKEN),
    40164: ("服务器 IP 不在公众号的 IP 白名单中，请在公众平台添加", ErrorKind.PERMISSION),
    41001: ("缺少 access_token", ErrorKind.TOKEN),
    45009: ("已达到接口每日调用上限（45009），请明日再试或在公众平台清零调用次数", ErrorKind.RATE_LIMIT),
    48001: ("公众号未认证或未获得该接口权限（48001）", ErrorKind.PERMISSION),
    47009: ("该微信接口已下线（47009）", ErrorKind.PERMISSION),
    88000: ("该公众号没有留言功能权限（88000）", ErrorKind.PERMISSION),
    88001: ("该文章不存在或已被删除（88001）", ErrorKind.BAD_RESPONSE),
    88002: ("该文章因安全原因被限制留言（88002）", ErrorKind.PERMISSION),
    88008: ("该留言不存在或已被删除（88008）", ErrorKind.BAD_RESPONSE),
    61500: ("日期格式错误（61500）", ErrorKind.BAD_RESPONSE),
    61501: ("日期范围错误（61501）", ErrorKind.BAD_RESPONSE),
}


def _local(ts) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(ts), tz=dt.UTC).astimezone(timezone.get_default_timezone())


def post_id_from_url(url: str) -> str | None:
    """``{mid}_{idx}`` from an article URL (``…&mid=2247490098&idx=1&…``), or None without them."""
    mid, idx = _MID.search(url or ""), _IDX.search(url or "")
    if not mid or not idx or int(idx.group(1)) < 1:
        return None
    return f"{int(mid.group(1))}_{int(idx.group(1))}"


def _mid_and_index(post) -> tuple[int, int] | None:
    """(msg_data_id, 0-based index) of a stored post, from its URL or else from its id."""
    post_id = post_id_from_url(post.url or "") or post.platform_post_id
    match = _POST_ID.fullmatch(post_id or "")
    if not match or int(match.group(2)) < 1:
        return None
    return int(match.group(1)), int(match.group(2)) - 1


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

    def call(self, path: str, body: dict, *, write: bool = False) -> dict:
        """POST a business API with the token; refresh the token once when WeChat rejects it.

        A ``write`` (a reply) is not retried when busy or unanswered, only after a token refresh
        (WeChat refused it, so nothing was sent).
        """
        run = self.send_once if write else self.with_retries
        for attempt in range(2):
            token = self._token()

            def once(token=token):
                response = self.http("POST", path, params={"access_token": token}, json=body)
                return self._check(self.json_of(response))

            try:
                return run(once)
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
            url = news_item.get("url") or ""
            result.append(
                PostData(
                    platform_post_id=post_id_from_url(url) or f"{article_id}_{index + 1}",
                    published_at=published,
                    title=(news_item.get("title") or "")[:300],
                    body=body,
                    url=url,
                    kind="article",
                )
            )
        return result

    # --- followers and per-post statistics
    def fetch_stats(self, account, since: dt.date, until: dt.date) -> StatsData:
        """Follower totals for since..until; per-post counts of the last 30 publish days, once a day.

        Datacube changes once a day (D-1), while collection runs every two hours: the per-post
        part is skipped once the stats up to ``until`` are stored (``checkpoint``), and kept
        pending while WeChat says the day's data is delayed (``is_delay``).
        """
        stats = self._followers(since, until)
        if self.credentials.get(POST_STATS_MARK) != until.isoformat():
            stats.posts, complete = self._post_stats(until)
            if complete:
                stats.checkpoint = {POST_STATS_MARK: until.isoformat()}
        return stats

    def _followers(self, since: dt.date, until: dt.date) -> StatsData:
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

    def _post_stats(self, until: dt.date) -> tuple[list[PostStatsData], bool]:
        """getarticletotaldetail for each publish day: ``begin_date`` = ``end_date``.

        The documented window is one publish day per call (a wider one answers 61501 "date
        range error", 微信开放社区 2026-01); each row then lists the post's counts for every
        day since publishing, cumulative, up to 30 days.
        """
        rows: dict[str, PostStatsData] = {}
        complete = True
        day = max(until - dt.timedelta(days=POST_STATS_DAYS - 1), NEW_DATACUBE_FROM)
        while day <= until:
            data = self.call(
                "/datacube/getarticletotaldetail",
                {"begin_date": day.isoformat(), "end_date": day.isoformat()},
            )
            if data.get("is_delay"):
                complete = False
            items = data.get("list") or []
            if not isinstance(items, list):
                raise ConnectorError(
                    "微信文章统计数据格式不对（getarticletotaldetail）", ErrorKind.BAD_RESPONSE
                )
            for item in items:
                row = self._post_stats_row(item)
                rows[row.platform_post_id] = row
            day += dt.timedelta(days=1)
        return list(rows.values()), complete

    def _post_stats_row(self, item) -> PostStatsData:
        try:
            msgid = str(item["msgid"])
            ref_date = dt.date.fromisoformat(item["ref_date"])
            details = item.get("detail_list") or []
            days = {
                dt.date.fromisoformat(d["stat_date"]): Counts(
                    reads=as_count(d.get("read_user")),
                    likes=as_count(d.get("like_user")),
                    shares=as_count(d.get("share_user")),
                    comments=as_count(d.get("comment_count")),
                    zaikan=as_count(d.get("zaikan_user")),
                )
                for d in details
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ConnectorError(
                "微信文章统计数据格式不对（getarticletotaldetail 缺少 msgid、ref_date 或 stat_date）",
                ErrorKind.BAD_RESPONSE,
            ) from None
        match = _POST_ID.fullmatch(msgid)
        if not match or int(match.group(2)) < 1:
            raise ConnectorError(f"微信文章统计中的 msgid 无法识别：{msgid[:40]}", ErrorKind.BAD_RESPONSE)
        post_id = f"{int(match.group(1))}_{int(match.group(2))}"
        publish_type = item.get("publish_type")
        # The real response carries no title; take one if WeChat adds it, else say what it is.
        title = str(item.get("title") or "").strip()
        if not title:
            title = (
                f"群发消息（msgid {msgid}）" if publish_type == MASS_SENT else f"发表内容（msgid {msgid}）"
            )
        url = str(item.get("content_url") or "")
        return PostStatsData(
            platform_post_id=post_id,
            # the publish day only: the start of it, so a silence is never shortened
            published_at=dt.datetime.combine(ref_date, dt.time(), tzinfo=timezone.get_default_timezone()),
            days=days,
            title=title[:300],
            url=url if post_id_from_url(url) == post_id else "",
            # freepublish lists 发布 articles (publish_type 1); one it does not list was deleted
            create_if_missing=publish_type != FREEPUBLISHED,
        )

    # --- comments
    def fetch_messages(self, account, since, posts=()) -> Iterator[list[MessageData]]:
        """Comments of the given posts (objects with ``platform_post_id`` and ``url``)."""
        for post in posts:
            located = _mid_and_index(post)
            if located is None:
                continue
            msg_data_id, index = located
            begin = 0
            while True:
                data = self.call(
                    "/cgi-bin/comment/list",
                    {
                        "msg_data_id": msg_data_id,
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
                            platform_message_id=f"{msg_data_id}_{index}_{c.get('user_comment_id')}",
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

    # --- replies
    @classmethod
    def reply_blocker(cls, message) -> str:
        if message.platform_message_id.startswith("wx:") or message.kind == "private":
            return (
                "公众号私信只能在 48 小时内以客服消息回复，且需用户的 openid；"
                "为保护个人信息本系统不保存 openid，请在公众平台后台回复后登记发送时间"
            )
        if not _COMMENT_ID.fullmatch(message.platform_message_id):
            return "这条留言不是通过公众号留言接口采集的，无法代发，请在公众平台后台回复后登记发送时间"
        return ""

    def send_reply(self, account, message, text: str) -> None:
        """Answer a comment (留言) with ``comment/reply/add``; errors raise ConnectorError in Chinese."""
        blocker = self.reply_blocker(message)
        if blocker:
            raise ConnectorError(blocker, ErrorKind.CONFIG)
        msg_data_id, index, user_comment_id = _COMMENT_ID.fullmatch(message.platform_message_id).groups()
        self.call(
            "/cgi-bin/comment/reply/add",
            {
                "msg_data_id": int(msg_data_id),
                "index": int(index),
                "user_comment_id": int(user_comment_id),
                "content": text,
            },
            write=True,
        )


class _TokenExpired(ConnectorError):
    pass
