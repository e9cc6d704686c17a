"""Bulletins (通报) generated from a published inspection; draft → approved → published (frozen).

Policies 000/001/003 ask that check results be "予以公开通报": the content is computed once
into ``Bulletin.content`` (JSON), edited only as a draft, and never changes after publishing,
so the public page, the .docx, the PDF and the .xlsx annex always say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from govmedia.core.audit import audit, snapshot
from govmedia.core.calendar import add_working_days
from govmedia.registry.models import AssessmentGroup
from govmedia.results.models import (
    BULLETIN_TRANSITIONS,
    OPEN_STATUSES,
    Bulletin,
    BulletinStatus,
    Rectification,
)
from govmedia.supervision import selectors
from govmedia.supervision.models import Inspection, InspectionFinding
from govmedia.supervision.services import pass_rates

PRAISED_PER_GROUP = 3
PRAISE_MIN_FINAL = 90.0
EDITABLE = ("title", "number", "intro", "demands", "deadline")


class BulletinError(Exception):
    """A refused bulletin action; the message is Chinese, for people."""


class IllegalBulletinMove(BulletinError):
    pass


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build_content(inspection: Inspection, user, today: dt.date | None = None) -> dict:
    """Summary figures, rankings, failed accounts with problems, praise and overdue rectifications."""
    today = today or timezone.localdate()
    results = list(
        selectors.account_results_of(user, inspection)
        .select_related("account", "unit")
        .order_by("score", "account_id")
    )
    units = list(selectors.unit_results_for(user, inspection))
    checked, failed = len(results), sum(r.vetoed for r in results)
    failed_ids = [r.account_id for r in results if r.vetoed]
    problems: dict[int, list[str]] = defaultdict(list)  # indicator names, once each, for the text
    details: dict[int, list[str]] = defaultdict(list)  # every Finding's summary, for the annex
    links = (
        InspectionFinding.objects.filter(
            inspection=inspection, counted=True, finding__account_id__in=failed_ids
        )
        .select_related("finding")
        .order_by("finding__kind", "finding_id")
    )
    for link in links:
        f = link.finding
        if f.kind != "bonus":
            details[f.account_id].append(f.summary)
            if f.indicator_name not in problems[f.account_id]:
                problems[f.account_id].append(f.indicator_name)
    groups = []
    for code, label in AssessmentGroup.choices:
        rows = [u for u in units if u.group == code]
        if rows:
            groups.append(
                {
                    "label": label,
                    "rows": [
                        {
                            "rank": u.rank,
                            "unit": u.unit.name,
                            "accounts": u.account_count,
                            "score": round(u.score, 2),
                            "final": round(u.final, 2),
                            "vetoed": u.vetoed,
                        }
                        for u in rows
                    ],
                }
            )
    praised = [
        row["unit"]
        for g in groups
        for row in g["rows"][:PRAISED_PER_GROUP]
        if not row["vetoed"] and row["final"] >= PRAISE_MIN_FINAL
    ]
    unit_ids = {r.unit_id for r in results}
    overdue = (
        Rectification.objects.filter(unit_id__in=unit_ids, status__in=OPEN_STATUSES, deadline__lt=today)
        .select_related("unit")
        .order_by("deadline", "unit__name")
    )
    rate = (checked - failed) / checked if checked else None
    tables = pass_rates(inspection, selectors.account_results_of(user, inspection))
    return {
        "period": {"start": inspection.period_start.isoformat(), "end": inspection.period_end.isoformat()},
        "period_text": f"{cn_date(inspection.period_start)}至{cn_date(inspection.period_end)}",
        "inspection": str(inspection),
        "indicator_set": inspection.indicator_set.name,
        "kind": inspection.get_kind_display(),
        "checked": checked,
        "failed": failed,
        "passed": checked - failed,
        "pass_rate": rate,
        "pass_rate_text": "—" if rate is None else f"{rate:.2%}",
        "by_platform": tables["platforms"],
        "by_region": tables["regions"],
        "groups": groups,
        "failed_accounts": [
            {
                "account": r.account.name,
                "account_id": r.account_id,
                "platform": r.account.get_platform_display(),
                "unit": r.unit.name,
                "score": round(r.score, 2),
                "problems": problems.get(r.account_id, []) or ["单项否决"],
                "details": details.get(r.account_id, []),
            }
            for r in results
            if r.vetoed
        ],
        "praised": praised,
        "overdue": [
            {"unit": o.unit.name, "deadline": o.deadline.isoformat(), "deadline_text": cn_date(o.deadline)}
            for o in overdue
        ],
        "generated_on": today.isoformat(),
    }


def default_texts(inspection: Inspection, content: dict, issuer_name: str, today: dt.date) -> dict:
    region = issuer_name.replace("人民政府办公室", "").replace("办公室", "") or "本地区"
    deadline = add_working_days(today, 5)
    return {
        "title": f"关于{content['period_text']}{region}政务新媒体检查情况的通报",
        "intro": (
            f"为进一步规范政务新媒体运维管理，根据《{content['indicator_set']}》，"
            f"{issuer_name}于{content['period_text']}对{region}政务新媒体开展了{content['kind']}。现将有关情况通报如下。"
        ),
        "demands": (
            "对检查发现的问题，请各有关单位认真对照、举一反三，于整改期限前完成整改，"
            "并将整改情况报送主管单位。逾期未整改的，将在下期通报中予以公开通报。"
        ),
        "deadline": deadline,
    }


def next_number(issuer, year: int) -> str:
    short = issuer.name.replace("人民政府办公室", "政办").replace("人民政府", "政")
    n = Bulletin.objects.filter(issuer=issuer, created_at__year=year).count() + 1
    return f"{short}通〔{year}〕{n}号"


def do_create_bulletin(inspection: Inspection, *, acting_user, today: dt.date | None = None) -> Bulletin:
    if not selectors.may_supervise(acting_user) or acting_user.unit is None:
        raise PermissionDenied("只有主管单位可以生成通报")
    if not inspection.is_published:
        raise BulletinError("只能根据已发布的检查生成通报，请先发布检查结果")
    today = today or timezone.localdate()
    issuer = acting_user.unit
    content = build_content(inspection, acting_user, today)
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            inspection=inspection,
            issuer=issuer,
            region_path=issuer.region.path,
            number=next_number(issuer, today.year),
            content=content,
            created_by=acting_user,
            **default_texts(inspection, content, issuer.name, today),
        )
        audit(acting_user, "bulletin.created", bulletin, after=snapshot(bulletin, ["title", "number"]))
    return bulletin


def do_edit_bulletin(bulletin: Bulletin, *, acting_user, refresh: bool = False, **fields) -> Bulletin:
    """Change the texts of a draft (and optionally recompute its figures); published ones are frozen."""
    if bulletin.status != BulletinStatus.DRAFT:
        raise BulletinError("只有草稿可以修改；已审定的请先退回修改，已发布的通报不能修改")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise BulletinError(f"不能修改：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        before = snapshot(bulletin, EDITABLE)
        values = dict(fields)
        if refresh:
            values["content"] = build_content(bulletin.inspection, acting_user)
        if not Bulletin.objects.filter(pk=bulletin.pk, status=BulletinStatus.DRAFT).update(**values):
            raise BulletinError("该通报已被他人审定或发布，请刷新后重试")
        bulletin.refresh_from_db()
        audit(acting_user, "bulletin.edited", bulletin, before=before, after=snapshot(bulletin, EDITABLE))
    return bulletin


def _move(bulletin: Bulletin, new: str, *, acting_user, action: str, **extra) -> Bulletin:
    if not selectors.may_supervise(acting_user):
        raise PermissionDenied("只有主管单位可以审定和发布通报")
    old = bulletin.status
    if new not in BULLETIN_TRANSITIONS.get(old, set()):
        raise IllegalBulletinMove(
            f"通报当前为“{BulletinStatus(old).label}”，不能改为“{BulletinStatus(new).label}”"
        )
    with transaction.atomic():
        if not Bulletin.objects.filter(pk=bulletin.pk, status=old).update(status=new, **extra):
            raise BulletinError("该通报已被他人处理，请刷新后重试")
        bulletin.refresh_from_db()
        audit(acting_user, action, bulletin, before={"status": old}, after={"status": new})
    return bulletin


def do_approve_bulletin(bulletin: Bulletin, *, acting_user) -> Bulletin:
    return _move(
        bulletin,
        BulletinStatus.APPROVED,
        acting_user=acting_user,
        action="bulletin.approved",
        approved_at=timezone.now(),
    )


def do_reopen_bulletin(bulletin: Bulletin, *, acting_user) -> Bulletin:
    return _move(bulletin, BulletinStatus.DRAFT, acting_user=acting_user, action="bulletin.reopened")


def do_publish_bulletin(bulletin: Bulletin, *, acting_user) -> Bulletin:
    """Publishing freezes the bulletin and opens its public page."""
    return _move(
        bulletin,
        BulletinStatus.PUBLISHED,
        acting_user=acting_user,
        action="bulletin.published",
        published_at=timezone.now(),
    )
