"""Reports on replies: response time per unit or topic, and late replies as evidence for the inspection engine."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from govmedia.interaction.models import Case


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def response_stats(cases: QuerySet[Case], *, by: str = "unit", now: dt.datetime | None = None) -> list[dict]:
    """Per unit (or topic): messages, answered, mean and p90 hours to answer, share answered on time.

    A message still open past its deadline counts as late; one still open within it is not counted.
    """
    now = now or timezone.now()
    key_field = {"unit": "message__account__owner__name", "topic": "topic__name"}[by]
    rows: dict[str, dict] = {}
    for key, received, deadline, answered in cases.values_list(
        key_field, "message__received_at", "deadline", "answered_at"
    ):
        row = rows.setdefault(
            key or "未分类", {"name": key or "未分类", "total": 0, "hours": [], "on_time": 0, "due": 0}
        )
        row["total"] += 1
        if answered is not None:
            row["hours"].append((answered - received).total_seconds() / 3600)
            row["due"] += 1
            row["on_time"] += answered <= deadline
        elif deadline < now:
            row["due"] += 1
    result = []
    for row in sorted(rows.values(), key=lambda r: r["name"]):
        hours = row.pop("hours")
        row["answered"] = len(hours)
        row["mean_hours"] = round(sum(hours) / len(hours), 1) if hours else None
        row["p90_hours"] = round(_p90(hours), 1) if hours else None
        row["on_time_share"] = round(row["on_time"] / row["due"], 3) if row["due"] else None
        result.append(row)
    return result


def late_replies(
    *, account_ids=None, since: dt.datetime | None = None, until: dt.datetime | None = None, now=None
) -> list[dict]:
    """Messages answered after their deadline, or not answered and past it: evidence for `late_replies`."""
    now = now or timezone.now()
    cases = Case.objects.filter(
        Q(answered_at__gt=F("deadline")) | Q(answered_at__isnull=True, deadline__lt=now)
    )
    if account_ids is not None:
        cases = cases.filter(message__account_id__in=list(account_ids))
    if since is not None:
        cases = cases.filter(message__received_at__gte=since)
    if until is not None:
        cases = cases.filter(message__received_at__lt=until)
    return [
        {
            "account_id": c["message__account_id"],
            "message_id": c["message_id"],
            "case_id": c["id"],
            "received_at": c["message__received_at"],
            "deadline": c["deadline"],
            "answered_at": c["answered_at"],
            "kind": c["kind"],
        }
        for c in cases.order_by("deadline").values(
            "id",
            "message_id",
            "message__account_id",
            "message__received_at",
            "deadline",
            "answered_at",
            "kind",
        )
    ]
