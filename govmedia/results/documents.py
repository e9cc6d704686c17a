"""A bulletin as Word (GB/T 9704 公文 layout), PDF (WeasyPrint) and an .xlsx annex.

GB/T 9704-2012: A4, margins 37/35/28/26 mm, 发文机关标志 in red, 发文字号 with 〔〕, a red
separator, title in 二号方正小标宋, body in 三号仿宋 with 28.95 pt lines (22 lines a page),
一级标题 in 黑体, 二级 in 楷体, page numbers "— 1 —" in 四号. The 公文 fonts are not free:
the Word file names them (Word substitutes when missing) and the PDF, rendered here, falls
back to the Noto CJK fonts of Debian's fonts-noto-cjk. ``font_note`` says which were used.
"""

from __future__ import annotations

import functools
import io
import subprocess

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from govmedia.results.models import Bulletin

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
SERIF_FALLBACK = "Noto Serif CJK SC"
SANS_FALLBACK = "Noto Sans CJK SC"
RED = RGBColor(0xC0, 0x00, 0x00)
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4 = 22, 16, 14, 12  # 二号、三号、四号、小四 in points


class PdfUnavailable(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str]:
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def font_note() -> str:
    missing = [
        f for f in (TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT) if f not in installed_fonts()
    ]
    if not missing:
        return "公文字体齐全：按 GB/T 9704 使用方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312。"
    return (
        f"字体说明：本服务器未安装{'、'.join(missing)}（商用公文字体），PDF 以 {SERIF_FALLBACK}、"
        f"{SANS_FALLBACK} 代替排版；Word 文件仍指定公文字体，在安装了公文字体的计算机上打开即按规范显示。"
    )


# Word -----------------------------------------------------------------------------------


def _run(paragraph, text: str, font: str = BODY_FONT, size: float = SIZE_3, *, bold=False, color=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fallback = SANS_FALLBACK if font == HEADING_FONT else SERIF_FALLBACK
    run.font.name = fallback
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    return run


def _para(
    document,
    text: str = "",
    font: str = BODY_FONT,
    size: float = SIZE_3,
    *,
    align=None,
    indent=True,
    bold=False,
    color=None,
):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28.95)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent and align is None:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph) -> None:
    ppr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", "宋体", SIZE_4)
    run = _run(paragraph, "", "宋体", SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _run(paragraph, " —", "宋体", SIZE_4)


def _table(document, headers: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _run(cell.paragraphs[0], text, HEADING_FONT, SIZE_SMALL_4)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _run(cell.paragraphs[0], str(value), BODY_FONT, SIZE_SMALL_4)


def sections(bulletin: Bulletin) -> list[dict]:
    """The body as headed sections; shared by Word, PDF and the public page."""
    c = bulletin.content
    summary = (
        f"本次共检查政务新媒体账号{c['checked']}个，合格{c['passed']}个，不合格{c['failed']}个，"
        f"合格率{c['pass_rate_text']}。"
    )
    platforms = "；".join(f"{p['name']}{p['checked']}个、合格率{p['display']}" for p in c["by_platform"])
    result = [
        {"heading": "一、总体情况", "paragraphs": [summary, f"分平台看：{platforms}。" if platforms else ""]},
        {
            "heading": "二、单位排名",
            "paragraphs": ["单位得分为所辖账号平均分，最终得分=（单位得分÷同类单位最高得分）×100分。"],
            "tables": [
                {
                    "caption": g["label"],
                    "headers": ["排名", "单位", "账号数", "单位得分", "最终得分"],
                    "rows": [
                        [
                            r["rank"],
                            r["unit"],
                            r["accounts"],
                            f"{r['score']:.2f}",
                            "0（单项否决）" if r["vetoed"] else f"{r['final']:.2f}",
                        ]
                        for r in g["rows"]
                    ],
                }
                for g in c["groups"]
            ],
        },
        {
            "heading": "三、存在的问题",
            "paragraphs": [] if c["failed_accounts"] else ["本次检查未发现单项否决问题。"],
            "tables": [
                {
                    "caption": "不合格账号",
                    "headers": ["账号", "平台", "主办单位", "主要问题"],
                    "rows": [
                        [a["account"], a["platform"], a["unit"], "；".join(a["problems"])]
                        for a in c["failed_accounts"]
                    ],
                }
            ]
            if c["failed_accounts"]
            else [],
        },
    ]
    if c["overdue"]:
        result[-1]["paragraphs"].append(
            "以下单位未在期限内完成上期整改，予以通报："
            + "；".join(f"{o['unit']}（期限{o['deadline_text']}）" for o in c["overdue"])
            + "。"
        )
    praise = (
        f"{'、'.join(c['praised'])}等单位政务新媒体运维规范、内容优质，予以通报表扬。"
        if c["praised"]
        else "本期无通报表扬单位。"
    )
    result.append({"heading": "四、通报表扬", "paragraphs": [praise]})
    deadline = (
        f"请于{bulletin.deadline.year}年{bulletin.deadline.month}月{bulletin.deadline.day}日前完成整改。"
        if bulletin.deadline
        else ""
    )
    result.append({"heading": "五、整改要求", "paragraphs": [bulletin.demands + deadline]})
    for s in result:
        s["paragraphs"] = [p for p in s["paragraphs"] if p]
        s.setdefault("tables", [])
    return result


def signature_date(bulletin: Bulletin) -> str:
    from django.utils import timezone

    moment = bulletin.published_at or bulletin.approved_at or bulletin.created_at or timezone.now()
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_docx(bulletin: Bulletin) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)
    document.core_properties.title = bulletin.title
    document.core_properties.comments = font_note()
    _para(document, bulletin.issuer.name, TITLE_FONT, 30, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    _para(document)
    number = _para(document, bulletin.number, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(number)
    _para(document)
    _para(document, bulletin.title, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document)
    _para(document, "各有关单位：", indent=False)
    _para(document, bulletin.intro)
    for s in sections(bulletin):
        _para(document, s["heading"], HEADING_FONT)
        for text in s["paragraphs"]:
            _para(document, text)
        for t in s["tables"]:
            _para(document, f"（{t['caption']}）", SUBHEADING_FONT, SIZE_3, indent=False)
            _table(document, t["headers"], t["rows"])
    _para(document)
    _para(document, "附件：政务新媒体检查情况明细表", indent=True)
    _para(document)
    _para(document, bulletin.issuer.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(document, signature_date(bulletin), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# PDF ------------------------------------------------------------------------------------


def bulletin_html(bulletin: Bulletin) -> str:
    return render_to_string(
        "results/bulletin_pdf.html",
        {"b": bulletin, "sections": sections(bulletin), "signed": signature_date(bulletin)},
    )


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable("服务器未安装 PDF 组件（WeasyPrint），请先下载 Word 版本。") from exc
    return HTML(string=bulletin_html(bulletin)).write_pdf()


# Excel annex ----------------------------------------------------------------------------


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    c = bulletin.content
    book = Workbook()
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="B71C1C")

    def sheet(title: str, headers: list[str], rows: list[list], first: bool = False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill, cell.alignment = head_font, head_fill, Alignment(horizontal="center")
        for row in rows:
            ws.append(row)
        for i, _ in enumerate(headers):
            ws.column_dimensions[chr(65 + i)].width = 14 if i else 22

    sheet(
        "汇总",
        ["项目", "数值"],
        [
            ["通报", bulletin.title],
            ["文号", bulletin.number],
            ["检查期间", c["period_text"]],
            ["检查账号数", c["checked"]],
            ["合格", c["passed"]],
            ["不合格", c["failed"]],
            ["合格率", c["pass_rate"]],
        ],
        first=True,
    )
    sheet(
        "分平台",
        ["平台", "检查数", "不合格", "合格率"],
        [[p["name"], p["checked"], p["failed"], p["pass_rate"]] for p in c["by_platform"]],
    )
    sheet(
        "单位排名",
        ["考核类别", "排名", "单位", "账号数", "单位得分", "最终得分", "单项否决"],
        [
            [
                g["label"],
                r["rank"],
                r["unit"],
                r["accounts"],
                r["score"],
                r["final"],
                "是" if r["vetoed"] else "",
            ]
            for g in c["groups"]
            for r in g["rows"]
        ],
    )
    sheet(
        "不合格账号",
        ["账号", "平台", "主办单位", "得分", "问题"],
        [
            [a["account"], a["platform"], a["unit"], a["score"], "；".join(a.get("details") or a["problems"])]
            for a in c["failed_accounts"]
        ],
    )
    sheet("逾期未整改", ["单位", "整改期限"], [[o["unit"], o["deadline"]] for o in c["overdue"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
