"""An inspection as an Excel workbook: unit ranking, account scores, Findings (openpyxl).

Streamed: a write-only workbook fed from chunked queries (``values_list`` + ``iterator``), saved
into a temporary file, so a province's scores and Findings never sit in memory all at once.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font

from govmedia.registry.models import AssessmentGroup, Platform
from govmedia.registry.spreadsheets import header_cells, safe_cell, spooled_file
from govmedia.supervision.models import (
    AccountResult,
    FindingStatus,
    IndicatorKind,
    Inspection,
    InspectionFinding,
)
from govmedia.supervision.selectors import unit_results as all_unit_results

CHUNK = 2000  # rows per database fetch
_BOLD = Font(bold=True)


def save_inspection_workbook(
    target: BinaryIO, inspection: Inspection, account_results=None, unit_results=None
) -> None:
    """Write the workbook into ``target``; ``account_results``/``unit_results`` cut it to a user's scope."""
    wb = Workbook(write_only=True)
    names = {i.code: i.name for i in inspection.indicator_set.indicators.all()}

    ws = wb.create_sheet("单位排名")
    ws.append([safe_cell(str(inspection))])
    period = f"检查期间：{inspection.period_start:%Y年%m月%d日}至{inspection.period_end:%Y年%m月%d日}"
    rate = f"合格率：{'—' if inspection.pass_rate is None else f'{inspection.pass_rate:.2%}'}"
    ws.append([period, safe_cell(f"指标体系：{inspection.indicator_set}"), rate])
    _rows(
        ws,
        ["考核类别", "排名", "单位", "账号数", "单项否决", "单位得分", "最终得分"],
        _unit_rows(unit_results if unit_results is not None else all_unit_results(inspection)),
    )

    results = account_results if account_results is not None else inspection.account_results.all()
    _rows(
        wb.create_sheet("账号得分"),
        ["账号", "平台", "主办单位", "单项否决", "扣分明细", "加分明细", "扣分环节得分", "得分", "采集异常"],
        _account_rows(results, names),
    )
    _rows(
        wb.create_sheet("问题清单"),
        ["账号", "指标", "类型", "问题描述", "状态", "是否计分", "首次发现", "发现次数"],
        _finding_rows(inspection, results),
    )
    wb.save(target)


def inspection_file(inspection: Inspection, account_results=None, unit_results=None) -> BinaryIO:
    """The workbook as a rewound temporary file, for ``FileResponse`` (which closes it)."""
    handle = spooled_file()
    try:
        save_inspection_workbook(handle, inspection, account_results, unit_results)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def inspection_workbook(inspection: Inspection, account_results=None, unit_results=None) -> bytes:
    buffer = io.BytesIO()
    save_inspection_workbook(buffer, inspection, account_results, unit_results)
    return buffer.getvalue()


def _rows(ws, headers: list[str], rows: Iterable[list[object]]) -> None:
    ws.append(header_cells(ws, headers, font=_BOLD))
    for row in rows:
        ws.append([safe_cell(v) for v in row])


def _unit_rows(unit_results) -> Iterator[list[object]]:
    groups = dict(AssessmentGroup.choices)
    values = unit_results.values_list(
        "group", "rank", "unit__name", "account_count", "vetoed", "score", "final"
    )
    for group, rank, unit, account_count, vetoed, score, final in values.iterator(chunk_size=CHUNK):
        yield [
            groups.get(group, group),
            rank,
            unit,
            account_count,
            "是" if vetoed else "否",
            round(score, 2),
            round(final, 2),
        ]


def _account_rows(results, names: dict[str, str]) -> Iterator[list[object]]:
    platforms = dict(Platform.choices)
    values = results.order_by("-score", "account_id").values_list(
        "account__name", "platform", "unit__name", "detail", "deduction_score", "score", "no_data"
    )
    for account, platform, unit, d, deduction_score, score, no_data in values.iterator(chunk_size=CHUNK):
        yield [
            account,
            platforms.get(platform, platform),
            unit,
            "、".join(names.get(c, c) for c in d.get("vetoes", [])),
            "；".join(f"{names.get(c, c)} −{p:g}" for c, p in d.get("deductions", {}).items()),
            "；".join(f"{names.get(c, c)} +{p:g}" for c, p in d.get("bonus", {}).items()),
            round(deduction_score, 2),
            round(score, 2),
            "是" if no_data else "",
        ]


def _finding_rows(inspection: Inspection, results) -> Iterator[list[object]]:
    kinds, statuses = dict(IndicatorKind.choices), dict(FindingStatus.choices)
    links = (
        InspectionFinding.objects.filter(
            inspection=inspection, finding__account_id__in=results.values("account_id")
        )
        .order_by("finding__account_id", "finding_id")
        .values_list(
            "finding__account__name",
            "finding__indicator_name",
            "finding__kind",
            "finding__summary",
            "finding__status",
            "counted",
            "finding__first_found_at",
            "finding__times_found",
        )
    )
    for account, indicator, kind, summary, status, counted, first_found_at, times_found in links.iterator(
        chunk_size=CHUNK
    ):
        yield [
            account,
            indicator,
            kinds.get(kind, kind),
            summary,
            statuses.get(status, status),
            "是" if counted else "否",
            first_found_at.strftime("%Y-%m-%d"),
            times_found,
        ]


__all__ = ["inspection_workbook", "inspection_file", "save_inspection_workbook", "AccountResult"]
