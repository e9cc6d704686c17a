"""Assessments (考核) over a month, quarter or year from the period's published inspections.

Method ``mean_of_inspections`` (003 第一部分 applied over time): a unit's score is the mean
of its weekly unit scores (a vetoed week counts 0); the final score is normalised by group
as every inspection is: 单位最终得分 = 单位得分 ÷ 同类单位最高得分 × 100.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from openpyxl import Workbook

from govmedia.core.audit import audit
from govmedia.registry.models import AssessmentGroup, Unit
from govmedia.results.models import Assessment, AssessmentPeriod
from govmedia.supervision import selectors
from govmedia.supervision.models import InspectionStatus, UnitResult
from govmedia.supervision.services import subtree_ids, unit_tree


class AssessmentError(Exception):
    pass


def period_bounds(period: str, year: int, number: int = 1) -> tuple[dt.date, dt.date]:
    """(first day, last day) of month ``number``, quarter ``number`` or the year."""
    if period == AssessmentPeriod.MONTH:
        if not 1 <= number <= 12:
            raise AssessmentError("月份应为 1–12")
        return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])
    if period == AssessmentPeriod.QUARTER:
        if not 1 <= number <= 4:
            raise AssessmentError("季度应为 1–4")
        first = 3 * (number - 1) + 1
        return dt.date(year, first, 1), dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    if period == AssessmentPeriod.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise AssessmentError("未知的考核周期")


def period_title(period: str, year: int, number: int) -> str:
    if period == AssessmentPeriod.MONTH:
        return f"{year}年{number}月"
    if period == AssessmentPeriod.QUARTER:
        return f"{year}年第{'一二三四'[number - 1]}季度"
    return f"{year}年度"


def compute(user, scope_unit: Unit, start: dt.date, end: dt.date) -> dict:
    inspections = list(
        selectors.visible_inspections(user)
        .filter(status=InspectionStatus.PUBLISHED, period_start__gte=start, period_end__lte=end)
        .order_by("period_start", "-version")
    )
    # a re-run supersedes: keep the newest version per period and scope
    latest: dict[tuple, int] = {}
    for i in inspections:
        latest.setdefault((i.period_start, i.period_end, i.scope_unit_id, i.indicator_set_id), i.pk)
    children, _ = unit_tree()
    members = subtree_ids(scope_unit.pk, children)
    scores: dict[int, list[float]] = defaultdict(list)
    groups: dict[int, str] = {}
    names: dict[int, str] = {}
    rows = UnitResult.objects.filter(inspection_id__in=latest.values(), unit_id__in=members).select_related(
        "unit"
    )
    for r in rows:
        scores[r.unit_id].append(0.0 if r.vetoed else r.score)
        groups[r.unit_id], names[r.unit_id] = r.group, r.unit.name
    units = []
    for group, label in AssessmentGroup.choices:
        ids = [u for u in scores if groups[u] == group]
        means = {u: sum(scores[u]) / len(scores[u]) for u in ids}
        best = max(means.values(), default=0)
        ranked = sorted(ids, key=lambda u: (-means[u], names[u]))
        for rank, u in enumerate(ranked, 1):
            units.append(
                {
                    "unit": names[u],
                    "unit_id": u,
                    "group": group,
                    "group_label": label,
                    "weeks": len(scores[u]),
                    "mean": round(means[u], 2),
                    "final": round(means[u] / best * 100, 2) if best else 0.0,
                    "rank": rank,
                }
            )
    return {"inspections": sorted(latest.values()), "units": units}


def do_run_assessment(
    *, acting_user, period: str, year: int, number: int = 1, scope_unit: Unit
) -> Assessment:
    if not selectors.may_supervise(acting_user):
        raise PermissionDenied("只有主管单位可以开展考核")
    start, end = period_bounds(period, year, number)
    result = compute(acting_user, scope_unit, start, end)
    if not result["inspections"]:
        raise AssessmentError(f"{period_title(period, year, number)}没有已发布的检查，无法考核")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            title=f"{period_title(period, year, number)}{scope_unit.name}政务新媒体考核",
            period=period,
            start=start,
            end=end,
            scope_unit=scope_unit,
            region_path=scope_unit.region.path,
            result=result,
            created_by=acting_user,
        )
        audit(acting_user, "assessment.run", assessment, after={"inspections": result["inspections"]})
    return assessment


def assessment_xlsx(assessment: Assessment) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "考核结果"
    ws.append(["考核类别", "排名", "单位", "检查次数", "平均得分", "最终得分"])
    for u in assessment.result.get("units", []):
        ws.append([u["group_label"], u["rank"], u["unit"], u["weeks"], u["mean"], u["final"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
