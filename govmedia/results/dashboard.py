"""The supervisor's dashboard and the owner unit's dashboard: a fixed number of queries each.

Every figure is one aggregate query over the user's scope (``core.scoping``), never a query
per account, so the page costs the same for 50 accounts or 5,000 (tests/results/test_dashboard.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from govmedia.content.models import Message, Post
from govmedia.core.calendar import add_working_days
from govmedia.core.scoping import scope_for, scoped
from govmedia.registry.models import AccountStatus, MediaAccount, Platform
from govmedia.results.models import OPEN_STATUSES, Rectification
from govmedia.supervision import selectors
from govmedia.supervision.models import (
    LIVE_STATUSES,
    AccountResult,
    Finding,
    IndicatorKind,
    InspectionStatus,
)

IDLE_DAYS = 10  # at risk: the national veto is 2 weeks without an update; warn well before
WEEK_IDLE_DAYS = 5  # on a unit's to-do list: nothing posted this working week yet
REPLY_HOURS = 24
TREND_LENGTH = 12
PLATFORMS = dict(Platform.choices)


def _url(name: str, **query) -> str:
    url = reverse(name)
    query = {k: v for k, v in query.items() if v not in ("", None)}
    return f"{url}?{urlencode(query)}" if query else url


def _rate(total: int, failed: int) -> float | None:
    return round((total - failed) / total * 100, 2) if total else None


def _idle(accounts, now: dt.datetime, days: int):
    """Accounts without a post in ``days`` days, with their last post's time.

    One index probe per account on (account, -published_at) for "anything recent?" instead of
    the maximum over every post: at 50,000 accounts / 15 M posts 12 s became well under 1 s.
    """
    recent = Post.objects.filter(account=OuterRef("pk"), published_at__gte=now - dt.timedelta(days=days))
    return accounts.filter(~Exists(recent)).annotate(last_post=_last_post())


def _last_post() -> Subquery:
    """The account's latest post time: one step down its (account, -published_at) index."""
    latest = Post.objects.filter(account=OuterRef("pk")).order_by("-published_at").values("published_at")
    return Subquery(latest[:1])


def _late_replies(accounts, now: dt.datetime):
    return Message.objects.filter(
        account__in=accounts.values("pk"),
        replied_at__isnull=True,
        received_at__lt=now - dt.timedelta(hours=REPLY_HOURS),
    )


DASHBOARD_SECONDS = 120  # a province's counts take ~1 s to gather; pages under load reuse them


def cached_supervisor_dashboard(user) -> dict:
    """The supervisor dashboard, gathered at most every two minutes per scope (the page shows
    when): the same scope gives the same figures, so one user's request serves the others'."""
    scope = scope_for(user)
    key = (
        "dashboard:"
        + hashlib.sha256(repr((scope.everything, scope.region_paths, scope.unit_ids)).encode()).hexdigest()
    )
    data = cache.get(key)
    if data is None:
        data = supervisor_dashboard(user)
        cache.set(key, data, DASHBOARD_SECONDS)
    return data


def supervisor_dashboard(user, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    accounts = scoped(MediaAccount.objects.filter(status=AccountStatus.ACTIVE), user)

    platform_counts = dict(accounts.order_by().values_list("platform").annotate(n=Count("id")))
    idle = _idle(accounts, now, IDLE_DAYS).select_related("owner").order_by("last_post", "name")
    idle_rows = list(idle[:10])
    idle_count = idle.count()
    late = _late_replies(accounts, now)
    late_by_account = list(
        late.order_by()
        .values("account_id", "account__name", "account__owner__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:10]
    )
    late_total = late.count()
    serious = scoped(Finding.objects.filter(status__in=LIVE_STATUSES, kind=IndicatorKind.VETO), user)
    serious_count = serious.count()

    rects = scoped(Rectification.objects.filter(status__in=OPEN_STATUSES), user)
    soon = add_working_days(today, 2)
    rect_counts = rects.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(deadline__lt=today)),
        due=Count("id", filter=Q(deadline__gte=today, deadline__lte=soon)),
    )
    rect_rows = list(rects.select_related("unit").order_by("deadline", "id")[:8])

    inspections = list(
        selectors.visible_inspections(user)
        .filter(status=InspectionStatus.PUBLISHED)
        .order_by("-period_end", "-id")[:TREND_LENGTH]
    )
    per_inspection = {
        row["inspection_id"]: row
        for row in scoped(AccountResult.objects.filter(inspection__in=[i.pk for i in inspections]), user)
        .order_by()
        .values("inspection_id")
        .annotate(total=Count("id"), failed=Count("id", filter=Q(vetoed=True)))
    }
    trend = []
    for i in reversed(inspections):
        row = per_inspection.get(i.pk)
        if row:
            trend.append(
                {
                    "label": f"{i.period_end:%m-%d}",
                    "value": _rate(row["total"], row["failed"] or 0),
                    "url": reverse("supervision:inspection", kwargs={"pk": i.pk}),
                }
            )
    latest = inspections[0] if inspections else None
    ranking, platform_rates = [], []
    if latest is not None:
        for u in list(selectors.unit_results_for(user, latest))[:10]:
            ranking.append(
                {
                    "label": u.unit.name,
                    "value": 0 if u.vetoed else round(u.final, 2),
                    "url": _url("supervision:findings", unit=u.unit_id, inspection=latest.pk),
                }
            )
        rows = (
            scoped(AccountResult.objects.filter(inspection=latest), user)
            .order_by()
            .values("platform")
            .annotate(total=Count("id"), failed=Count("id", filter=Q(vetoed=True)))
        )
        platform_rates = {r["platform"]: _rate(r["total"], r["failed"] or 0) for r in rows}
    platforms = [
        {
            "label": PLATFORMS.get(code, code),
            "value": n,
            "rate": platform_rates.get(code) if platform_rates else None,
            "url": _url("web:matrix", platform=code),
        }
        for code, n in sorted(platform_counts.items(), key=lambda kv: -kv[1])
    ]
    current_rate = trend[-1]["value"] if trend else None
    return {
        "accounts": sum(platform_counts.values()),
        "pass_rate": current_rate,
        "latest": latest,
        "idle_count": idle_count,
        "idle_rows": [
            {"account": a, "days": (now - a.last_post).days if a.last_post else None} for a in idle_rows
        ],
        "late_total": late_total,
        "late_rows": late_by_account,
        "serious_count": serious_count,
        "rect_counts": rect_counts,
        "rect_rows": rect_rows,
        "today": today,
        "gathered_at": now,
        "charts": {
            "trend": {"kind": "line", "title": "合格率（%）", "items": trend},
            "platforms": {"kind": "pie", "title": "账号数", "items": platforms},
            "ranking": {"kind": "bar", "title": "最终得分", "items": list(reversed(ranking))},
            "rectifications": {
                "kind": "bar",
                "title": "整改",
                "items": [
                    {
                        "label": "已逾期",
                        "value": rect_counts["overdue"],
                        "url": _url("results:rectifications", status="overdue"),
                    },
                    {
                        "label": "两个工作日内到期",
                        "value": rect_counts["due"],
                        "url": _url("results:rectifications", status="sent"),
                    },
                    {
                        "label": "整改中（全部）",
                        "value": rect_counts["open"],
                        "url": _url("results:rectifications", status="sent"),
                    },
                ],
            },
        },
    }


def unit_dashboard(user, now: dt.datetime | None = None) -> dict:
    """An owner unit's own accounts, findings and what to do this week."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    accounts = list(
        scoped(MediaAccount.objects.filter(status=AccountStatus.ACTIVE), user)
        .annotate(
            last_post=_last_post(),
            open_findings=Count("findings", filter=Q(findings__status__in=LIVE_STATUSES), distinct=True),
        )
        .order_by("platform", "name")
    )
    for a in accounts:
        a.idle_days = (now - a.last_post).days if a.last_post else None
    account_qs = scoped(MediaAccount.objects.filter(status=AccountStatus.ACTIVE), user)
    late = list(
        _late_replies(account_qs, now)
        .order_by()
        .values("account__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    findings = list(
        scoped(Finding.objects.filter(status__in=LIVE_STATUSES), user)
        .exclude(kind=IndicatorKind.BONUS)
        .select_related("account")
        .order_by("-last_found_at")[:20]
    )
    rects = list(
        scoped(Rectification.objects.filter(status__in=OPEN_STATUSES), user).order_by("deadline", "id")[:20]
    )
    todo = []
    for r in rects:
        late_flag = r.deadline < today
        todo.append(
            {
                "text": f"反馈整改情况（期限 {r.deadline:%Y-%m-%d}）{'，已逾期' if late_flag else ''}",
                "url": reverse("results:rectification", kwargs={"pk": r.pk}),
                "urgent": late_flag,
            }
        )
    for a in accounts:
        if a.idle_days is None or a.idle_days >= WEEK_IDLE_DAYS:
            days = "从未发布" if a.idle_days is None else f"已 {a.idle_days} 天未更新"
            todo.append(
                {
                    "text": f"“{a.name}”{days}，本周至少发布1条原创信息",
                    "url": reverse("web:account", kwargs={"pk": a.pk}),
                    "urgent": (a.idle_days or 99) >= IDLE_DAYS,
                }
            )
    for row in late:
        todo.append(
            {
                "text": f"“{row['account__name']}”有 {row['n']} 条留言超过24小时未回复",
                "url": reverse("interaction:inbox"),
                "urgent": True,
            }
        )
    return {"accounts": accounts, "findings": findings, "rects": rects, "todo": todo, "today": today}
