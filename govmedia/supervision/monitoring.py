"""Scheduled monitoring: the weekly full check and the early warnings before the veto.

003: "市政府办公室每周将对全市政务新媒体运维情况开展全覆盖检查" — every Monday, a full
check of each top-level government's subtree for the previous Monday–Sunday week.
Early warnings (a ladder used by 博兴县): at 10 days without a post the operator (管理员)
is told, at 12 days the unit's deputy head (分管负责人) — before the 14-day veto. The ladder
is data: ``GOVMEDIA_UPDATE_WARNING_LADDER="10:admin,12:deputy"``.
Both jobs are idempotent: running them twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.core.params import is_id
from govmedia.registry.models import AccountStatus, Contact, MediaAccount, Unit
from govmedia.supervision.indicators import resolve
from govmedia.supervision.models import Inspection, InspectionKind, InspectionStatus, WarningLog
from govmedia.supervision.services import run_inspection, subtree_ids, unit_tree

logger = logging.getLogger(__name__)
WEEKLY_TITLE = "每周全覆盖检查"
DEFAULT_LADDER = "10:admin,12:deputy"


def previous_week(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def weekly_roots() -> list[Unit]:
    """The top of each tree with active accounts below it: the city government in a one-city installation."""
    children, _ = unit_tree()
    owners = set(MediaAccount.objects.filter(status=AccountStatus.ACTIVE).values_list("owner_id", flat=True))
    return [
        u
        for u in Unit.objects.filter(parent__isnull=True).select_related("region").order_by("id")
        if subtree_ids(u.pk, children) & owners
    ]


def run_weekly_inspections(
    today: dt.date | None = None, *, indicator_set_code: str | None = None, run=run_inspection
) -> list[Inspection]:
    """A full check of each root's subtree for last week, unless it already ran (or is running).

    ``run`` is ``run_inspection`` in-process, or ``supervision.tasks.inspect`` to fan the
    accounts out over the workers."""
    today = today or timezone.localdate()
    start, end = previous_week(today)
    indicator_set = resolve(
        indicator_set_code or os.environ.get("GOVMEDIA_WEEKLY_INDICATOR_SET", "demo-city-2026")
    )
    done = []
    for root in weekly_roots():
        existing = (
            Inspection.objects.filter(
                period_start=start,
                period_end=end,
                indicator_set__code=indicator_set.code,
                scope_unit=root,
                kind=InspectionKind.FULL,
                title=WEEKLY_TITLE,
            )
            .exclude(status=InspectionStatus.FAILED)
            .first()
        )
        if existing is not None:
            done.append(existing)
            continue
        inspection = run(
            start=start,
            end=end,
            indicator_set=indicator_set,
            scope_unit=root,
            title=WEEKLY_TITLE,
            source="weekly",
        )
        logger.info("weekly inspection %s: %s accounts", inspection.pk, inspection.account_count)
        done.append(inspection)
    return done


@dataclass(frozen=True)
class Rung:
    days: int
    role: str  # a Contact role: admin (管理员, the operator) / deputy (分管负责人) / head


def parse_ladder(text: str) -> list[Rung]:
    rungs = []
    for part in text.split(","):
        days, _, role = part.strip().partition(":")
        if role not in Contact.Role.values or not is_id(days.strip()):
            raise ValueError(
                f"预警阶梯格式应为“天数:角色”（角色为 {'/'.join(Contact.Role.values)}），实际为 {part!r}"
            )
        rungs.append(Rung(int(days), role))
    return sorted(rungs, key=lambda r: r.days)


def send_update_warnings(
    now: dt.datetime | None = None, ladder: Sequence[Rung] | None = None
) -> list[WarningLog]:
    """Warn before the veto: one warning per account, rung and silence (its last post)."""
    now = now or timezone.now()
    ladder = ladder or parse_ladder(os.environ.get("GOVMEDIA_UPDATE_WARNING_LADDER", DEFAULT_LADDER))
    if not ladder:
        return []
    first = ladder[0].days
    recent = set(
        Post.objects.filter(published_at__gt=now - dt.timedelta(days=first), published_at__lte=now)
        .values_list("account_id", flat=True)
        .distinct()
    )
    silent = MediaAccount.objects.filter(status=AccountStatus.ACTIVE).exclude(pk__in=recent)
    last = dict(
        Post.objects.filter(account__in=silent, published_at__lte=now)
        .values("account_id")
        .annotate(last=Max("published_at"))
        .values_list("account_id", "last")
    )
    contacts = {(c.account_id, c.role): c for c in Contact.objects.filter(account__in=silent)}
    sent = []
    for account in silent.select_related("owner"):
        last_post = last.get(account.pk)
        since = last_post or account.created_at
        idle = (now - since).days
        for rung in ladder:
            if idle < rung.days:
                continue
            if WarningLog.objects.filter(account=account, days=rung.days, last_post_at=last_post).exists():
                continue
            contact = contacts.get((account.pk, rung.role))
            label = Contact.Role(rung.role).label
            text = (
                f"【更新预警】{account.name}已{idle}天未更新，请{label}"
                f"{contact.name if contact else ''}督促尽快发布；连续14天无更新将被单项否决。"
            )
            sent.append(
                WarningLog.objects.create(
                    account=account,
                    days=rung.days,
                    recipient_role=rung.role,
                    recipient=f"{contact.name} {contact.mobile}".strip() if contact else "",
                    last_post_at=last_post,
                    message=text,
                )
            )
    return sent
