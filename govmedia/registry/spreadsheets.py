"""Reading and writing the registry's spreadsheets (.xlsx and .csv) with exact headers.

Only parsing and formatting live here; what the rows mean is decided in ``importing``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

UNIT_HEADERS = ["单位名称", "上级单位", "单位类型", "行政区划", "考核类别", "联系人", "联系电话"]
ACCOUNT_HEADERS = [
    "账号名称",
    "平台",
    "账号ID",
    "主办单位",
    "运维单位",
    "开通日期",
    "状态",
    "内容类型",
    "互动功能",
    "负责人",
    "负责人手机",
    "粉丝数",
    "主页链接",
]
_FORMULA_START = ("=", "@", "\t", "\r")
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx that inflates beyond this is a zip bomb, not a registry


class SheetError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, wrong headers, too big)."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (row number as the user sees it, header → value)


def looks_like_formula(value: str) -> bool:
    """Cells that a spreadsheet program would run as a formula (CSV/formula injection)."""
    if not value:
        return False
    if value.startswith(_FORMULA_START):
        return True
    return value[0] in "+-" and len(value) > 1 and not value[1:].replace(" ", "").isdigit()


def _clean(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("CSV 文件编码无法识别，请另存为 UTF-8 编码")


def _raw_rows(data: bytes, filename: str) -> list[list[object]]:
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            return [list(row) for row in csv.reader(io.StringIO(_decode(data)))]
        except csv.Error as exc:
            raise SheetError(
                f"CSV 文件格式错误：{exc}（文件可能含有空字符，请用 Excel 另存为 CSV UTF-8）"
            ) from None
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise SheetError("文件不是有效的 .xlsx 表格，请用 Excel 或 WPS 另存为 .xlsx 后重试")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SheetError("文件解压后过大，已拒绝（疑似压缩炸弹）")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise SheetError(f"无法读取 .xlsx 文件：{exc.__class__.__name__}") from None
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    raise SheetError("只支持 .xlsx 和 .csv 文件")


def read_sheet(data: bytes, filename: str, expected: list[str]) -> Sheet:
    rows = _raw_rows(data, filename)
    while rows and all(_clean(v) == "" for v in rows[0]):
        rows.pop(0)
    if not rows:
        raise SheetError("文件是空的")
    headers = [str(_clean(h)) for h in rows[0]]
    missing = [h for h in expected if h not in headers]
    if missing:
        raise SheetError(
            f"表头缺少：{'、'.join(missing)}。第一行应为：{'、'.join(expected)}（可下载模板对照）"
        )
    index = {h: headers.index(h) for h in expected}
    parsed = []
    for number, raw in enumerate(rows[1:], start=2):
        values = {h: _clean(raw[i]) if i < len(raw) else "" for h, i in index.items()}
        if all(v == "" for v in values.values()):
            continue
        parsed.append((number, values))
    return Sheet(headers=headers, rows=parsed)


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula when we export it."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot live in .xlsx
        return "'" + value if looks_like_formula(value) else value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def write_xlsx(
    title: str,
    headers: list[str],
    rows: list[list[object]],
    choices: dict[str, list[str]] | None = None,
    notes: list[str] | None = None,
) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
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
    for header, values in (choices or {}).items():
        column = sheet.cell(1, headers.index(header) + 1).column_letter
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            error=f"{header}只能填写：{'、'.join(values)}",
        )
        validation.add(f"{column}2:{column}20000")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for line in notes:
            help_sheet.append([line])
        help_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
