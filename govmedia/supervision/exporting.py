"""An inspection as an Excel workbook: unit ranking, account scores, Findings (openpyxl)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from govmedia.registry.models import AssessmentGroup, Platform
from govmedia.supervision.models import AccountResult, Finding, Inspection, InspectionFinding
from govmedia.supervision.selectors import unit_results as all_unit_results


def inspection_workbook(inspection: Inspection, account_results=None, unit_results=None) -> bytes:
    wb = Workbook()
    groups = dict(AssessmentGroup.choices)
    platforms = dict(Platform.choices)
    names = {i.code: i.name for i in inspection.indicator_set.indicators.all()}

    ws = wb.active
    ws.title = "单位排名"
    ws.append([str(inspection)])
    ws.append(
        [
            f"检查期间：{inspection.period_start:%Y年%m月%d日}至{inspection.period_end:%Y年%m月%d日}",
            f"指标体系：{inspection.indicator_set}",
            f"合格率：{'—' if inspection.pass_rate is None else f'{inspection.pass_rate:.2%}'}",
        ]
    )
    ws.append(["考核类别", "排名", "单位", "账号数", "单项否决", "单位得分", "最终得分"])
    for u in unit_results if unit_results is not None else all_unit_results(inspection):
        ws.append(
            [
                groups.get(u.group, u.group),
                u.rank,
                u.unit.name,
                u.account_count,
                "是" if u.vetoed else "否",
                round(u.score, 2),
                round(u.final, 2),
            ]
        )

    ws = wb.create_sheet("账号得分")
    ws.append(
        ["账号", "平台", "主办单位", "单项否决", "扣分明细", "加分明细", "扣分环节得分", "得分", "采集异常"]
    )
    results = account_results if account_results is not None else inspection.account_results.all()
    for r in results.select_related("account", "unit").order_by("-score", "account_id"):
        d = r.detail
        ws.append(
            [
                r.account.name,
                platforms.get(r.platform, r.platform),
                r.unit.name,
                "、".join(names.get(c, c) for c in d.get("vetoes", [])),
                "；".join(f"{names.get(c, c)} −{p:g}" for c, p in d.get("deductions", {}).items()),
                "；".join(f"{names.get(c, c)} +{p:g}" for c, p in d.get("bonus", {}).items()),
                round(r.deduction_score, 2),
                round(r.score, 2),
                "是" if r.no_data else "",
            ]
        )

    ws = wb.create_sheet("问题清单")
    ws.append(["账号", "指标", "类型", "问题描述", "状态", "是否计分", "首次发现", "发现次数"])
    account_ids = results.values("account_id")
    links = (
        InspectionFinding.objects.filter(inspection=inspection, finding__account_id__in=account_ids)
        .select_related("finding__account")
        .order_by("finding__account_id", "finding_id")
    )
    for link in links:
        f: Finding = link.finding
        ws.append(
            [
                f.account.name,
                f.indicator_name,
                f.get_kind_display(),
                f.summary,
                f.get_status_display(),
                "是" if link.counted else "否",
                f.first_found_at.strftime("%Y-%m-%d"),
                f.times_found,
            ]
        )
    for sheet in wb.worksheets:
        for cell in sheet[1 if sheet.title != "单位排名" else 3]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = ["inspection_workbook", "AccountResult"]
