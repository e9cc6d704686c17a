"""The paper forms, generated: 审批表/备案表 (.docx and PDF) and the 停更公告 (004_…txt 附件3).

One list of rows (``form_rows``) feeds both the Word table and the PDF's HTML, so the two
carry the same fields: the union of 001 附件《审批表》, 002 附件《备案表》, 004 附件1–2 and
000《备案登记表》, plus the number, the approval history and the signature and stamp boxes.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from govmedia.filings.models import UNDERTAKING, Filing, FilingKind, StepStatus
from govmedia.registry.models import AccountStatus

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
FALLBACK_FONT = "Noto Serif CJK SC"


class PdfUnavailable(RuntimeError):
    pass


def cn_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return "    年  月  日"
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _check(options: list[tuple[str, bool]]) -> str:
    return "  ".join(f"{'☑' if on else '□'}{label}" for label, on in options)


def title(filing: Filing) -> str:
    return f"政务新媒体{filing.get_kind_display()}审批备案表"


@dataclass
class Row:
    """One row of the form: label/value pairs side by side, or a full-width block."""

    cells: list[tuple[str, str]]


def form_rows(filing: Filing) -> list[Row]:
    status = filing.account.status if filing.account else AccountStatus.ACTIVE
    if filing.status == "approved" and filing.kind == FilingKind.OPEN:
        status = AccountStatus.ACTIVE
    rows = [
        Row(
            [
                ("备案编号", filing.number or "（提交后生成）"),
                ("填表时间", cn_date(filing.submitted_at or filing.created_at)),
            ]
        ),
        Row([("备案类型", _check([(label, value == filing.kind) for value, label in FilingKind.choices]))]),
        Row(
            [
                ("账号ID及名称", f"{filing.platform_uid or '—'}  {filing.account_name}"),
                ("创建/注册日期", cn_date(filing.registered_on)),
            ]
        ),
        Row(
            [
                ("发布平台（系统）", filing.get_platform_display()),
                ("是否通过认证", _check([("是", filing.verified), ("否", not filing.verified)])),
            ]
        ),
        Row(
            [
                ("管理单位", filing.chain.name),
                (
                    "是否取得互联网新闻信息服务资质",
                    _check([("是", filing.news_licence), ("否", not filing.news_licence)]),
                ),
            ]
        ),
        Row(
            [
                ("主办单位", filing.owner.name),
                ("主办单位分管领导及职务", filing.owner_leader),
                ("联系电话", filing.owner_leader_phone),
            ]
        ),
        Row(
            [
                ("承办（运维）单位", str(filing.operator or "")),
                ("承办单位分管领导及职务", filing.operator_leader),
                ("联系电话", filing.operator_phone),
            ]
        ),
        Row([("功能定位", filing.purpose), ("栏目设置", filing.sections)]),
        Row([("访问链接或二维码", filing.url)]),
        Row(
            [
                ("单位主要负责人", filing.head_name),
                ("办公电话", filing.head_office_phone),
                ("手机号", filing.head_mobile),
            ]
        ),
        Row(
            [
                ("分管负责人", filing.deputy_name),
                ("办公电话", filing.deputy_office_phone),
                ("手机号", filing.deputy_mobile),
            ]
        ),
        Row(
            [
                ("具体负责人", filing.admin_name),
                ("办公电话", filing.admin_office_phone),
                ("手机号", filing.admin_mobile),
            ]
        ),
        Row([(f"{filing.get_kind_display()}理由", filing.reason)]),
    ]
    if filing.changes:
        text = "；".join(
            f"{label}：{old or '（空）'} → {new or '（空）'}" for label, old, new in filing.change_rows()
        )
        rows.append(Row([("变更内容", text)]))
    if filing.kind != FilingKind.OPEN:
        notice = f"{filing.notice_url or '（截图附后）'}，发布日期：{cn_date(filing.notice_published_on)}"
        rows.append(Row([("停更公告", notice)]))
    if filing.kind == FilingKind.MERGE:
        merged = "、".join(f"{a.name}（{a.get_platform_display()}）" for a in filing.merged_accounts.all())
        rows.append(Row([("整合注销账号", merged), ("保留账号", filing.account_name)]))
    if filing.kind == FilingKind.CLOSE:
        rows.append(
            Row(
                [
                    ("移动客户端下架", "已下架" if filing.app_delisted else "不适用/未下架"),
                    ("上级同意注销文号", filing.top_consent_ref or "—"),
                ]
            )
        )
    rows += [
        Row(
            [
                ("正式运营时间", cn_date(filing.operation_start) if filing.operation_start else ""),
                ("关注量/粉丝量", str(filing.followers)),
                ("运行状态", _check([(AccountStatus(s).label, s == status) for s in AccountStatus.values])),
            ]
        ),
        Row([("其他需要说明事项", filing.remarks)]),
    ]
    return rows


def approval_rows(filing: Filing) -> list[tuple[str, str]]:
    """Each level's opinion box: the latest round's decisions, with who and when."""
    steps = list(filing.steps.filter(round=filing.round).select_related("approver_unit", "decided_by"))
    result = []
    for step in steps:
        if step.status in {StepStatus.APPROVED, StepStatus.RETURNED, StepStatus.REJECTED}:
            label = step.get_status_display()
            comment = step.comment.strip().rstrip("。")
            opinion = f"{label}。" if comment in ("", label) else f"{label}。{comment}。"
            who = f"审批人：{step.decided_by}    {cn_date(step.decided_at)}"
        else:
            opinion, who = "", "    年  月  日"
        result.append((step.name, f"{opinion}\n{step.approver_unit.name}（盖公章）\n{who}"))
    return result


# Word -----------------------------------------------------------------------------------


def _font(run, name: str = BODY_FONT, size: float = 11, bold: bool = False) -> None:
    run.font.name = FALLBACK_FONT
    run.font.size = Pt(size)
    run.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), FALLBACK_FONT)
    fonts.set(qn("w:hAnsi"), FALLBACK_FONT)


def _write(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    lines = (text or "").split("\n")
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            paragraph = cell.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(line), bold=bold)


def _heading(document, text: str, size: float = 18) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), TITLE_FONT, size, bold=True)


COLUMNS = 6


def filing_docx(filing: Filing) -> bytes:
    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    _heading(document, title(filing))
    table = document.add_table(rows=0, cols=COLUMNS)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in form_rows(filing):
        cells = table.add_row().cells
        span = COLUMNS // len(row.cells)
        for i, (label, value) in enumerate(row.cells):
            start = i * span
            _write(cells[start], label, bold=True)
            value_cell = cells[start + 1]
            end = start + span - 1
            if end > start + 1:
                value_cell = value_cell.merge(cells[end])
            _write(value_cell, value)
    for name, box in approval_rows(filing):
        cells = table.add_row().cells
        _write(cells[0], f"{name}", bold=True)
        _write(cells[1].merge(cells[COLUMNS - 1]), box)
    cells = table.add_row().cells
    _write(cells[0], "承诺栏", bold=True)
    _write(
        cells[1].merge(cells[COLUMNS - 1]),
        f"{'☑' if filing.undertaking_accepted else '□'}{UNDERTAKING}\n\n主要负责人（签字）：                单位公章：\n"
        f"{' ' * 40}{cn_date(filing.submitted_at)}",
    )
    paragraph = document.add_paragraph()
    _font(
        paragraph.add_run(
            f"填报单位：{filing.owner.name}        填表时间：{cn_date(filing.submitted_at or filing.created_at)}"
        )
    )
    paragraph = document.add_paragraph()
    _font(
        paragraph.add_run("说明：每个新媒体账号填写一套备案表，一式两份，主办单位和主管单位各执一份。"),
        size=9,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_text(filing: Filing, stop_on: dt.date | None = None) -> tuple[str, str, str]:
    """(title, body, signature) of 004_…txt 附件3 with the account's name and dates."""
    stop_on = stop_on or filing.notice_published_on or timezone.localdate()
    action = "申请注销" if filing.kind in {FilingKind.CLOSE, FilingKind.MERGE} else "关停"
    heading = f"关于{'注销' if action == '申请注销' else '关停'}“{filing.account_name}”账号的停更公告"
    body = (
        f"根据政务新媒体规范化建设有关要求，我单位政务{filing.get_platform_display()}“{filing.account_name}”"
        f"决定于{cn_date(stop_on)}起停止更新并{action}。"
    )
    if filing.kind == FilingKind.MERGE:
        body += "今后相关信息将通过本单位其他政务新媒体账号发布。"
    body += "由此给您带来不便，敬请谅解。\n感谢您的一路相伴！"
    return heading, body, f"{filing.owner.name}\n{cn_date(stop_on)}"


def notice_docx(filing: Filing) -> bytes:
    heading, body, signature = notice_text(filing)
    document = Document()
    _heading(document, heading, 16)
    for line in body.split("\n"):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        _font(paragraph.add_run(line), size=16)
    for line in signature.split("\n"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(paragraph.add_run(line), size=16)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


GRID = 12  # the PDF table: every label spans 2 of 12 columns, values share the rest

# PDF ------------------------------------------------------------------------------------


def filing_html(filing: Filing) -> str:
    rows = []
    for row in form_rows(filing):
        rows.append([(label, value, GRID // len(row.cells) - 2) for label, value in row.cells])
    return render_to_string(
        "filings/form_pdf.html",
        {
            "filing": filing,
            "title": title(filing),
            "rows": rows,
            "grid": range(GRID),
            "approvals": approval_rows(filing),
            "undertaking": UNDERTAKING,
            "submitted": cn_date(filing.submitted_at or filing.created_at),
        },
    )


def filing_pdf(filing: Filing) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable("服务器未安装 PDF 组件（WeasyPrint），请先下载 Word 版本。") from exc
    return HTML(string=filing_html(filing)).write_pdf()
