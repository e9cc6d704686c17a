"""Reading and writing the registry's spreadsheets (.xlsx and .csv) with exact headers.

Only parsing and formatting live here; what the rows mean is decided in ``importing``.
Writing streams: rows come from any iterable (a generator over ``queryset.iterator()``),
workbooks are written with openpyxl's write-only mode into a temporary file and CSV is
sent in chunks, so an export of 100k accounts never holds them all in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
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
SPOOL_BYTES = 2 * 1024 * 1024  # a download bigger than this is built on disk, not in memory
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="B22222")
_CENTER = Alignment(horizontal="center")


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


def header_cells(sheet, headers: Iterable[object], **style) -> list[WriteOnlyCell]:
    """A header row for a write-only sheet: styled cells (write-only rows cannot be styled afterwards)."""
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        for name, value in style.items():
            setattr(cell, name, value)
        cells.append(cell)
    return cells


def save_xlsx(
    target: BinaryIO,
    title: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    choices: dict[str, list[str]] | None = None,
    notes: list[str] | None = None,
) -> None:
    """Write the sheet into ``target`` row by row (openpyxl write-only: memory stays flat however many rows).

    Widths, frozen header and drop-down validations are set before the first row, as write-only asks.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(header) * 2 + 4)
    for header, values in (choices or {}).items():
        column = get_column_letter(headers.index(header) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            error=f"{header}只能填写：{'、'.join(values)}",
        )
        validation.add(f"{column}2:{column}20000")
        sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, headers, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_CENTER))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        help_sheet.column_dimensions["A"].width = 100
        for line in notes:
            help_sheet.append([line])
    workbook.save(target)


def spooled_file() -> BinaryIO:
    """Where a download is built: in memory while small, on disk once it outgrows ``SPOOL_BYTES``."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, suffix=".xlsx")


def xlsx_file(
    title: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    choices: dict[str, list[str]] | None = None,
    notes: list[str] | None = None,
) -> BinaryIO:
    """The workbook as a temporary file, rewound, for ``FileResponse`` (which closes it)."""
    handle = spooled_file()
    try:
        save_xlsx(handle, title, headers, rows, choices, notes)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def write_xlsx(
    title: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    choices: dict[str, list[str]] | None = None,
    notes: list[str] | None = None,
) -> bytes:
    """The workbook as bytes (templates, tests); large exports use ``xlsx_file`` instead."""
    buffer = io.BytesIO()
    save_xlsx(buffer, title, headers, rows, choices, notes)
    return buffer.getvalue()


def csv_chunks(headers: list[str], rows: Iterable[Sequence[object]], batch: int = 500) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks, the byte order mark first (Excel needs it to read Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    pending = 1
    first = True
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        pending += 1
        if pending >= batch:
            yield (("\ufeff" if first else "") + buffer.getvalue()).encode("utf-8")
            first = False
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if first or pending:
        yield (("\ufeff" if first else "") + buffer.getvalue()).encode("utf-8")


def write_csv(headers: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    return b"".join(csv_chunks(headers, rows))


def xlsx_response(handle: BinaryIO, filename: str) -> FileResponse:
    """Send a workbook built by ``xlsx_file`` (or ``spooled_file``) as a download, streamed from the file."""
    response = DownloadResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(chunks: Iterable[bytes], filename: str) -> StreamingHttpResponse:
    """Send ``csv_chunks`` as they are made: the rows are read from the database while the file goes out."""
    response = StreamingDownloadResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _ContentOnDemand:
    """``response.content`` for callers that want the whole body at once (tests): reads the stream.

    Django's streaming responses refuse ``content``; production code never asks for it.
    """

    @property
    def content(self) -> bytes:
        return self.getvalue()


class DownloadResponse(_ContentOnDemand, FileResponse):
    pass


class StreamingDownloadResponse(_ContentOnDemand, StreamingHttpResponse):
    pass
