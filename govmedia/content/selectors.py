"""Read-side helpers for pages: an account's posts, messages, health and trends."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from govmedia.content.models import Connection, Message, Post

TREND_WEEKS = 12


def weekly_trend(account_id: int, weeks: int = TREND_WEEKS, today: dt.date | None = None) -> list[dict]:
    """Posts and reads per week for the last ``weeks`` weeks, oldest first, empty weeks included."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    rows = (
        Post.objects.filter(account_id=account_id, published_at__date__gte=start)
        .annotate(week=TruncWeek("published_at"))
        .values("week")
        .annotate(posts=Count("id"), reads=Sum("reads"))
    )
    by_week = {
        timezone.localtime(r["week"]).date() if isinstance(r["week"], dt.datetime) else r["week"]: r
        for r in rows
    }
    result = []
    for i in range(weeks):
        week = start + dt.timedelta(days=7 * i)
        row = by_week.get(week, {})
        result.append({"week": week, "posts": row.get("posts", 0), "reads": row.get("reads") or 0})
    peak = max((r["posts"] for r in result), default=0) or 1
    for r in result:
        r["height"] = round(60 * r["posts"] / peak)
        r["x"] = 6 + 22 * result.index(r)
        r["y"] = 70 - r["height"]
    return result


def account_panel(account) -> dict:
    connection = Connection.objects.filter(account=account).first()
    posts = list(Post.objects.filter(account=account).order_by("-published_at")[:10])
    messages = Message.objects.filter(account=account).aggregate(
        total=Count("id"), unanswered=Count("id", filter=Q(replied_at__isnull=True))
    )
    last = (
        Post.objects.filter(account=account)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return {
        "account": account,
        "connection": connection,
        "posts": posts,
        "post_total": Post.objects.filter(account=account).count(),
        "last_post_at": last,
        "messages": messages,
        "trend": weekly_trend(account.pk),
    }
