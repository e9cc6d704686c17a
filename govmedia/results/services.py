"""Rectification: send Findings to their owner unit, answer with evidence, accept or return.

Deadlines are counted in working days with ``core.calendar`` (5 by default; 3 for publicly
exposed accounts, as Zhejiang's 晾晒 demands a fix within three days). Every move is
audited in its own transaction; two people acting at once are decided by a conditional update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govmedia.core.audit import audit
from govmedia.core.calendar import add_working_days
from govmedia.core.models import Role
from govmedia.core.scoping import scope_for
from govmedia.registry.models import Unit
from govmedia.results.models import (
    RECTIFICATION_TRANSITIONS,
    Evidence,
    Rectification,
    RectificationStatus,
)
from govmedia.results.notify import notify
from govmedia.results.uploads import check_evidence
from govmedia.supervision.models import Finding, FindingStatus, Inspection
from govmedia.supervision.selectors import may_supervise
from govmedia.supervision.services import do_set_finding_status

DEFAULT_WORKING_DAYS = 5
EXPOSED_WORKING_DAYS = 3


class RectificationError(Exception):
    """A refused rectification action; the message is Chinese, for people."""


class IllegalRectificationMove(RectificationError):
    pass


def _move(rect: Rectification, new: str, **fields) -> None:
    old = rect.status
    if new not in RECTIFICATION_TRANSITIONS.get(old, set()):
        raise IllegalRectificationMove(
            f"整改当前为“{RectificationStatus(old).label}”，不能改为“{RectificationStatus(new).label}”"
        )
    changed = Rectification.objects.filter(pk=rect.pk, status=old).update(status=new, **fields)
    if changed != 1:
        raise RectificationError("该整改已被他人处理，请刷新后重试")
    rect.refresh_from_db()


def _link(rect: Rectification) -> str:
    return reverse("results:rectification", kwargs={"pk": rect.pk})


def _in_region_of(user, unit: Unit) -> bool:
    scope = scope_for(user)
    return scope.everything or any(unit.region.path.startswith(p) for p in scope.region_paths)


def do_send_rectifications(
    findings: Iterable[Finding],
    *,
    acting_user,
    demand: str = "",
    exposed: bool = False,
    working_days: int | None = None,
    inspection: Inspection | None = None,
    today: dt.date | None = None,
) -> list[Rectification]:
    """One Rectification per owner unit of the given open Findings; the Findings move to 整改中."""
    if not may_supervise(acting_user):
        raise PermissionDenied("只有主管单位可以下发整改通知")
    findings = list(findings)
    if not findings:
        raise RectificationError("请至少选择一个问题")
    not_open = [f for f in findings if f.status != FindingStatus.OPEN]
    if not_open:
        raise RectificationError(f"问题“{not_open[0].summary}”不是待整改状态，不能再次下发")
    days = working_days or (EXPOSED_WORKING_DAYS if exposed else DEFAULT_WORKING_DAYS)
    today = today or timezone.localdate()
    deadline = add_working_days(today, days)
    by_unit: dict[int, list[Finding]] = {}
    for f in findings:
        by_unit.setdefault(f.account.owner_id, []).append(f)
    created = []
    with transaction.atomic():
        for _unit_id, items in sorted(by_unit.items()):
            unit = items[0].account.owner
            if not _in_region_of(acting_user, unit):
                raise PermissionDenied("不能向管理范围以外的单位下发整改通知")
            rect = Rectification.objects.create(
                unit=unit,
                inspection=inspection,
                demand=demand,
                exposed=exposed,
                working_days=days,
                deadline=deadline,
                sent_by=acting_user,
            )
            rect.findings.set(items)
            for f in items:
                do_set_finding_status(f, FindingStatus.RECTIFYING, acting_user=acting_user, reason="下发整改")
            audit(
                acting_user,
                "rectification.sent",
                rect,
                after={
                    "deadline": deadline.isoformat(),
                    "findings": [f.pk for f in items],
                    "exposed": exposed,
                },
                comment=demand,
            )
            notify(
                unit,
                f"整改通知：{len(items)} 个问题，请于{deadline:%Y年%m月%d日}前整改",
                "；".join(f"{f.account.name}：{f.summary}" for f in items)[:1000],
                _link(rect),
            )
            created.append(rect)
    return created


def may_answer(user, rect: Rectification) -> bool:
    scope = scope_for(user)
    if not scope.can_write:
        return False
    return scope.everything or (user.role in (Role.EDITOR,) and user.unit_id == rect.unit_id)


def do_answer_rectification(
    rect: Rectification, *, acting_user, answer: str, link: str = "", files: Iterable = ()
) -> Rectification:
    """The unit says what it did, with a link and/or screenshots or PDF (checked by content)."""
    if not may_answer(acting_user, rect):
        raise PermissionDenied("只有整改单位可以反馈整改情况")
    if not answer.strip():
        raise RectificationError("请填写整改情况")
    checked = [(f, check_evidence(f)) for f in files]
    with transaction.atomic():
        _move(
            rect,
            RectificationStatus.ANSWERED,
            answer=answer.strip(),
            answer_link=link,
            answered_at=timezone.now(),
            answered_by=acting_user,
            rounds=rect.rounds + 1,
        )
        for upload, kind in checked:
            Evidence.objects.create(
                rectification=rect,
                file=upload,
                original_name=upload.name[:200],
                content_type=kind,
                size=upload.size,
                uploaded_by=acting_user,
            )
        audit(
            acting_user,
            "rectification.answered",
            rect,
            after={"answer": rect.answer, "link": link, "evidence": len(checked)},
        )
    return rect


def do_decide_rectification(
    rect: Rectification, *, acting_user, accept: bool, comment: str = ""
) -> Rectification:
    """The supervisor accepts (its Findings become 已整改) or returns it with a reason."""
    if not may_supervise(acting_user) or not _in_region_of(acting_user, rect.unit):
        raise PermissionDenied("只有主管单位可以验收整改")
    if not accept and not comment.strip():
        raise RectificationError("退回整改须填写意见")
    new = RectificationStatus.ACCEPTED if accept else RectificationStatus.RETURNED
    with transaction.atomic():
        _move(rect, new, decided_at=timezone.now(), decided_by=acting_user, decision_comment=comment.strip())
        if accept:
            for f in rect.findings.filter(status=FindingStatus.RECTIFYING):
                do_set_finding_status(
                    f, FindingStatus.RESOLVED, acting_user=acting_user, reason="整改验收通过"
                )
        audit(acting_user, f"rectification.{new}", rect, after={"status": new}, comment=comment)
        if not accept:
            notify(rect.unit, "整改被退回，请重新整改", comment, _link(rect))
    return rect


def remind_overdue(today: dt.date | None = None) -> int:
    """Escalate overdue rectifications once: a notice to the unit (and its contacts by webhook).

    Idempotent: ``reminded_at`` is claimed by a conditional update. Overdue ones are also
    marked in the next bulletin (``bulletins.build_content``).
    """
    today = today or timezone.localdate()
    count = 0
    overdue = Rectification.objects.filter(
        status__in=[RectificationStatus.SENT, RectificationStatus.RETURNED],
        deadline__lt=today,
        reminded_at__isnull=True,
    ).select_related("unit__region")
    for rect in overdue:
        with transaction.atomic():
            if not Rectification.objects.filter(pk=rect.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            audit(None, "rectification.reminded", rect, comment=f"已逾期（期限 {rect.deadline:%Y-%m-%d}）")
            notify(
                rect.unit,
                f"整改已逾期：期限为{rect.deadline:%Y年%m月%d日}",
                "请立即整改并反馈，逾期情况将在下期通报中列明。",
                _link(rect),
            )
            count += 1
    return count
