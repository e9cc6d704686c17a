"""The built-in checks: each turns an account's data over a period into occurrences with evidence.

A check is a function ``(ctx, account, params) -> list[Occurrence]`` registered under its
name; the data of all accounts is loaded once per inspection (``CheckContext``) so that a
weekly check of ten thousand accounts costs a few queries, not thousands.
Adding a check is adding one function here and one line of YAML in a set.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Max
from django.utils import timezone

from govmedia.content.models import Connection, Health, Message, MessageKind, Post
from govmedia.core.calendar import reply_deadline
from govmedia.registry.models import ContentType, MediaAccount

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Occurrence:
    """One counted instance of a problem (or of a bonus item); ``key`` identifies it across checks."""

    key: str
    summary: str
    evidence: dict = field(default_factory=dict)
    needs_confirmation: bool = False


@dataclass(frozen=True)
class PostRow:
    id: int
    account_id: int
    published_at: dt.datetime
    title: str
    is_original: bool
    repost_source: str
    risk_hits: list
    url: str

    def evidence(self) -> dict:
        return {
            "post_id": self.id,
            "title": self.title[:100],
            "published_at": self.published_at.isoformat(),
            "url": self.url,
        }


@dataclass(frozen=True)
class MessageRow:
    id: int
    account_id: int
    received_at: dt.datetime
    kind: str
    replied_at: dt.datetime | None
    text: str


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), timezone.get_default_timezone())


class CheckContext:
    """The period and the data of every account in the inspection, loaded lazily, once."""

    def __init__(self, start: dt.date, end: dt.date, accounts: list[MediaAccount]):
        self.start, self.end = start, end
        self.start_at = local_midnight(start)
        self.end_at = local_midnight(end + dt.timedelta(days=1))  # the check point: end of the last day
        self.accounts = accounts
        self.account_ids = [a.pk for a in accounts]
        self._latest_cache: dict[int, dict[int, PostRow | None]] = {}

    def _chunks(self, size: int = 5000):
        for i in range(0, len(self.account_ids), size):
            yield self.account_ids[i : i + size]

    @cached_property
    def posts(self) -> dict[int, list[PostRow]]:
        """Posts published inside the period, oldest first, per account."""
        by_account: dict[int, list[PostRow]] = defaultdict(list)
        fields = (
            "id",
            "account_id",
            "published_at",
            "title",
            "is_original",
            "repost_source",
            "risk_hits",
            "url",
        )
        for chunk in self._chunks():
            rows = (
                Post.objects.filter(
                    account_id__in=chunk, published_at__gte=self.start_at, published_at__lt=self.end_at
                )
                .order_by("published_at", "id")
                .values_list(*fields)
            )
            for row in rows.iterator(chunk_size=5000):
                by_account[row[1]].append(PostRow(*row))
        return by_account

    @cached_property
    def messages(self) -> dict[int, list[MessageRow]]:
        by_account: dict[int, list[MessageRow]] = defaultdict(list)
        for chunk in self._chunks():
            rows = (
                Message.objects.filter(
                    account_id__in=chunk, received_at__gte=self.start_at, received_at__lt=self.end_at
                )
                .order_by("received_at", "id")
                .values_list("id", "account_id", "received_at", "kind", "replied_at", "text")
            )
            for row in rows.iterator(chunk_size=5000):
                by_account[row[1]].append(MessageRow(*row))
        return by_account

    @cached_property
    def broken_collection(self) -> dict[int, dict]:
        """Accounts whose collection is broken: "no posts" there means "no data", not "no update"."""
        broken = {}
        for chunk in self._chunks():
            for account_id, last_success, error in Connection.objects.filter(
                account_id__in=chunk, health=Health.BROKEN, enabled=True
            ).values_list("account_id", "last_success_at", "last_error"):
                broken[account_id] = {
                    "last_success_at": last_success.isoformat() if last_success else None,
                    "last_error": error,
                }
        return broken

    def latest_posts(self, days: int) -> dict[int, PostRow | None]:
        """Per account, the newest post before the check point, looked up cheaply.

        One range query finds who posted in the last ``days`` days; only the others (few, in
        practice) are looked up one by one along the (account, published_at) index.
        """
        if days in self._latest_cache:
            return self._latest_cache[days]
        since = self.end_at - dt.timedelta(days=days)
        fields = (
            "id",
            "account_id",
            "published_at",
            "title",
            "is_original",
            "repost_source",
            "risk_hits",
            "url",
        )
        latest: dict[int, PostRow | None] = {}
        recent_max: dict[int, dt.datetime] = {}
        for chunk in self._chunks():
            recent_max.update(
                Post.objects.filter(
                    account_id__in=chunk, published_at__gte=since, published_at__lt=self.end_at
                )
                .values("account_id")
                .annotate(last=Max("published_at"))
                .values_list("account_id", "last")
            )
        for account_id in self.account_ids:
            if account_id in recent_max:
                latest[account_id] = None  # posted recently enough; the row itself is not needed
                continue
            row = (
                Post.objects.filter(account_id=account_id, published_at__lt=self.end_at)
                .order_by("-published_at", "-id")
                .values_list(*fields)
                .first()
            )
            latest[account_id] = PostRow(*row) if row else None
        self._latest_cache[days] = (latest, set(recent_max))
        return self._latest_cache[days]

    def full_weeks(self) -> list[tuple[dt.date, dt.date]]:
        """Monday–Sunday weeks lying wholly inside the period."""
        monday = self.start + dt.timedelta(days=(7 - self.start.weekday()) % 7)
        weeks = []
        while monday + dt.timedelta(days=6) <= self.end:
            weeks.append((monday, monday + dt.timedelta(days=6)))
            monday += dt.timedelta(days=7)
        return weeks


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    run: Callable[[CheckContext, MediaAccount, dict], list[Occurrence]]
    validate: Callable[[dict], None]


CHECKS: dict[str, Check] = {}


def _no_params(params: dict) -> None:
    return None


def register(name: str, label: str, validate: Callable[[dict], None] = _no_params):
    def wrap(func):
        CHECKS[name] = Check(name, label, func, validate)
        return func

    return wrap


def _cn_date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# --- updates ---------------------------------------------------------------------------------


def _validate_days(params: dict) -> None:
    if int(params["days"]) <= 0:
        raise ValueError("days 应为正整数")


@register("days_without_post", "监测时间点前N天内无更新", _validate_days)
def days_without_post(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """1 if no post in the ``days`` days before the end of the period (indicators.md §1.2).

    When the account's collection is broken the absence of posts proves nothing: the
    occurrence is still recorded, marked "no data", and waits for a person to confirm it
    (confirmed → scored; ``--count-unconfirmed`` scores it in a dry run).
    """
    days = int(params["days"])
    latest, recent = ctx.latest_posts(days)
    if account.pk in recent:
        return []
    last = latest.get(account.pk)
    if last is None:
        summary = f"截至{_cn_date(ctx.end)}从未发布内容（{days}天内无更新）"
        evidence = {"days": days, "last_post": None, "checked_at": ctx.end_at.isoformat()}
    else:
        idle = (ctx.end_at - last.published_at).days
        summary = f"截至{_cn_date(ctx.end)}已{idle}天未更新，最近一次发布于{_cn_date(last.published_at)}"
        evidence = {
            "days": days,
            "idle_days": idle,
            "last_post": last.evidence(),
            "checked_at": ctx.end_at.isoformat(),
        }
    broken = ctx.broken_collection.get(account.pk)
    if broken is not None:
        evidence["no_data"] = broken
        summary += "（采集连接异常，待人工核实）"
    key = f"since:{last.id if last else 'none'}"
    return [Occurrence(key, summary, evidence, needs_confirmation=broken is not None)]


@register("no_interaction_channel", "未提供有效互动功能")
def no_interaction_channel(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    if account.has_interaction:
        return []
    return [Occurrence("no_interaction", "账号未提供留言、评论或咨询等互动功能", {"has_interaction": False})]


_CONTENT_TYPE_NAMES = {**{c.value: c.value for c in ContentType}, **{c.label: c.value for c in ContentType}}


def _minimum_for(params: dict, account: MediaAccount) -> int:
    minimum = params["min"]
    if isinstance(minimum, dict):
        by_type = {_CONTENT_TYPE_NAMES.get(str(k), str(k)): int(v) for k, v in minimum.items()}
        return by_type.get(account.content_type, 0)
    return int(minimum)


def _validate_min(params: dict) -> None:
    minimum = params["min"]
    if isinstance(minimum, dict):
        unknown = [k for k in minimum if str(k) not in _CONTENT_TYPE_NAMES]
        if unknown:
            raise ValueError(f"min 的内容类型应为 图文/视频，不认识：{unknown}")
        [int(v) for v in minimum.values()]
    else:
        int(minimum)


def _weeks_below(
    ctx: CheckContext, account: MediaAccount, params: dict, *, original: bool
) -> list[Occurrence]:
    minimum = _minimum_for(params, account)
    if minimum <= 0:
        return []
    weeks = ctx.full_weeks()
    if not weeks:
        return []
    per_week: dict[dt.date, list[PostRow]] = defaultdict(list)
    for post in ctx.posts.get(account.pk, ()):
        if original and not post.is_original:
            continue
        day = _local_date(post.published_at)
        per_week[day - dt.timedelta(days=day.weekday())].append(post)
    what = "原创信息" if original else "信息"
    occurrences = []
    for monday, sunday in weeks:
        posts = per_week.get(monday, [])
        if len(posts) < minimum:
            occurrences.append(
                Occurrence(
                    f"week:{monday.isoformat()}",
                    f"{_cn_date(monday)}至{_cn_date(sunday)}发布{what}{len(posts)}条，少于{minimum}条",
                    {
                        "week_start": monday.isoformat(),
                        "week_end": sunday.isoformat(),
                        "count": len(posts),
                        "min": minimum,
                        "post_ids": [p.id for p in posts],
                    },
                )
            )
    return occurrences


@register("weeks_below_post_count", "每周更新次数不足", _validate_min)
def weeks_below_post_count(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """003 §一 "每周更新内容不少于1次"; 004 §9.1.4 图文 ≥ 6, 视频 ≥ 3 per week."""
    return _weeks_below(ctx, account, params, original=False)


@register("weeks_below_original_count", "每周原创信息不足", _validate_min)
def weeks_below_original_count(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """003 §一 "每周至少发布1条原创信息"; 004 §9.1.4 "每周至少发布3条原创信息"."""
    return _weeks_below(ctx, account, params, original=True)


# --- interaction -----------------------------------------------------------------------------

_KIND_NAMES = {**{k.value: k.value for k in MessageKind}, **{k.label: k.value for k in MessageKind}}


def _validate_late(params: dict) -> None:
    float(params.get("hours", 24))
    float(params.get("holiday_hours", 48))
    unknown = [k for k in params.get("kinds", []) if str(k) not in _KIND_NAMES]
    if unknown:
        raise ValueError(f"kinds 中有不认识的留言类型：{unknown}")


@register("late_replies", "留言答复超时", _validate_late)
def late_replies(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """003 §一: "24小时内进行答复，节假日不得晚于48小时" — deadline by ``core.calendar.reply_deadline``."""
    hours = float(params.get("hours", 24))
    holiday_hours = float(params.get("holiday_hours", 48))
    kinds = {_KIND_NAMES[str(k)] for k in params.get("kinds", [])} or None
    occurrences = []
    for message in ctx.messages.get(account.pk, ()):
        if kinds is not None and message.kind not in kinds:
            continue
        deadline = reply_deadline(message.received_at, hours=hours, holiday_hours=holiday_hours)
        if message.replied_at is not None:
            if message.replied_at <= deadline:
                continue
            late_by = message.replied_at - deadline
            summary = (
                f"{_cn_date(message.received_at)}收到的留言于{_cn_date(message.replied_at)}答复，"
                f"超过答复时限{_hours(late_by)}"
            )
        elif deadline < ctx.end_at:
            summary = (
                f"{_cn_date(message.received_at)}收到的留言截至{_cn_date(ctx.end)}未答复，已超过答复时限"
            )
        else:
            continue
        occurrences.append(
            Occurrence(
                f"message:{message.id}",
                summary,
                {
                    "message_id": message.id,
                    "kind": MessageKind(message.kind).label
                    if message.kind in MessageKind.values
                    else message.kind,
                    "received_at": message.received_at.isoformat(),
                    "deadline": deadline.isoformat(),
                    "replied_at": message.replied_at.isoformat() if message.replied_at else None,
                    "text": message.text[:100],
                },
            )
        )
    return occurrences


def _hours(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f}小时" if hours < 48 else f"{hours / 24:.1f}天"


# --- reposts ---------------------------------------------------------------------------------


@register("reposts_without_source", "转载未注明来源")
def reposts_without_source(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """003 §一 "凡转载发布信息，均要注明来源"."""
    return [
        Occurrence(f"post:{p.id}", f"转载信息《{p.title[:40]}》未注明来源", p.evidence())
        for p in ctx.posts.get(account.pk, ())
        if not p.is_original and not p.repost_source.strip()
    ]


def _validate_sources(params: dict) -> None:
    if not isinstance(params.get("sources", []), list):
        raise ValueError("sources 应为稿源单位名称列表")


@register("reposts_from_unapproved_source", "转载非稿源单位信息", _validate_sources)
def reposts_from_unapproved_source(
    ctx: CheckContext, account: MediaAccount, params: dict
) -> list[Occurrence]:
    """003 §一 "原则上只转载…确定的稿源单位信息": the list is data (``ApprovedSource`` rows of the
    account's region and its ancestors, plus ``params.sources``). With no list at all the check
    cannot tell and finds nothing."""
    approved = approved_sources_for(ctx, account) | {str(s) for s in params.get("sources", [])}
    if not approved:
        return []
    return [
        Occurrence(
            f"post:{p.id}",
            f"转载信息《{p.title[:40]}》来源“{p.repost_source}”不在稿源单位名单内",
            p.evidence(),
        )
        for p in ctx.posts.get(account.pk, ())
        if not p.is_original
        and p.repost_source.strip()
        and not any(name in p.repost_source for name in approved)
    ]


def approved_sources_for(ctx: CheckContext, account: MediaAccount) -> set[str]:
    from govmedia.supervision.models import ApprovedSource

    if not hasattr(ctx, "_approved"):
        by_path: dict[str, set[str]] = defaultdict(set)
        for path, name in ApprovedSource.objects.values_list("region__path", "name"):
            by_path[path].add(name)
        ctx._approved = by_path
    path = account.owner.region.path
    return set().union(*[names for p, names in ctx._approved.items() if path.startswith(p)])


# --- text ------------------------------------------------------------------------------------


def _as_set(value) -> set[str] | None:
    if value in (None, "", []):
        return None
    return {str(v) for v in (value if isinstance(value, list) else [value])}


def _validate_hits(params: dict) -> None:
    _as_set(params.get("categories"))
    _as_set(params.get("severity"))


def _hits(ctx: CheckContext, account: MediaAccount, categories, severities):
    for post in ctx.posts.get(account.pk, ()):
        for hit in post.risk_hits or ():
            if categories is not None and hit.get("category") not in categories:
                continue
            if severities is not None and hit.get("severity") not in severities:
                continue
            yield post, hit


def _hit_evidence(post: PostRow, hit: dict) -> dict:
    return {
        **post.evidence(),
        "hit": {
            k: hit.get(k) for k in ("text", "category", "rule", "severity", "suggestion", "start", "end")
        },
    }


@register("text_hits", "内容风险提示", _validate_hits)
def text_hits(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """Risk-check hits in the period's posts, one occurrence per hit."""
    return [
        Occurrence(
            f"hit:{post.id}:{hit.get('rule')}:{hit.get('start')}",
            f"《{post.title[:40]}》中“{hit.get('text')}”：{hit.get('suggestion') or hit.get('rule')}",
            _hit_evidence(post, hit),
        )
        for post, hit in _hits(
            ctx, account, _as_set(params.get("categories")), _as_set(params.get("severity"))
        )
    ]


@register("confirmed_serious_errors", "严重表述错误（经人工确认）")
def confirmed_serious_errors(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """Serious hits (严重表述错误) veto only once a supervisor confirms the Finding."""
    return [
        Occurrence(
            f"serious:{post.id}:{hit.get('rule')}:{hit.get('start')}",
            f"《{post.title[:40]}》中“{hit.get('text')}”疑似严重表述错误：{hit.get('suggestion') or hit.get('rule')}",
            _hit_evidence(post, hit),
            needs_confirmation=True,
        )
        for post, hit in _hits(ctx, account, None, {"serious"})
    ]


def _validate_pattern(params: dict) -> None:
    re.compile(str(params["pattern"]))


@register("posts_matching", "标题符合条件的信息", _validate_pattern)
def posts_matching(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    pattern = re.compile(str(params["pattern"]))
    return [
        Occurrence(f"post:{p.id}", f"《{p.title[:60]}》（{_cn_date(p.published_at)}）", p.evidence())
        for p in ctx.posts.get(account.pk, ())
        if pattern.search(p.title)
    ]


def _validate_share(params: dict) -> None:
    share = float(params["share"])
    if not 0 <= share <= 1:
        raise ValueError("share 应在 0 与 1 之间")


@register("original_share_at_least", "原创比例达标", _validate_share)
def original_share_at_least(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    posts = ctx.posts.get(account.pk, ())
    if not posts:
        return []
    originals = sum(1 for p in posts if p.is_original)
    share = float(params["share"])
    if originals / len(posts) < share:
        return []
    return [
        Occurrence(
            f"period:{ctx.start.isoformat()}~{ctx.end.isoformat()}",
            f"期间发布{len(posts)}条，其中原创{originals}条，原创比例{originals / len(posts):.0%}，不低于{share:.0%}",
            {"posts": len(posts), "originals": originals, "share": share},
        )
    ]


@register("followers_below_population_share", "粉丝数低于常住人口比例", _validate_share)
def followers_below_population_share(
    ctx: CheckContext, account: MediaAccount, params: dict
) -> list[Occurrence]:
    """004 §7.5(5): 粉丝数长期低于基层常住人口数1%. Population is data (``RegionPopulation``)."""
    from govmedia.supervision.models import RegionPopulation

    if not hasattr(ctx, "_population"):
        ctx._population = dict(RegionPopulation.objects.values_list("region_id", "population"))
    population = ctx._population.get(account.owner.region_id)
    if not population:
        return []
    share = float(params.get("share", 0.01))
    if account.followers >= share * population:
        return []
    return [
        Occurrence(
            "followers",
            f"粉丝数{account.followers}，低于{account.owner.region.name}常住人口{population}的{share:.0%}",
            {"followers": account.followers, "population": population, "share": share},
        )
    ]


@register("late_filings", "备案逾期")
def late_filings(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """Missed filing deadlines, as evidenced by ``filings.services.late_filings`` at the period end."""
    if not hasattr(ctx, "_late_filings"):
        from govmedia.filings.services import late_filings as find_late

        by_account: dict[int, list] = defaultdict(list)
        for record in find_late(None, today=ctx.end):
            if record.account_id is not None:
                by_account[record.account_id].append(record)
        ctx._late_filings = by_account
    return [
        Occurrence(
            f"filing:{r.filing_id}:{r.rule}", r.message, r.as_dict() | {"due_on": r.due_on.isoformat()}
        )
        for r in ctx._late_filings.get(account.pk, ())
    ]


@register("unreviewed_posts", "未经三审发布")
def unreviewed_posts(ctx: CheckContext, account: MediaAccount, params: dict) -> list[Occurrence]:
    """004 §9.2.1 先审后发: posts of the period with no approved review, approved only after
    publishing, or changed after review — evidence from ``review.matching.unreviewed_posts``.
    Matching reads every post's text, so sets use it where reviews are kept in govmedia."""
    if not hasattr(ctx, "_unreviewed"):
        from govmedia.review.matching import facts_of_posts
        from govmedia.review.matching import unreviewed_posts as find_unreviewed

        by_account: dict[int, list] = defaultdict(list)
        ids = {}
        for chunk in ctx._chunks(1000):
            posts = list(
                Post.objects.filter(
                    account_id__in=chunk, published_at__gte=ctx.start_at, published_at__lt=ctx.end_at
                ).only("id", "account_id", "platform_post_id", "title", "body", "published_at", "url")
            )
            ids.update({(p.account_id, str(p.platform_post_id)): p.id for p in posts})
            for record in find_unreviewed(facts_of_posts(posts)):
                by_account[record.account_id].append(record)
        ctx._unreviewed = (by_account, ids)
    by_account, ids = ctx._unreviewed
    return [
        Occurrence(
            f"post:{ids.get((r.account_id, r.post_id), r.post_id)}:{r.kind}",
            f"《{r.title[:40]}》{r.description}",
            {
                "post_id": ids.get((r.account_id, r.post_id)),
                "title": r.title[:100],
                "published_at": r.published_at.isoformat(),
                "url": r.url,
                "review_id": r.review_id,
                "similarity": r.similarity,
                "kind": r.kind,
            },
        )
        for r in by_account.get(account.pk, ())
    ]
