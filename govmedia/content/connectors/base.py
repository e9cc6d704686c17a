"""The one interface every platform connector implements, and the HTTP plumbing they share.

A connector turns a platform's answers into plain ``PostData``/``MessageData``; it never
writes to the database (services.py does). Every failure is a ``ConnectorError`` carrying a
Chinese reason for people and an error kind for monitoring.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def http_client() -> httpx.Client:
    """One HTTP client for many accounts: building one loads the CA bundle (~50 ms), so a chunk
    of accounts shares it (cookies are never kept between requests)."""
    return httpx.Client(timeout=TIMEOUT, follow_redirects=True, cookies=_NoCookies())


class _NoCookies(httpx.Cookies):
    def extract_cookies(self, response) -> None:  # platforms authenticate by token, not cookie
        pass


MAX_RETRIES = 3


class ErrorKind:
    TOKEN = "token"
    RATE_LIMIT = "rate_limit"
    DOWN = "down"
    PERMISSION = "permission"
    BAD_RESPONSE = "bad_response"
    CONFIG = "config"


class ConnectorError(Exception):
    """A failure with a reason people can read (Chinese) and a kind monitoring can count."""

    def __init__(self, reason: str, kind: str = ErrorKind.DOWN, code: str | int | None = None):
        self.reason, self.kind, self.code = reason, kind, code
        super().__init__(reason)


class RetryableError(ConnectorError):
    """Busy or rate limited for now: worth another try after a pause."""


@dataclass
class PostData:
    platform_post_id: str
    published_at: dt.datetime
    title: str = ""
    body: str = ""
    url: str = ""
    kind: str = "article"
    is_original: bool = True
    repost_source: str = ""
    reads: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    zaikan: int | None = None


@dataclass
class MessageData:
    platform_message_id: str
    received_at: dt.datetime
    text: str
    kind: str = "comment"
    author: str = ""
    reply_text: str = ""
    replied_at: dt.datetime | None = None
    replied_by: str = ""
    post_id: str = ""  # the platform id of the post it belongs to, if any


@dataclass
class Page:
    """One page of results and the cursor that resumes *after* it."""

    posts: list[PostData] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)


@dataclass
class Counts:
    reads: int | None = None
    likes: int | None = None
    shares: int | None = None
    comments: int | None = None
    zaikan: int | None = None


@dataclass
class PostStatsData:
    """One post's counts from a platform's statistics API, as of each day the platform reports.

    ``days`` maps a stat date to the cumulative counts up to that date; the latest one becomes
    the post's counts. A post the posts API never lists (WeChat 群发) is created from this row
    when ``create_if_missing`` is set, with ``title`` and ``published_at``.
    """

    platform_post_id: str
    published_at: dt.datetime
    days: dict[dt.date, Counts] = field(default_factory=dict)
    title: str = ""
    url: str = ""
    create_if_missing: bool = False


@dataclass
class StatsData:
    followers: dict[dt.date, int] = field(default_factory=dict)
    posts: list[PostStatsData] = field(default_factory=list)
    # credential changes to save once the stats are stored (e.g. "per-post stats done for day D")
    checkpoint: dict = field(default_factory=dict)


class Connector:
    """Base class: one subclass per platform, registered in ``connectors.CONNECTORS``."""

    platform_name = ""
    default_base = ""

    def __init__(
        self,
        credentials: dict,
        *,
        base_url: str = "",
        feed_url: str = "",
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_credentials_changed: Callable[[dict], None] | None = None,
    ):
        self.credentials = dict(credentials)
        self.base_url = (base_url or self.default_base).rstrip("/")
        self.feed_url = feed_url
        self.client = client or http_client()
        self.sleep = sleep
        self.on_credentials_changed = on_credentials_changed or (lambda creds: None)

    # --- the interface
    def fetch_posts(self, account, since: dt.datetime | None, cursor: dict | None = None) -> Iterator[Page]:
        raise NotImplementedError

    def fetch_stats(self, account, since: dt.date, until: dt.date) -> StatsData:
        return StatsData()

    def fetch_messages(self, account, since: dt.datetime | None, posts=()) -> Iterator[list[MessageData]]:
        return iter(())

    # Replying is optional: a connector that can answer the public defines ``send_reply``
    # (interaction.services.reply_route looks for it) and says which messages it cannot answer.
    #
    # def send_reply(self, account, message, text: str) -> None: ...

    @classmethod
    def reply_blocker(cls, message) -> str:
        """Why this message cannot be answered through the platform (Chinese), or "" if it can."""
        return ""

    @classmethod
    def reply_text_problem(cls, text: str) -> str:
        """Why the platform would refuse this reply text (Chinese), checked before sending."""
        return ""

    # --- plumbing
    def require(self, *names: str) -> list[str]:
        missing = [n for n in names if not self.credentials.get(n)]
        if missing:
            raise ConnectorError(
                f"{self.platform_name}凭证未配置（缺少 {'、'.join(missing)}），请在采集设置中填写",
                ErrorKind.CONFIG,
            )
        return [self.credentials[n] for n in names]

    def save_credentials(self, **changes) -> None:
        self.credentials.update(changes)
        self.on_credentials_changed(dict(self.credentials))

    def http(self, method: str, path: str, **kwargs) -> httpx.Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise RetryableError(f"{self.platform_name}接口响应超时", ErrorKind.DOWN) from None
        except httpx.HTTPError as exc:
            raise RetryableError(
                f"无法连接{self.platform_name}接口（{exc.__class__.__name__}）", ErrorKind.DOWN
            ) from None
        if response.status_code == 429:
            raise RetryableError(
                f"{self.platform_name}接口调用过于频繁（HTTP 429）", ErrorKind.RATE_LIMIT, 429
            )
        if response.status_code >= 500:
            raise RetryableError(
                f"{self.platform_name}平台暂时不可用（HTTP {response.status_code}）",
                ErrorKind.DOWN,
                response.status_code,
            )
        return response

    def json_of(self, response: httpx.Response) -> dict:
        try:
            data = json.loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ConnectorError(
                f"{self.platform_name}接口返回的数据不完整或不是有效的 JSON（HTTP {response.status_code}）",
                ErrorKind.BAD_RESPONSE,
            ) from None
        if not isinstance(data, dict):
            raise ConnectorError(f"{self.platform_name}接口返回的数据格式不对", ErrorKind.BAD_RESPONSE)
        return data

    def with_retries(self, call: Callable[[], dict]) -> dict:
        """Retry busy/rate-limited answers with exponential backoff; then give up with the reason."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                return call()
            except RetryableError as exc:
                if attempt == MAX_RETRIES:
                    raise ConnectorError(
                        exc.reason + f"，已重试 {MAX_RETRIES} 次", exc.kind, exc.code
                    ) from None
                self.sleep(min(2**attempt, 30))
        raise AssertionError("unreachable")

    def send_once(self, call: Callable[[], dict]) -> dict:
        """A write (a reply) is never retried: an unanswered request may still have gone through."""
        try:
            return call()
        except RetryableError as exc:
            raise ConnectorError(
                exc.reason + "，无法确认答复是否已发出，请先到平台后台核实", exc.kind, exc.code
            ) from None


def field_of(item: dict, name: str, platform: str, default=None, *, required: bool = False):
    if name in item and item[name] is not None:
        return item[name]
    if required:
        raise ConnectorError(f"{platform}接口返回的数据缺少字段“{name}”", ErrorKind.BAD_RESPONSE)
    return default


def as_count(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return max(number, 0)
