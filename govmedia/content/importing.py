"""Posts and messages from spreadsheets, the same rules as the upload page.

Posts stream: a 1,000,000-row CSV is read row by row and written in batches inside one
transaction, so memory stays flat and a file with any bad row writes nothing.
Messages are small files and go through the registry's row machinery (``_Row``).
Accounts are matched by 平台 + 账号ID; rows have no platform id, so posts and messages are
keyed by a stable hash of time and text: importing the same file again changes nothing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import hashlib
import io
import operator
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from govmedia.content.connectors.base import MessageData, PostData
from govmedia.content.models import MessageKind, Source
from govmedia.content.risk import CheckProcess
from govmedia.content.services import (
    IngestSummary,
    PostBatchPlan,
    ingest_message_batch,
    local_minute,
    plan_post_batch,
    stable_post_id,
    write_post_batch,
)
from govmedia.core.params import is_id
from govmedia.registry.importing import PLATFORMS, ImportFailed, ImportReport, RowError, _load, _Row
from govmedia.registry.models import MediaAccount
from govmedia.registry.spreadsheets import SheetError, looks_like_formula

POST_HEADERS = [
    "账号ID",
    "平台",
    "发布时间",
    "标题",
    "正文",
    "链接",
    "原创",
    "来源",
    "阅读数",
    "点赞数",
    "转发数",
    "评论数",
    "在看数",
]
MESSAGE_HEADERS = ["账号ID", "平台", "留言时间", "留言类型", "留言内容", "回复时间", "回复内容"]
COUNT_COLUMNS = {
    "阅读数": "reads",
    "点赞数": "likes",
    "转发数": "shares",
    "评论数": "comments",
    "在看数": "zaikan",
}
MESSAGE_KINDS = {
    "咨询": MessageKind.CONSULTATION,
    "建议": MessageKind.SUGGESTION,
    "投诉": MessageKind.COMPLAINT,
    "评论": MessageKind.COMMENT,
    "私信": MessageKind.PRIVATE,
}
YES_NO = {"是": True, "否": False}
MAX_LISTED_ERRORS = 200
BATCH_SIZE = 2000
_URL = re.compile(r"^https?://\S+$", re.I)
_WECHAT = ("wechat_subscription", "wechat_service")


@functools.cache
def _tz():
    return ZoneInfo(settings.TIME_ZONE)


class AccountIndex:
    """(平台, 账号ID) → account id, loaded once; "微信公众号" matches a service or subscription account."""

    def __init__(self):
        self.ids = {
            (p, uid): pk
            for pk, p, uid in MediaAccount.objects.exclude(platform_uid="").values_list(
                "pk", "platform", "platform_uid"
            )
        }
        self.codes = {code for code, _ in self.ids}

    def platform(self, label: str) -> str | None:
        if label in PLATFORMS:
            return PLATFORMS[label]
        return label if label in self.codes else None

    def find(self, label: str, uid: str) -> int | None:
        code = self.platform(label)
        if code is None:
            return None
        if label == "微信公众号":
            return next((self.ids[(c, uid)] for c in _WECHAT if (c, uid) in self.ids), None)
        return self.ids.get((code, uid))


_FAST = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})")


def parse_datetime(value) -> dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` (seconds allowed, ``/`` accepted) or an Excel date cell, in local time."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=_tz())
    text = str(value).strip().replace("/", "-")
    match = _FAST.fullmatch(text)
    if match:
        try:
            return dt.datetime(*map(int, match.groups()), tzinfo=_tz())
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=_tz())
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- reading rows, streaming


def _open_csv(path: Path) -> io.TextIOWrapper:
    with path.open("rb") as probe:
        head = probe.read(1 << 20)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the probe's end
            encoding = "gb18030"
    return path.open(encoding=encoding, newline="")


def iter_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(row number as the user sees it, cells), without loading the file."""
    name = path.name.lower()
    if name.endswith(".csv"):
        with _open_csv(path) as handle:
            try:
                for number, row in enumerate(csv.reader(handle), start=1):
                    yield number, row
            except UnicodeDecodeError:
                raise SheetError("CSV 文件编码无法识别，请另存为 UTF-8 编码") from None
            except csv.Error as exc:
                raise SheetError(f"CSV 文件格式错误：{exc}") from None
        return
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(path):
            raise SheetError("文件不是有效的 .xlsx 表格，请用 Excel 或 WPS 另存为 .xlsx 后重试")
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise SheetError(f"无法读取 .xlsx 文件：{exc.__class__.__name__}") from None
        try:
            for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
                yield number, ["" if v is None else v for v in row]
        finally:
            workbook.close()
        return
    raise SheetError("只支持 .xlsx 和 .csv 文件")


def _header_index(rows: Iterator[tuple[int, list]], expected: list[str]) -> dict[str, int]:
    for _number, raw in rows:
        headers = [str(h).strip().lstrip("\ufeff") for h in raw]
        if not any(headers):
            continue
        missing = [h for h in expected if h not in headers]
        if missing:
            raise SheetError(f"表头缺少：{'、'.join(missing)}。第一行应为：{'、'.join(expected)}")
        return {h: headers.index(h) for h in expected}
    raise SheetError("文件是空的")


# ---------------------------------------------------------------- posts


_FORMULA_FIRST = frozenset("=@\t\r+-")  # a cell starting so goes the careful way (looks_like_formula)
_TIMES_CACHED = 20000


class _PostRowParser:
    def __init__(self, accounts: AccountIndex, report: ImportReport):
        self.accounts, self.report = accounts, report
        self.error_count = 0
        self.latest = timezone.now() + dt.timedelta(days=1)
        self.account_ids: dict[tuple[str, str], int] = {}  # (平台, 账号ID) as written → account id
        self.times: dict[str, tuple[dt.datetime, str]] = {}  # time cell → (time, local minute)

    def fast(self, cells) -> tuple[int, PostData] | None:
        """The common row (all text, all valid) in a few steps; None sends it to ``parse``, which
        decides (the same way as before) and names every error. Same result as ``parse`` when not None."""
        uid, platform, published, title, body, url, original, source, *counts = cells
        try:
            uid, platform, title, body = uid.strip(), platform.strip(), title.strip(), body.strip()
            url, original, source = url.strip(), original.strip(), source.strip()
        except AttributeError:  # a number or date from .xlsx
            return None
        if not uid or not platform or len(uid) > 100 or len(title) > 300:
            return None
        first = _FORMULA_FIRST
        if (
            uid[0] in first
            or platform[0] in first
            or (title and title[0] in first)
            or (body and body[0] in first)
        ):
            return None
        if not title and not body:
            return None
        if url and (len(url) > 1000 or not _URL.match(url)):  # a URL never starts like a formula
            return None
        if original and original not in YES_NO:
            return None
        if source and (len(source) > 200 or source[0] in first):
            return None
        account_id = self.account_ids.get((platform, uid))
        if account_id is None:
            if len(platform) > 20 or self.accounts.platform(platform) is None:
                return None
            account_id = self.accounts.find(platform, uid)
            if account_id is None:
                return None
            self.account_ids[(platform, uid)] = account_id
        when = self.times.get(published)
        if when is None:
            if published.__class__ is not str or not published:
                return None
            moment = parse_datetime(published)
            if moment is None or moment > self.latest:
                return None
            if len(self.times) >= _TIMES_CACHED:
                self.times.clear()
            when = self.times[published] = (moment, local_minute(moment))
        numbers = []
        for value in counts:
            if value == "":
                numbers.append(None)
            elif value.__class__ is str and len(value) <= 18 and value.isdigit() and value.isascii():
                numbers.append(int(value))
            else:
                return None
        moment, minute = when
        reads, likes, shares, comments, zaikan = numbers
        return account_id, PostData(
            platform_post_id=stable_post_id(moment, title, body, minute=minute),
            published_at=moment,
            title=title,
            body=body,
            url=url,
            is_original=YES_NO.get(original, True),
            repost_source=source,
            reads=reads,
            likes=likes,
            shares=shares,
            comments=comments,
            zaikan=zaikan,
        )

    def error(self, number: int, column: str, value, reason: str) -> None:
        self.error_count += 1
        if len(self.report.errors) < MAX_LISTED_ERRORS:
            self.report.errors.append(RowError(number, column, str(value)[:60], reason))

    def text(self, number, cells, column, max_length=None) -> tuple[str, bool]:
        value = cells[column]
        value = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
        if value and looks_like_formula(value):
            self.error(number, column, value, "单元格内容以“=”“+”“-”“@”等开头，疑似公式，已拒绝")
            return "", False
        if max_length and len(value) > max_length:
            self.error(number, column, value, f"内容过长（{len(value)} 字），最多 {max_length} 字")
            return "", False
        return value, True

    def parse(self, number: int, cells: dict) -> tuple[int, PostData] | None:
        ok = True
        uid, good = self.text(number, cells, "账号ID", 100)
        ok &= good
        platform, good = self.text(number, cells, "平台", 20)
        ok &= good
        account_id = None
        if not uid or not platform:
            self.error(number, "账号ID" if not uid else "平台", "", "必填，不能为空")
            ok = False
        elif self.accounts.platform(platform) is None:
            self.error(number, "平台", platform, "不是有效的平台名称，如：微信订阅号、微博、抖音")
            ok = False
        else:
            account_id = self.accounts.find(platform, uid)
            if account_id is None:
                self.error(number, "账号ID", uid, f"找不到{platform}账号“{uid}”，请先在账号矩阵中登记")
                ok = False
        published = parse_datetime(cells["发布时间"]) if cells["发布时间"] != "" else None
        if published is None:
            self.error(
                number, "发布时间", cells["发布时间"], "格式应为 YYYY-MM-DD HH:MM，如 2026-03-01 09:30"
            )
            ok = False
        elif published > self.latest:
            self.error(number, "发布时间", cells["发布时间"], "发布时间不能晚于今天")
            ok = False
        title, good = self.text(number, cells, "标题", 300)
        ok &= good
        body, good = self.text(number, cells, "正文")
        ok &= good
        if ok and not title and not body:
            self.error(number, "标题", "", "标题和正文不能都为空")
            ok = False
        url, good = self.text(number, cells, "链接", 1000)
        ok &= good
        if url and not _URL.match(url):
            self.error(number, "链接", url, "链接应以 http:// 或 https:// 开头")
            ok = False
        original, good = self.text(number, cells, "原创", 2)
        ok &= good
        if original and original not in YES_NO:
            self.error(number, "原创", original, "应填写“是”或“否”")
            ok = False
        source, good = self.text(number, cells, "来源", 200)
        ok &= good
        counts = {}
        for column, name in COUNT_COLUMNS.items():
            value = cells[column]
            if value == "" or value is None:
                counts[name] = None
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                counts[name] = value
            else:
                text = str(value).strip().replace(",", "")
                if text.endswith(".0"):
                    text = text[:-2]
                if not is_id(text):
                    self.error(number, column, value, "应为不小于 0 的整数，或留空")
                    ok = False
                else:
                    counts[name] = int(text)
        if not ok:
            return None
        post = PostData(
            platform_post_id=stable_post_id(published, title, body),
            published_at=published,
            title=title,
            body=body,
            url=url,
            is_original=YES_NO.get(original, True),
            repost_source=source,
            **counts,
        )
        return account_id, post


def _post_rows(path: Path, parser: _PostRowParser) -> Iterator[tuple[int, PostData] | None]:
    rows = iter_rows(path)
    index = _header_index(rows, POST_HEADERS)
    width = max(index.values()) + 1
    in_order = [index[h] for h in POST_HEADERS] == list(range(len(POST_HEADERS)))
    pick = operator.itemgetter(*(index[h] for h in POST_HEADERS))
    fast, parse = parser.fast, parser.parse
    for number, raw in rows:
        if not any(raw) and not any(v not in ("", None) for v in raw):
            continue
        if len(raw) < width:
            raw = list(raw) + [""] * (width - len(raw))
        cells = raw if in_order and len(raw) == width else pick(raw)
        pair = fast(cells)
        yield pair if pair is not None else parse(number, dict(zip(POST_HEADERS, cells, strict=False)))


def _post_batches(path: Path, parser: _PostRowParser, batch_size: int) -> Iterator[list]:
    """Batches of good rows; after the first bad row none, but reading goes on to list all errors."""
    batch = []
    for pair in _post_rows(path, parser):
        if pair is None or parser.error_count:
            batch = []
            continue
        batch.append(pair)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch and not parser.error_count:
        yield batch


PARALLEL_CHECK_MIN_BYTES = 4 << 20  # ≈ 17,000 rows: below that, forking costs more than it saves


@contextlib.contextmanager
def _bulk_session():
    """SQLite: a bigger page cache for the import's connection (bounded: memory stays flat;
    durability unchanged). Restored afterwards, since connections may be reused."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")


SQLITE_CACHE_KIB = 128 * 1024  # 128 MiB: holds most index pages a million-row import touches


def import_posts(
    path: str | Path,
    *,
    check: bool = True,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    progress=None,
    parallel: bool | None = None,
) -> ImportReport:
    """One streaming pass inside one transaction: rows are written in batches as they are read,
    and any bad row (all of them are still listed) rolls the whole file back. A process killed
    half-way leaves nothing behind; running it again gives the same rows as an uninterrupted run.

    Batches are pipelined: batch N+1 is read and compared with the stored posts, its texts go
    to the risk check, then batch N is written. With ``parallel`` (default: files from 4 MB) a
    forked process does those checks meanwhile (``risk.CheckProcess``; it only computes, all
    writes stay here, in the one transaction); the hits are the same as checking here.
    """
    path = Path(path)
    report = ImportReport(kind="posts", dry_run=dry_run)
    parser = _PostRowParser(AccountIndex(), report)
    summary, done = IngestSummary(), 0
    if parallel is None:
        parallel = check and path.is_file() and path.stat().st_size >= PARALLEL_CHECK_MIN_BYTES
    try:
        with _bulk_session(), transaction.atomic(), CheckProcess(parallel=check and parallel) as checks:
            pending: tuple[PostBatchPlan, int] | None = None  # planned; its texts are being checked

            def write(hits) -> None:
                nonlocal pending, done
                (plan, rows), pending = pending, None
                summary.add(write_post_batch(plan, hits))
                done += rows
                if progress:
                    progress(done)

            for batch in _post_batches(path, parser, batch_size):
                if pending is not None and not pending[0].keys.isdisjoint(
                    (a, p.platform_post_id) for a, p in batch
                ):
                    write(checks.collect())  # a post in both batches: the later one must see it stored
                plan = plan_post_batch(batch, source=Source.IMPORT, check=check)
                hits = checks.collect() if pending is not None else None
                checks.submit(plan.texts())  # checked (there) while the previous batch is written (here)
                if pending is not None:
                    write(hits)
                pending = (plan, len(batch))
            if pending is not None and not parser.error_count:
                write(checks.collect())
            if parser.error_count or dry_run:
                transaction.set_rollback(True)
    except SheetError as exc:
        report.errors.append(RowError(1, "表头" if "表头" in str(exc) else "文件", "", str(exc)))
        raise ImportFailed(report) from None
    if parser.error_count:
        if parser.error_count > len(report.errors):
            report.warnings.append(
                RowError(0, "", "", f"共 {parser.error_count} 处错误，仅列出前 {MAX_LISTED_ERRORS} 处")
            )
        raise ImportFailed(report)
    report.created, report.updated, report.unchanged = summary.created, summary.updated, summary.unchanged
    return report


# ---------------------------------------------------------------- messages


def _message_id(account_id: int, received: dt.datetime, text: str) -> str:
    minute = timezone.localtime(received).strftime("%Y-%m-%d %H:%M")
    return "h:" + hashlib.sha256(f"{account_id}\n{minute}\n{text.strip()}".encode()).hexdigest()[:40]


def import_messages(data: bytes, filename: str, *, dry_run: bool = False) -> ImportReport:
    """All or nothing, every error listed with its row (the registry's ``_Row`` rules)."""
    sheet, report = _load(data, filename, MESSAGE_HEADERS, "messages")
    report.dry_run = dry_run
    accounts = AccountIndex()
    pairs = []
    for number, values in sheet.rows:
        row = _Row(number, values, report)
        uid = row.text("账号ID", required=True)
        platform = row.text("平台", required=True, max_length=20)
        account_id = None
        if uid and platform:
            if accounts.platform(platform) is None:
                row.error("平台", "不是有效的平台名称，如：微信订阅号、微博、抖音")
            else:
                account_id = accounts.find(platform, uid)
                if account_id is None:
                    row.error("账号ID", f"找不到{platform}账号“{uid}”，请先在账号矩阵中登记")
        received = _row_datetime(row, "留言时间", required=True)
        kind = row.choice("留言类型", MESSAGE_KINDS)
        text = row.text("留言内容", required=True, max_length=5000)
        replied_at = _row_datetime(row, "回复时间")
        reply = row.text("回复内容", max_length=5000)
        if reply and replied_at is None and not row.failed:
            row.error("回复时间", "填写了回复内容，也要填写回复时间")
        if replied_at and not reply:
            row.error("回复内容", "填写了回复时间，也要填写回复内容")
        if received and replied_at and replied_at < received:
            row.error("回复时间", "回复时间不能早于留言时间")
        if row.failed:
            continue
        pairs.append(
            (
                account_id,
                MessageData(
                    platform_message_id=_message_id(account_id, received, text),
                    received_at=received,
                    text=text,
                    kind=kind,
                    reply_text=reply,
                    replied_at=replied_at,
                ),
            )
        )
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        raise ImportFailed(report)
    with transaction.atomic():
        summary = IngestSummary()
        for start in range(0, len(pairs), BATCH_SIZE):
            summary.add(ingest_message_batch(pairs[start : start + BATCH_SIZE], source=Source.IMPORT))
        report.created, report.updated = summary.messages_created, summary.messages_updated
        report.unchanged = len(pairs) - summary.messages_created - summary.messages_updated
        if dry_run:
            transaction.set_rollback(True)
    return report


def _row_datetime(row: _Row, column: str, *, required: bool = False) -> dt.datetime | None:
    value = row.values.get(column, "")
    if value == "" or value is None:
        if required:
            row.error(column, "必填，不能为空")
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        row.error(column, "格式应为 YYYY-MM-DD HH:MM，如 2026-03-01 09:30")
    elif parsed > timezone.now() + dt.timedelta(days=1):
        row.error(column, "时间不能晚于今天")
        return None
    return parsed
