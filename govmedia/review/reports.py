"""The review register (登记、备案, 004 §9.2.1) and its reports: turnaround per step, return reasons."""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from govmedia.core.models import User
from govmedia.core.scoping import scoped
from govmedia.registry.spreadsheets import safe_cell
from govmedia.review.models import Decision, Outcome, ReasonTag


def register(
    user: User, *, unit_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[Decision]:
    """Every decision the user may see, oldest first: who reviewed what, when, with what result."""
    qs = scoped(Decision.objects.select_related("review__unit", "actor"), user)
    if unit_id:
        qs = qs.filter(review__unit_id=unit_id)
    if since:
        qs = qs.filter(decided_at__date__gte=since)
    if until:
        qs = qs.filter(decided_at__date__lte=until)
    return qs.order_by("decided_at", "id")


@dataclass(frozen=True)
class Turnaround:
    step_name: str
    count: int
    mean_hours: float
    median_hours: float
    max_hours: float


def turnaround(decisions) -> list[Turnaround]:
    """How long each step took, from the step's start to the decision, per step name."""
    waits: dict[str, list[float]] = defaultdict(list)
    for d in decisions:
        waits[d.step_name].append(d.waited_seconds / 3600)
    order = ["一审", "二审", "三审", "主要负责人签发"]
    return [
        Turnaround(
            step_name=name,
            count=len(hours),
            mean_hours=round(statistics.fmean(hours), 1),
            median_hours=round(statistics.median(hours), 1),
            max_hours=round(max(hours), 1),
        )
        for name, hours in sorted(waits.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9)
    ]


def reasons(decisions) -> list[tuple[str, int]]:
    """Return and rejection reasons by tag, most frequent first."""
    counts = Counter(
        tag
        for d in decisions
        if d.outcome != Outcome.APPROVED
        for tag in d.reason_tags
        if tag in ReasonTag.values
    )
    return [(ReasonTag(tag).label, n) for tag, n in counts.most_common()]


REGISTER_HEADERS = [
    "稿件编号", "标题", "单位", "签发级别", "轮次", "环节", "审核人", "结论",
    "审核要素", "原因", "意见", "审核时间", "本环节用时（小时）",
]  # fmt: skip


def register_rows(decisions) -> list[list[object]]:
    rows = []
    for d in decisions:
        rows.append(
            [
                d.review_id,
                d.review.title,
                d.review.unit.name,
                d.review.get_level_display(),
                d.round,
                d.step_name,
                str(d.actor),
                d.get_outcome_display(),
                f"已确认 {len(d.elements)}/7 项" if d.outcome == Outcome.APPROVED else "",
                "、".join(d.reason_labels),
                d.comment,
                timezone.localtime(d.decided_at).strftime("%Y-%m-%d %H:%M"),
                round(d.waited_seconds / 3600, 1),
            ]
        )
    return rows


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[object]], first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B22222")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"


def register_xlsx(decisions) -> bytes:
    """The register with its two reports, one sheet each."""
    decisions = list(decisions)
    workbook = Workbook()
    _sheet(workbook, "审核登记", REGISTER_HEADERS, register_rows(decisions), first=True)
    _sheet(
        workbook,
        "各环节用时",
        ["环节", "审核次数", "平均用时（小时）", "中位用时（小时）", "最长用时（小时）"],
        [[t.step_name, t.count, t.mean_hours, t.median_hours, t.max_hours] for t in turnaround(decisions)],
    )
    _sheet(workbook, "退回原因", ["原因", "次数"], [list(r) for r in reasons(decisions)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
