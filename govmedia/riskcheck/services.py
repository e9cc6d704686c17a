"""Risk checks with a region's own dictionary rows on top of the national ones."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from govmedia.registry.models import Region
from govmedia.riskcheck.models import CheckTerm, TermKind
from govmedia.textcheck import CATEGORIES, ELEMENTS, SEVERITIES, Checker, Hit

_lock = threading.Lock()
_checkers: dict[tuple, Checker] = {}


def _region_ids(region: Region | None) -> list[int]:
    if region is None:
        return []
    return [int(part) for part in region.path.strip("/").split("/") if part]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _sources(terms: list[CheckTerm]) -> dict:
    by_kind: dict[str, list] = {kind: [] for kind in TermKind.values}
    for t in terms:
        if t.kind == TermKind.LEADER:
            row = {
                "name": t.term,
                "office": t.office,
                "from": _iso(t.valid_from),
                "until": _iso(t.valid_until),
            }
        elif t.kind == TermKind.ALLOW:
            row = t.term
        else:
            row = {"term": t.term, "valid_from": _iso(t.valid_from), "valid_until": _iso(t.valid_until)}
            if t.suggestion:
                row["suggestion"] = t.suggestion
            if t.source:
                row["source"] = t.source
        by_kind[t.kind].append(row)
    return {
        "leaders": by_kind[TermKind.LEADER],
        "banned": by_kind[TermKind.BANNED],
        "allow": by_kind[TermKind.ALLOW],
        "institutions": by_kind[TermKind.INSTITUTION],
        "expressions": by_kind[TermKind.EXPRESSION],
        "typos": by_kind[TermKind.TYPO],
    }


def checker_for(region: Region | None) -> Checker:
    """The checker for texts of a region: national data plus the rows of the region and those above it.

    Compiled once per version of the region's rows (count and last change), then cached.
    """
    terms = CheckTerm.objects.filter(region_id__in=_region_ids(region))
    version = terms.aggregate(n=Count("id"), last=Max("updated_at"))
    if not version["n"]:
        return Checker.default()
    key = (tuple(_region_ids(region)), version["n"], version["last"])
    with _lock:
        cached = _checkers.get(key)
    if cached is None:
        cached = Checker.from_sources(**_sources(list(terms)), source="本地区词库（系统管理 › 本地词库）")
        with _lock:
            _checkers.clear() if len(_checkers) > 64 else None
            _checkers[key] = cached
    return cached


MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UploadRefused(ValueError):
    """An uploaded file we will not read, with the reason in Chinese."""


def text_of_upload(name: str, data: bytes, size: int) -> str:
    """The text of an uploaded .txt or .docx file, checked by content, not only by name."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused("文件超过 5 MB")
    lowered = name.lower()
    if lowered.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise UploadRefused("文本文件编码无法识别，请另存为 UTF-8")
    if lowered.endswith(".docx"):
        return _docx_text(data)
    raise UploadRefused("只支持 .txt 和 .docx 文件")


def _docx_text(data: bytes) -> str:
    import io
    import zipfile

    import docx

    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise UploadRefused("文件不是有效的 .docx 文档")
    try:
        with zipfile.ZipFile(buffer) as archive:
            if "word/document.xml" not in archive.namelist():
                raise UploadRefused("文件不是有效的 .docx 文档")
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_UPLOAD_BYTES:
                raise UploadRefused("文档解压后过大，已拒绝")
        document = docx.Document(io.BytesIO(data))
    except UploadRefused:
        raise
    except Exception:  # python-docx raises many kinds for a broken document
        raise UploadRefused("无法读取该 .docx 文档，请用 Word 或 WPS 另存后重试") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs)


@dataclass(frozen=True)
class Segment:
    text: str
    hit: Hit | None = None


def segments(text: str, hits: list[Hit]) -> list[Segment]:
    """The text cut into plain and marked pieces; an overlapping hit marks only its first part."""
    pieces, cursor = [], 0
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if hit.start < cursor:
            continue
        if hit.start > cursor:
            pieces.append(Segment(text[cursor : hit.start]))
        pieces.append(Segment(text[hit.start : hit.end], hit))
        cursor = hit.end
    if cursor < len(text):
        pieces.append(Segment(text[cursor:]))
    return pieces


def describe(hit: Hit) -> dict:
    return {
        **hit.to_dict(),
        "category_label": CATEGORIES.get(hit.category, hit.category),
        "severity_label": SEVERITIES.get(hit.severity, hit.severity),
        "element_label": ELEMENTS.get(hit.element, hit.element),
    }
