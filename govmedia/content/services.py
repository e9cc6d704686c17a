"""Ingestion: the only code that writes posts, messages, stats and connection health.

Every write is an upsert keyed by (account, platform id) — or a stable content hash where a
platform gives no id — done in small transactions, so re-running any collection or import
changes nothing and a run killed half-way, started again, ends with the same rows.
Functions here take IDs and return JSON-safe summaries, ready to be Celery tasks (issue 11).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govmedia.content import credentials as creds
from govmedia.content.connectors import connector_for
from govmedia.content.connectors.base import (
    ConnectorError,
    ErrorKind,
    MessageData,
    PostData,
    StatsData,
    http_client,
)
from govmedia.content.models import Connection, Health, Message, Post, PostStat, Source
from govmedia.content.risk import check_post_text
from govmedia.core.audit import audit
from govmedia.registry.models import FollowerCount, MediaAccount

COUNT_FIELDS = ("reads", "likes", "shares", "comments", "zaikan")
TEXT_FIELDS = ("published_at", "title", "body", "url", "kind", "is_original", "repost_source")
BATCH = 1000
RECOLLECT_OVERLAP = dt.timedelta(days=3)  # stats of recent posts keep changing
FIRST_COLLECTION = dt.timedelta(days=365)


@dataclass
class IngestSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    messages_created: int = 0
    messages_updated: int = 0
    followers_days: int = 0
    error: str = ""
    error_kind: str = ""

    def add(self, other: IngestSummary) -> IngestSummary:
        for name in (
            "created",
            "updated",
            "unchanged",
            "messages_created",
            "messages_updated",
            "followers_days",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        line = (
            f"内容新增 {self.created} 条、更新 {self.updated} 条、无变化 {self.unchanged} 条；"
            f"留言新增 {self.messages_created} 条、更新 {self.messages_updated} 条"
        )
        return line + (f"；失败：{self.error}" if self.error else "")


# ---------------------------------------------------------------- hashing and masking


def local_minute(published_at: dt.datetime) -> str:
    """The minute a post was published, in local time: the time part of its stable id."""
    return timezone.localtime(published_at).strftime("%Y-%m-%d %H:%M")


def content_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title.strip()}\n{body.strip()}".encode()).hexdigest()


def stable_post_id(published_at: dt.datetime, title: str, body: str, *, minute: str | None = None) -> str:
    """An id for platforms (and spreadsheets) that give none: same post, same id, every time.

    ``minute``: ``local_minute(published_at)`` when the caller already has it (the importer
    keeps it per distinct time cell).
    """
    minute = local_minute(published_at) if minute is None else minute
    return "h:" + hashlib.sha256(f"{minute}\n{title.strip()}\n{body.strip()}".encode()).hexdigest()[:40]


def mask_author(handle: str) -> str:
    """Keep only a salted hash of the author: enough to group one person's messages, no more."""
    if not handle:
        return ""
    from django.conf import settings

    digest = hashlib.sha256(f"{settings.SECRET_KEY}:author:{handle}".encode()).hexdigest()
    return "网友" + digest[:8]


# ---------------------------------------------------------------- posts


def _post_values(data: PostData) -> dict:
    return {
        "published_at": data.published_at,
        "title": (data.title or "")[:300],
        "body": data.body or "",
        "url": (data.url or "")[:1000],
        "kind": data.kind or "article",
        "is_original": bool(data.is_original),
        "repost_source": (data.repost_source or "")[:200],
    }


_LOOKUP_CHUNK = 900  # parameters per IN (): below every SQLite build's variable limit
_EXISTING_COLUMNS = ("id", "account_id", "platform_post_id", "content_hash", *TEXT_FIELDS, *COUNT_FIELDS)


@dataclass
class PostBatchPlan:
    """One batch compared with the stored posts: what to insert, update and risk-check.

    Made by ``plan_post_batch``, written by ``write_post_batch`` with the hits of ``texts``.
    Between the two, another process may check the texts (the importer does, on big files).
    """

    source: str
    check: bool
    now: dt.datetime
    keys: set[tuple[int, str]]
    new: list = field(default_factory=list)  # (key, values, counts, digest)
    changed: list[Post] = field(default_factory=list)
    recheck: list[Post] = field(default_factory=list)  # changed posts whose text changed
    stat_posts: list[Post] = field(default_factory=list)
    unchanged: int = 0

    def texts(self) -> list[tuple[str, str]]:
        """(title, body) to risk-check, in the order ``write_post_batch`` takes their hits."""
        if not self.check:
            return []
        return [(values["title"], values["body"]) for _, values, _, _ in self.new] + [
            (post.title, post.body) for post in self.recheck
        ]


def _existing_posts(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Post]:
    """Stored posts by (account, post id), looked up by post id alone (its own index) and matched
    to accounts here: an IN over accounts and one over post ids makes SQLite probe the composite
    index for every pair. Which post ids exist is read from that index alone (no table rows, no
    ORM: a new file finds none); only those found are loaded as posts."""
    quote = db_connection.ops.quote_name
    table, post_id = quote(Post._meta.db_table), quote("platform_post_id")
    wanted = list({p for _, p in keys})
    present = set()
    with db_connection.cursor() as cursor:
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            cursor.execute(
                f"SELECT {post_id} FROM {table} WHERE {post_id} IN ({', '.join(['%s'] * len(chunk))})", chunk
            )
            present.update(p for (p,) in cursor.fetchall())
    select = f"SELECT {', '.join(quote(c) for c in _EXISTING_COLUMNS)} FROM {table} WHERE {post_id} IN "
    present_list = list(present)
    found = {}
    for start in range(0, len(present_list), _LOOKUP_CHUNK):
        chunk = present_list[start : start + _LOOKUP_CHUNK]
        for post in Post.objects.raw(f"{select}({', '.join(['%s'] * len(chunk))})", chunk):
            key = (post.account_id, post.platform_post_id)
            if key in keys:
                found[key] = post
    return found


def plan_post_batch(
    pairs: Iterable[tuple[int, PostData]], *, source: str, check: bool = True, now: dt.datetime | None = None
) -> PostBatchPlan | None:
    """Compare one batch of (account id, post) with the stored posts; None for an empty batch.
    The last of several rows with the same key wins; blank counts keep stored ones."""
    latest: dict[tuple[int, str], PostData] = {}
    for account_id, data in pairs:
        latest[(account_id, data.platform_post_id)] = data
    if not latest:
        return None
    plan = PostBatchPlan(source=source, check=check, now=now or timezone.now(), keys=set(latest))
    existing = _existing_posts(plan.keys)
    for key, data in latest.items():
        values = _post_values(data)
        counts = {
            "reads": data.reads,
            "likes": data.likes,
            "shares": data.shares,
            "comments": data.comments,
            "zaikan": data.zaikan,
        }
        digest = content_hash(values["title"], values["body"])
        post = existing.get(key)
        if post is None:
            plan.new.append((key, values, counts, digest))
            continue
        dirty = False
        for name, value in values.items():
            if getattr(post, name) != value:
                setattr(post, name, value)
                dirty = True
        counts_dirty = False
        for name, value in counts.items():
            if value is not None and getattr(post, name) != value:
                setattr(post, name, value)
                counts_dirty = True
        text_changed = post.content_hash != digest
        post.content_hash = digest
        if dirty or counts_dirty:
            post.fetched_at = plan.now
            plan.changed.append(post)
            if text_changed and check:
                plan.recheck.append(post)
            if counts_dirty:
                plan.stat_posts.append(post)
        else:
            plan.unchanged += 1  # (a post written by nothing needs no check either)
    return plan


def write_post_batch(plan: PostBatchPlan, hits: list[list[dict] | None] | None = None) -> IngestSummary:
    """Write a planned batch; ``hits``: ``check_post_text`` of each of ``plan.texts()``, in order."""
    now = plan.now
    today = timezone.localdate(now)
    if plan.check and hits is None:
        hits = [check_post_text(title, body) for title, body in plan.texts()]
    hits = hits if plan.check else [None] * len(plan.new)
    new = [(*item, hit) for item, hit in zip(plan.new, hits, strict=False)]
    if new:
        _insert_new_posts(new, source=plan.source, now=now, today=today)
    rechecked = []
    for post, hit in zip(plan.recheck, hits[len(plan.new) :], strict=True):
        if hit is not None:
            post.risk_hits, post.risk_checked_at = hit, now
            rechecked.append(post)
    if plan.changed:
        fields = ["fetched_at", "content_hash", *TEXT_FIELDS, *COUNT_FIELDS]
        ids = {id(p) for p in rechecked}
        if rechecked:
            Post.objects.bulk_update(rechecked, [*fields, "risk_hits", "risk_checked_at"], batch_size=500)
        others = [p for p in plan.changed if id(p) not in ids]
        if others:
            Post.objects.bulk_update(others, fields, batch_size=500)
    if plan.stat_posts:
        PostStat.objects.bulk_create(
            [
                PostStat(post_id=p.pk, date=today, **{n: getattr(p, n) for n in COUNT_FIELDS})
                for p in plan.stat_posts
            ],
            update_conflicts=True,
            unique_fields=["post", "date"],
            update_fields=list(COUNT_FIELDS),
            batch_size=500,
        )
    return IngestSummary(created=len(plan.new), updated=len(plan.changed), unchanged=plan.unchanged)


def ingest_post_batch(
    pairs: Iterable[tuple[int, PostData]],
    *,
    source: str,
    check: bool = True,
    now: dt.datetime | None = None,
    savepoint: bool = True,
) -> IngestSummary:
    """Upsert one batch of (account id, post) in one transaction; blank counts keep stored ones."""
    with transaction.atomic(savepoint=savepoint):
        plan = plan_post_batch(pairs, source=source, check=check, now=now)
        return write_post_batch(plan) if plan is not None else IngestSummary()


_POST_COLUMNS = (
    "account_id",
    "platform_post_id",
    *TEXT_FIELDS,
    *COUNT_FIELDS,
    "source",
    "content_hash",
    "fetched_at",
    "risk_hits",
    "risk_checked_at",
)
_STAT_COLUMNS = ("post_id", "date", *COUNT_FIELDS)


def _executemany(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain INSERTs: the ORM's per-field work costs more than the database on million-row imports.

    PostgreSQL: COPY, which the server takes in bulk (one INSERT per row is planned and run
    one by one there; constraints and indexes apply the same)."""
    quote = db_connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with db_connection.cursor() as cursor:
        if db_connection.vendor == "postgresql":
            with (
                db_connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


def _new_post_ids(keys: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The ids of just-inserted posts. Looked up by post id alone, first reading only its own
    index (no table rows): a post id found once is the post just inserted. A post id that
    several accounts share is then matched to its account (see _existing_posts)."""
    quote = db_connection.ops.quote_name
    table, post_id = quote(Post._meta.db_table), quote("platform_post_id")
    found: dict[str, int] = {}
    shared: set[str] = set()
    post_ids = list({p for _, p in keys})
    with db_connection.cursor() as cursor:
        for start in range(0, len(post_ids), _LOOKUP_CHUNK):
            chunk = post_ids[start : start + _LOOKUP_CHUNK]
            cursor.execute(
                f"SELECT {post_id}, {quote('id')} FROM {table} WHERE {post_id} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            for p, pk in cursor.fetchall():
                if p in found:
                    shared.add(p)
                found[p] = pk
        ids = {key: found[key[1]] for key in keys if key[1] not in shared}
        shared_list = list(shared)
        for start in range(0, len(shared_list), _LOOKUP_CHUNK):
            chunk = shared_list[start : start + _LOOKUP_CHUNK]
            cursor.execute(
                f"SELECT {quote('account_id')}, {post_id}, {quote('id')} FROM {table} "
                f"WHERE {post_id} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            ids.update(((a, p), pk) for a, p, pk in cursor.fetchall() if (a, p) in keys)
    return ids


_adapted_times: dict = {}  # (backend operations, time) → the value the driver takes; many posts share a minute


def _insert_new_posts(new: list, *, source: str, now: dt.datetime, today: dt.date) -> None:
    ops = db_connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    no_hits = ops.adapt_json_value([], None)
    if len(_adapted_times) > 50000:
        _adapted_times.clear()
    rows, with_counts = [], []
    for key, values, counts, digest, hits in new:
        published = values["published_at"]
        when = _adapted_times.get((ops, published))
        if when is None:
            when = _adapted_times[(ops, published)] = ops.adapt_datetimefield_value(published)
        numbers = (counts["reads"], counts["likes"], counts["shares"], counts["comments"], counts["zaikan"])
        if numbers != _NO_COUNTS:
            with_counts.append((key, numbers))
        rows.append(
            (
                *key,
                when,
                values["title"],
                values["body"],
                values["url"],
                values["kind"],
                values["is_original"],
                values["repost_source"],
                *numbers,
                source,
                digest,
                stamp,
                ops.adapt_json_value(hits, None) if hits else no_hits,
                stamp if hits is not None else None,
            )
        )
    _executemany(Post, _POST_COLUMNS, rows)
    if not with_counts:
        return
    day = ops.adapt_datefield_value(today)
    if db_connection.vendor == "sqlite":
        # each stat row finds its post's id itself, in the (account, post id) index just written
        # (faster than reading the ids back; INSERT … RETURNING was slower still)
        quote = ops.quote_name
        sql = (
            f"INSERT INTO {quote(PostStat._meta.db_table)} ({', '.join(quote(c) for c in _STAT_COLUMNS)}) "
            f"SELECT {quote('id')}, %s, %s, %s, %s, %s, %s FROM {quote(Post._meta.db_table)} "
            f"WHERE {quote('account_id')} = %s AND {quote('platform_post_id')} = %s"
        )
        with db_connection.cursor() as cursor:
            cursor.executemany(sql, [(day, *numbers, *key) for key, numbers in with_counts])
        return
    ids = _new_post_ids({key for key, _ in with_counts})
    _executemany(PostStat, _STAT_COLUMNS, [(ids[key], day, *numbers) for key, numbers in with_counts])


_NO_COUNTS = (None,) * len(COUNT_FIELDS)


def ingest_posts(
    account_id: int, posts: Iterable[PostData], *, source: str = Source.CONNECTOR
) -> IngestSummary:
    summary = IngestSummary()
    batch: list[tuple[int, PostData]] = []
    for post in posts:
        batch.append((account_id, post))
        if len(batch) >= BATCH:
            summary.add(ingest_post_batch(batch, source=source))
            batch = []
    return summary.add(ingest_post_batch(batch, source=source))


# ---------------------------------------------------------------- messages


def _message_values(data: MessageData) -> dict:
    return {
        "received_at": data.received_at,
        "kind": data.kind or "comment",
        "text": data.text or "",
        "reply_text": data.reply_text or "",
        "replied_at": data.replied_at,
        "replied_by": (data.replied_by or "")[:50],
    }


def ingest_message_batch(
    pairs: Iterable[tuple[int, MessageData]], *, source: str, now: dt.datetime | None = None
) -> IngestSummary:
    """Upsert (account id, message); a reply that arrives later updates the stored message."""
    now = now or timezone.now()
    latest = {(a, m.platform_message_id): m for a, m in pairs}
    summary = IngestSummary()
    if not latest:
        return summary
    account_ids = {a for a, _ in latest}
    with transaction.atomic():
        existing = {
            (m.account_id, m.platform_message_id): m
            for m in Message.objects.filter(
                account_id__in=account_ids, platform_message_id__in={m for _, m in latest}
            )
        }
        wanted_posts = {(a, m.post_id) for (a, _), m in latest.items() if m.post_id}
        post_ids = {}
        if wanted_posts:
            post_ids = {
                (a, p): pk
                for a, p, pk in Post.objects.filter(
                    account_id__in=account_ids, platform_post_id__in={p for _, p in wanted_posts}
                ).values_list("account_id", "platform_post_id", "id")
            }
        new, changed = [], []
        for key, data in latest.items():
            values = _message_values(data)
            values["post_id"] = post_ids.get((key[0], data.post_id))
            message = existing.get(key)
            if message is None:
                new.append(
                    Message(
                        account_id=key[0],
                        platform_message_id=key[1],
                        author=mask_author(data.author),
                        source=source,
                        fetched_at=now,
                        **values,
                    )
                )
                continue
            if data.replied_at is None and message.replied_at is not None:
                # a platform page without the reply never erases a reply we already know
                for name in ("reply_text", "replied_at", "replied_by"):
                    values.pop(name)
            dirty = False
            for name, value in values.items():
                if getattr(message, name) != value:
                    setattr(message, name, value)
                    dirty = True
            if dirty:
                message.fetched_at = now
                changed.append(message)
        Message.objects.bulk_create(new, batch_size=500)
        if changed:
            Message.objects.bulk_update(
                changed,
                [
                    "received_at",
                    "kind",
                    "text",
                    "reply_text",
                    "replied_at",
                    "replied_by",
                    "post_id",
                    "fetched_at",
                ],
                batch_size=500,
            )
    summary.messages_created, summary.messages_updated = len(new), len(changed)
    return summary


# ---------------------------------------------------------------- followers


def record_followers(account_id: int, followers: dict[dt.date, int]) -> int:
    """Follower totals per day into registry.FollowerCount (one row per day, overwritten)."""
    if not followers:
        return 0
    with transaction.atomic():
        FollowerCount.objects.bulk_create(
            [FollowerCount(account_id=account_id, date=d, followers=n) for d, n in sorted(followers.items())],
            update_conflicts=True,
            unique_fields=["account", "date"],
            update_fields=["followers"],
        )
        latest = max(followers)
        MediaAccount.objects.filter(pk=account_id).update(followers=followers[latest])
    return len(followers)


# ---------------------------------------------------------------- connections and credentials


def connection_of(account: MediaAccount) -> Connection:
    return Connection.objects.get_or_create(account=account)[0]


def set_credentials(
    account: MediaAccount, values: dict, *, acting_user=None, api_base: str = ""
) -> Connection:
    """Store the platform credentials encrypted; the audit row names the keys, never the values."""
    with transaction.atomic():
        connection = connection_of(account)
        connection.credentials_encrypted = creds.encrypt(values)
        connection.method = Connection.Method.API
        if api_base:
            connection.api_base = api_base
        connection.save()
        audit(acting_user, "content.credentials_set", account, comment="、".join(sorted(values)))
    return connection


def masked_credentials(connection: Connection) -> dict[str, str]:
    return {k: creds.mask(str(v)) for k, v in creds.decrypt(connection.credentials_encrypted).items()}


def issue_push_token(account: MediaAccount, *, acting_user=None) -> str:
    """A new push token for the account (shown once); only its digest is stored."""
    token = "gm_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        connection = connection_of(account)
        connection.push_token_hash = creds.token_digest(token)
        if not _collected_otherwise(connection):
            # A WeChat account collected by API keeps it: its pushes are only private messages.
            connection.method = Connection.Method.PUSH
        connection.save(update_fields=["push_token_hash", "method"])
        audit(acting_user, "content.push_token_issued", account)
    return token


def account_for_push_token(token: str) -> MediaAccount | None:
    if not token:
        return None
    connection = (
        Connection.objects.select_related("account").filter(push_token_hash=creds.token_digest(token)).first()
    )
    return connection.account if connection else None


def record_success(connection_id: int, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    Connection.objects.filter(pk=connection_id).update(
        health=Health.OK,
        last_attempt_at=now,
        last_success_at=now,
        last_error="",
        last_error_kind="",
        failures=0,
        cursor={},
    )


def record_failure(connection_id: int, error: ConnectorError, now: dt.datetime | None = None) -> None:
    """Keep the reason in Chinese; the resume cursor stays so the next run continues from there."""
    now = now or timezone.now()
    connection = Connection.objects.get(pk=connection_id)
    connection.health = Health.BROKEN
    connection.last_attempt_at = connection.last_error_at = now
    connection.last_error = error.reason[:300]
    connection.last_error_kind = error.kind if error.kind in Connection.ErrorKind.values else ErrorKind.DOWN
    connection.failures += 1
    connection.save(
        update_fields=[
            "health",
            "last_attempt_at",
            "last_error_at",
            "last_error",
            "last_error_kind",
            "failures",
        ]
    )


def broken_connections(queryset=None):
    qs = queryset if queryset is not None else Connection.objects.all()
    return (
        qs.filter(health=Health.BROKEN).select_related("account", "account__owner").order_by("-last_error_at")
    )


# ---------------------------------------------------------------- collection


def _make_connector(connection: Connection, client=None):
    account = connection.account
    if connection.method == Connection.Method.FEED or (
        connection.feed_url and connector_for(account.platform) is None
    ):
        from govmedia.content.connectors.feed import FeedConnector

        cls = FeedConnector
    else:
        cls = connector_for(account.platform)
    if cls is None:
        return None

    def save(values: dict) -> None:
        Connection.objects.filter(pk=connection.pk).update(credentials_encrypted=creds.encrypt(values))

    return cls(
        creds.decrypt(connection.credentials_encrypted),
        base_url=connection.api_base,
        feed_url=connection.feed_url,
        client=client,
        on_credentials_changed=save,
    )


def collect_account(
    account_id: int,
    *,
    since: dt.datetime | None = None,
    client=None,
    sleep=None,
    now: dt.datetime | None = None,
) -> dict:
    """Collect one account's posts, follower totals, per-post stats and comments (JSON-safe summary).

    Each page is stored in its own transaction and the resume cursor saved after it, so a
    crash loses at most the page in flight. A failure is stored on the connection in Chinese.
    Per-post stats (and the WeChat 群发 posts only they enumerate) go through content.stats.
    """
    from govmedia.content import stats as post_stats
    from govmedia.content.connectors.wechat import WeChatConnector

    now = now or timezone.now()
    account = MediaAccount.objects.get(pk=account_id)
    connection = connection_of(account)
    summary = IngestSummary()
    extra: dict = {}
    if connection.method in (Connection.Method.PUSH, Connection.Method.IMPORT) or not connection.enabled:
        return {"account": account_id, "skipped": "该账号不通过接口采集", **summary.as_dict()}
    try:
        try:
            connector = _make_connector(connection, client)
        except creds.CredentialsError as exc:
            raise ConnectorError(str(exc), ErrorKind.CONFIG) from None
        if connector is None:
            raise ConnectorError(
                f"{account.get_platform_display()}没有开放的内容接口，请配置订阅源地址、推送接口或使用表格导入",
                ErrorKind.CONFIG,
            )
        if sleep is not None:
            connector.sleep = sleep
        if since is None:
            since = (
                (connection.last_success_at - RECOLLECT_OVERLAP)
                if connection.last_success_at
                else now - FIRST_COLLECTION
            )
        if isinstance(connector, WeChatConnector):
            post_stats.adopt_wechat_post_ids(account.pk)  # before any page: one id per article
        for page in connector.fetch_posts(account, since, cursor=connection.cursor or None):
            summary.add(ingest_posts(account.pk, page.posts, source=_source_of(connector)))
            Connection.objects.filter(pk=connection.pk).update(cursor=page.cursor)
        yesterday = timezone.localdate(now) - dt.timedelta(days=1)
        stats: StatsData = connector.fetch_stats(
            account, max(since.date(), yesterday - dt.timedelta(days=29)), yesterday
        )
        summary.followers_days = record_followers(account.pk, stats.followers)
        if stats.posts:
            stored = post_stats.record_post_stats(account.pk, stats.posts, now=now)
            summary.created += stored.posts_created
            extra["post_stats"] = stored.as_dict()
        if stats.checkpoint:
            connector.save_credentials(**stats.checkpoint)
        recent = list(
            Post.objects.filter(account=account, published_at__gte=since).only("platform_post_id", "url")
        )
        for batch in connector.fetch_messages(account, since, posts=recent):
            summary.add(ingest_message_batch([(account.pk, m) for m in batch], source=Source.CONNECTOR))
    except ConnectorError as exc:
        record_failure(connection.pk, exc, now)
        summary.error, summary.error_kind = exc.reason, exc.kind
    else:
        record_success(connection.pk, now)
    return {"account": account_id, **summary.as_dict(), **extra}


def _source_of(connector) -> str:
    return Source.FEED if connector.__class__.__name__ == "FeedConnector" else Source.CONNECTOR


def collectable_accounts(*, platform: str = "", account_id: int | None = None):
    qs = MediaAccount.objects.exclude(status__in=["suspended", "closed"])
    if account_id:
        qs = qs.filter(pk=account_id)
    if platform:
        qs = qs.filter(platform=platform)
    return qs.filter(Q(connection__isnull=True) | Q(connection__enabled=True)).exclude(
        connection__method__in=[Connection.Method.PUSH, Connection.Method.IMPORT]
    )


def collect_all(*, platform: str = "", account_id: int | None = None, since=None, client=None) -> dict:
    ids = list(collectable_accounts(platform=platform, account_id=account_id).values_list("pk", flat=True))
    with nullcontext(client) if client else http_client() as shared:  # the caller's client stays open
        results = [collect_account(pk, since=since, client=shared) for pk in ids]
    return {
        "accounts": len(results),
        "failed": sum(1 for r in results if r.get("error")),
        "created": sum(r.get("created", 0) for r in results),
        "updated": sum(r.get("updated", 0) for r in results),
        "results": results,
    }


# ---------------------------------------------------------------- risk re-check


def recheck_posts(*, account_id: int | None = None, only_unchecked: bool = False, chunk: int = 500) -> dict:
    """Re-run the text checker over stored posts (after the dictionaries change)."""
    from govmedia.content import risk

    risk.reset()
    qs = Post.objects.order_by("pk")
    if account_id:
        qs = qs.filter(account_id=account_id)
    if only_unchecked:
        qs = qs.filter(risk_checked_at__isnull=True)
    now = timezone.now()
    checked = flagged = 0
    last = 0
    while True:
        posts = list(qs.filter(pk__gt=last).only("id", "title", "body", "risk_hits")[:chunk])
        if not posts:
            break
        last = posts[-1].pk
        changed = []
        for post in posts:
            hits = check_post_text(post.title, post.body)
            if hits is None:
                return {"checked": checked, "flagged": flagged, "error": "风险识别引擎不可用"}
            post.risk_hits, post.risk_checked_at = hits, now
            changed.append(post)
            checked += 1
            flagged += bool(hits)
        with transaction.atomic():
            Post.objects.bulk_update(changed, ["risk_hits", "risk_checked_at"])
    return {"checked": checked, "flagged": flagged, "error": ""}


# ---------------------------------------------------------------- credentials entered by people

# The keys a person enters per platform: what the connectors read with ``require`` (and, for
# WeChat, the callback's Token and EncodingAESKey). Everything else in a connection's
# credentials (cached access tokens, quota counters, feed validators) the connectors keep.
CREDENTIAL_KEYS: dict[str, tuple[str, ...]] = {
    "wechat_service": ("appid", "secret", "token", "encoding_aes_key"),
    "wechat_subscription": ("appid", "secret", "token", "encoding_aes_key"),
    "weibo": ("access_token", "uid"),
    "douyin": ("client_key", "refresh_token", "open_id"),
    "kuaishou": ("app_id", "app_secret", "refresh_token"),
}
# With all of these stored, the account is collected through the platform's API.
API_KEYS: dict[str, tuple[str, ...]] = {
    "wechat_service": ("appid", "secret"),
    "wechat_subscription": ("appid", "secret"),
    "weibo": ("access_token",),
    "douyin": ("client_key", "refresh_token", "open_id"),
    "kuaishou": ("app_id", "app_secret", "refresh_token"),
}
CACHED_TOKEN_KEYS = ("access_token", "token_expires_at")


def _readable_credentials(connection: Connection) -> dict:
    try:
        return creds.decrypt(connection.credentials_encrypted)
    except creds.CredentialsError:
        return {}  # encrypted under a key since replaced: the person enters them again


def _has_api_keys(platform: str, values: dict) -> bool:
    needed = API_KEYS.get(platform, ())
    return bool(needed) and all(values.get(k) for k in needed)


def _collected_otherwise(connection: Connection) -> bool:
    return bool(connection.feed_url) or _has_api_keys(
        connection.account.platform, _readable_credentials(connection)
    )


def do_update_credentials(
    account: MediaAccount, entered: dict[str, str], *, feed_url: str | None = None, acting_user
) -> list[str]:
    """Change what a person entered; a blank value keeps the stored one. Returns the changed keys.

    A cached access token obtained with a changed key is dropped. The audit row names the
    changed keys, never a value.
    """
    keys = CREDENTIAL_KEYS.get(account.platform, ())
    with transaction.atomic():
        connection = connection_of(account)
        connection = Connection.objects.select_for_update().select_related("account").get(pk=connection.pk)
        values = _readable_credentials(connection)
        changed = [k for k in keys if entered.get(k) and entered[k] != values.get(k)]
        values.update({k: entered[k] for k in changed})
        if "access_token" not in keys and set(changed) & set(API_KEYS.get(account.platform, ())):
            for key in CACHED_TOKEN_KEYS:
                values.pop(key, None)
        if feed_url is not None and feed_url != connection.feed_url:
            connection.feed_url = feed_url
            changed.append("feed_url")
        if not changed:
            return []
        connection.credentials_encrypted = creds.encrypt(values)
        if _has_api_keys(account.platform, values):
            connection.method = Connection.Method.API
        elif connection.feed_url:
            connection.method = Connection.Method.FEED
        connection.save(update_fields=["credentials_encrypted", "feed_url", "method"])
        audit(acting_user, "content.credentials_set", account, comment="、".join(changed))
    return changed


def entered_credentials(connection: Connection | None) -> dict[str, str]:
    """The entered keys of the account's platform, masked; a key not stored is ""."""
    if connection is None:
        return {}
    values = _readable_credentials(connection)
    return {
        k: creds.mask(str(values[k]))
        for k in CREDENTIAL_KEYS.get(connection.account.platform, ())
        if values.get(k)
    }


def push_target(token: str) -> tuple[MediaAccount, dict] | None:
    """The account a push token belongs to, with its decrypted credentials (one query)."""
    if not token:
        return None
    connection = (
        Connection.objects.select_related("account").filter(push_token_hash=creds.token_digest(token)).first()
    )
    if connection is None:
        return None
    return connection.account, creds.decrypt(connection.credentials_encrypted)


def check_connection(account: MediaAccount, *, client=None) -> str:
    """Try the stored credentials with one cheap call; a Chinese line, or ConnectorError.

    WeChat fetches its (stable) access token, Douyin and Kuaishou refresh theirs only when it
    has expired, Weibo reads the account's profile (one call of its daily quota), a feed is
    fetched once without keeping its validators (the next collection must see every post).
    """
    import httpx

    connection = Connection.objects.select_related("account").get(pk=connection_of(account).pk)
    try:
        connector = _make_connector(connection, client or httpx.Client(timeout=5.0, follow_redirects=True))
    except creds.CredentialsError as exc:
        raise ConnectorError(str(exc), ErrorKind.CONFIG) from None
    if connector is None:
        raise ConnectorError(
            f"{account.get_platform_display()}没有可测试的接口，请配置订阅源地址", ErrorKind.CONFIG
        )
    connector.sleep = lambda seconds: None  # a person is waiting: no back-off
    if hasattr(connector, "_fetch_token"):
        connector._fetch_token()
        return "已成功获取访问令牌，凭证有效"
    if hasattr(connector, "_refresh"):
        getattr(connector, "_token", connector._refresh)()
        return "授权有效，已取得访问令牌"
    if _source_of(connector) == Source.FEED:
        if not connection.feed_url:
            raise ConnectorError("未配置订阅源地址（RSS/Atom/JSON Feed）", ErrorKind.CONFIG)
        response = connector.with_retries(lambda: {"r": connector.http("GET", connection.feed_url)})["r"]
        if response.status_code >= 400:
            raise ConnectorError(f"订阅源返回 HTTP {response.status_code}，请核对订阅源地址", ErrorKind.DOWN)
        return "订阅源可以访问"
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    connector.fetch_stats(account, yesterday, yesterday)
    return "接口调用成功，凭证有效"
