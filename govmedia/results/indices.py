"""勤勉指数 (diligence) and 效果指数 (effect) per account and unit per period.

Formulas and weights live in ``data/indices.yaml`` (documented there); this module only
evaluates them. Each period costs three queries whatever the number of accounts.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import defaultdict
from pathlib import Path

import yaml
from django.utils import timezone

from govmedia.content.models import Message, Post
from govmedia.registry.models import FollowerCount

DATA = Path(__file__).resolve().parent / "data" / "indices.yaml"


@functools.lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _weeks(start: dt.date, end: dt.date) -> list[dt.date]:
    """Mondays of the whole weeks inside start..end (a period edge cuts a week out, as inspections do)."""
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday + dt.timedelta(days=6) <= end:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def compute(account_ids, start: dt.date, end: dt.date) -> dict[int, dict]:
    """account id → {"diligence", "effect", and the parts} for start..end (both included)."""
    cfg = config()
    ids = list(account_ids)
    since, until = _aware(start), _aware(end + dt.timedelta(days=1))
    days = (end - start).days + 1
    weeks = _weeks(start, end)
    week_of = {}
    for monday in weeks:
        for i in range(7):
            week_of[monday + dt.timedelta(days=i)] = monday
    totals = defaultdict(lambda: {"posts": 0, "reads": 0, "likes": 0, "shares": 0, "zaikan": 0})
    updated, original = defaultdict(set), defaultdict(set)
    rows = Post.objects.filter(
        account_id__in=ids, published_at__gte=since, published_at__lt=until
    ).values_list("account_id", "published_at", "is_original", "reads", "likes", "shares", "zaikan")
    for account_id, moment, is_original, reads, likes, shares, zaikan in rows:
        t = totals[account_id]
        t["posts"] += 1
        t["reads"] += reads or 0
        t["likes"] += likes or 0
        t["shares"] += shares or 0
        t["zaikan"] += zaikan or 0
        week = week_of.get(timezone.localdate(moment))
        if week:
            updated[account_id].add(week)
            if is_original:
                original[account_id].add(week)
    limit = dt.timedelta(hours=cfg["diligence"]["reply_hours"])
    asked, on_time = defaultdict(int), defaultdict(int)
    messages = Message.objects.filter(account_id__in=ids, received_at__gte=since, received_at__lt=until)
    for account_id, received, replied in messages.values_list("account_id", "received_at", "replied_at"):
        asked[account_id] += 1
        on_time[account_id] += bool(replied and replied - received <= limit)
    first_last: dict[int, list[int]] = {}
    counts = FollowerCount.objects.filter(account_id__in=ids, date__gte=start, date__lte=end).order_by("date")
    for account_id, followers in counts.values_list("account_id", "followers"):
        first_last.setdefault(account_id, [followers, followers])[1] = followers

    w = cfg["diligence"]["weights"]
    inner, outer = cfg["effect"]["inner"], cfg["effect"]["outer"]
    result = {}
    for pk in ids:
        t = totals[pk]
        ratios = {
            "weeks_updated": len(updated[pk]) / len(weeks) if weeks else 0.0,
            "weeks_original": len(original[pk]) / len(weeks) if weeks else 0.0,
            "replies_on_time": on_time[pk] / asked[pk] if asked[pk] else 1.0,
        }
        diligence = sum(w[k] * ratios[k] for k in w)

        def block(divisor: float, t=t) -> float:
            if divisor <= 0:
                return 0.0
            return sum(
                spec["weight"] * math.log(spec["k"] * t[name] / divisor + 1) for name, spec in inner.items()
            )

        gained = max(0, first_last[pk][1] - first_last[pk][0]) if pk in first_last else 0
        o, a, f = block(days), block(t["posts"]), math.log(gained + 1)
        effect = (outer["overall"] * o + outer["per_post"] * a + outer["followers"] * f) ** 2 * cfg["effect"][
            "scale"
        ]
        result[pk] = {
            "diligence": round(diligence, 1),
            "effect": round(effect, 1),
            "posts": t["posts"],
            "ratios": {k: round(v, 3) for k, v in ratios.items()},
            "followers_gained": gained,
        }
    return result


def months_back(today: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
    """The last n whole months before today's month, oldest first."""
    periods = []
    first = today.replace(day=1)
    for _ in range(n):
        end = first - dt.timedelta(days=1)
        first = end.replace(day=1)
        periods.append((first, end))
    return list(reversed(periods))
