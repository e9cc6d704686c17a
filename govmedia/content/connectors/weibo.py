"""Sina Weibo (新浪微博): user_timeline, users/show, comments/to_me, comments/reply (connectors.md §2).

Weibo allows 100 requests per authorised user per day: the budget is counted per account and
a run stops, with a Chinese reason, before it would overspend it. Replies spend it too.

A reply to a comment needs the comment id (our ``platform_message_id``) and the id of the
weibo it sits under (the message's post); a reply is at most 140 字 and is refused before
sending when longer. Private messages (粉丝服务平台) are not connected: answered by hand.
"""

from __future__ import annotations

import datetime as dt
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
    StatsData,
    as_count,
    field_of,
)

DAILY_BUDGET = 100
PAGE_SIZE = 100
TOKEN_ERRORS = {21314, 21315, 21316, 21317, 21319, 21327, 21332}
RATE_ERRORS = {10022, 10023, 10024}
PERMISSION_ERRORS = {10014, 20112}
REPLY_MAX_CHARS = 140
# Error codes of the comment APIs (Weibo wiki error-code table [I]), in words for people.
COMMENT_ERRORS = {
    20012: "答复内容超过微博字数限制（20012）",
    20016: "发送过于频繁，已超过微博发布频率限制（20016），请稍后再发送",
    20017: "微博认为这是重复内容（20017），请修改后再发送",
    20019: "微博认为这是重复内容（20019），请修改后再发送",
    20101: "评论所属的微博不存在或已被删除（20101）",
    20201: "这条评论不存在或已被删除（20201）",
    20206: "作者只允许关注用户评论（20206）",
    20207: "作者只允许可信用户评论（20207）",
}


def parse_time(value: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    except (TypeError, ValueError):
        raise ConnectorError(
            f"微博接口返回的时间格式无法识别：{value!s:.40}", ErrorKind.BAD_RESPONSE
        ) from None


class WeiboConnector(Connector):
    platform_name = "微博"
    default_base = "https://api.weibo.com"

    def _spend(self) -> None:
        today = timezone.localdate().isoformat()
        used = (
            int(self.credentials.get("budget_used", 0)) if self.credentials.get("budget_date") == today else 0
        )
        if used >= DAILY_BUDGET:
            raise ConnectorError(
                f"今日微博接口额度已用完（每个授权账号每天 {DAILY_BUDGET} 次），明日自动继续",
                ErrorKind.RATE_LIMIT,
            )
        self.save_credentials(budget_date=today, budget_used=used + 1)

    def get(self, path: str, **params) -> dict:
        (token,) = self.require("access_token")

        def once():
            self._spend()
            response = self.http("GET", path, params={"access_token": token, **params})
            return self._checked(response)

        return self.with_retries(once)

    def post(self, path: str, **form) -> dict:
        """A form POST (comments/reply); never retried, so a reply is never sent twice."""
        (token,) = self.require("access_token")

        def once():
            self._spend()
            response = self.http("POST", path, data={"access_token": token, **form})
            return self._checked(response, then="请稍后再发送")

        return self.send_once(once)

    def _checked(self, response, then: str = "稍后自动重试") -> dict:
        data = self.json_of(response)
        if "error_code" in data:
            self._raise(data, then)
        if response.status_code >= 400:
            raise ConnectorError(f"微博接口返回 HTTP {response.status_code}", ErrorKind.BAD_RESPONSE)
        return data

    def _raise(self, data: dict, then: str = "稍后自动重试") -> None:
        try:
            code = int(data.get("error_code"))
        except (TypeError, ValueError):
            code = -1
        if code in TOKEN_ERRORS:
            raise ConnectorError(
                f"微博授权已过期或无效（{code}），请账号管理员重新授权", ErrorKind.TOKEN, code
            )
        if code in RATE_ERRORS:
            raise ConnectorError(f"微博接口调用次数超限（{code}），{then}", ErrorKind.RATE_LIMIT, code)
        if code in COMMENT_ERRORS:
            kind = ErrorKind.RATE_LIMIT if code == 20016 else ErrorKind.BAD_RESPONSE
            raise ConnectorError(COMMENT_ERRORS[code], kind, code)
        if code in PERMISSION_ERRORS:
            raise ConnectorError(f"微博应用没有该接口权限（{code}）", ErrorKind.PERMISSION, code)
        raise ConnectorError(
            f"微博接口返回错误 {code}：{str(data.get('error', ''))[:60]}", ErrorKind.BAD_RESPONSE, code
        )

    def fetch_posts(self, account, since, cursor=None) -> Iterator[Page]:
        page = int((cursor or {}).get("page", 1))
        uid = self.credentials.get("uid") or account.platform_uid
        while True:
            data = self.get(
                "/2/statuses/user_timeline.json", uid=uid, count=PAGE_SIZE, page=page, trim_user=0
            )
            statuses = data.get("statuses")
            if not isinstance(statuses, list):
                raise ConnectorError(
                    f"微博时间线第 {page} 页数据不完整（缺少 statuses）", ErrorKind.BAD_RESPONSE
                )
            posts, reached = [], False
            for status in statuses:
                published = parse_time(field_of(status, "created_at", self.platform_name, required=True))
                if since and published < since:
                    reached = True
                    continue
                posts.append(self._post(status, published, uid))
            total = int(data.get("total_number") or 0)
            done = reached or not statuses or page * PAGE_SIZE >= total
            yield Page(posts=posts, cursor={} if done else {"page": page + 1})
            if done:
                return
            page += 1

    def _post(self, status: dict, published: dt.datetime, uid: str) -> PostData:
        post_id = str(status.get("idstr") or field_of(status, "id", self.platform_name, required=True))
        retweeted = status.get("retweeted_status")
        source = ""
        if retweeted:
            source = ((retweeted.get("user") or {}).get("screen_name") or "")[:200]
        return PostData(
            platform_post_id=post_id,
            published_at=published,
            body=strip_tags(status.get("text") or ""),
            url=f"https://weibo.com/{uid}/{status.get('mid') or post_id}",
            kind="text",
            is_original=not retweeted,
            repost_source=source,
            likes=as_count(status.get("attitudes_count")),
            shares=as_count(status.get("reposts_count")),
            comments=as_count(status.get("comments_count")),
        )

    def fetch_stats(self, account, since, until) -> StatsData:
        data = self.get("/2/users/show.json", uid=self.credentials.get("uid") or account.platform_uid)
        followers = as_count(data.get("followers_count"))
        return StatsData(followers={timezone.localdate(): followers} if followers is not None else {})

    def fetch_messages(self, account, since, posts=()) -> Iterator[list[MessageData]]:
        data = self.get("/2/comments/to_me.json", count=50)
        batch = []
        for c in data.get("comments") or []:
            received = parse_time(c.get("created_at"))
            if since and received < since:
                continue
            batch.append(
                MessageData(
                    platform_message_id=str(c.get("idstr") or c.get("id")),
                    received_at=received,
                    text=strip_tags(c.get("text") or ""),
                    author=str((c.get("user") or {}).get("id") or ""),
                    post_id=str(
                        (c.get("status") or {}).get("idstr") or (c.get("status") or {}).get("id") or ""
                    ),
                )
            )
        yield batch

    # --- replies
    @classmethod
    def reply_blocker(cls, message) -> str:
        if message.kind == "private":
            return "微博私信需通过粉丝服务平台回复，本系统未接入，请在微博后台回复后登记发送时间"
        if message.post_id is None or not message.post.platform_post_id:
            return "未找到这条评论所属的微博（未采集到该微博），无法代发，请在微博后台回复后登记发送时间"
        return ""

    @classmethod
    def reply_text_problem(cls, text: str) -> str:
        # Weibo counts two half-width characters as one 字; counting every character as one is
        # stricter, never looser.
        if len(text) > REPLY_MAX_CHARS:
            return f"微博评论回复最多 {REPLY_MAX_CHARS} 字，当前 {len(text)} 字，请精简后再发送"
        return ""

    def send_reply(self, account, message, text: str) -> None:
        """Reply to a comment with comments/reply (cid = the comment, id = its weibo)."""
        problem = self.reply_blocker(message) or self.reply_text_problem(text)
        if problem:
            raise ConnectorError(problem, ErrorKind.CONFIG)
        data = self.post(
            "/2/comments/reply.json",
            cid=message.platform_message_id,
            id=message.post.platform_post_id,
            comment=text,
            comment_ori=0,
            without_mention=0,
        )
        if not (data.get("idstr") or data.get("id")):
            raise ConnectorError("微博未返回新评论，无法确认答复已发送", ErrorKind.BAD_RESPONSE)
