"""格式标点: document numbers (发文字号), unpaired quotes and brackets, half-width punctuation in
Chinese sentences, repeated punctuation.

Sources: GB/T 9704-2012《党政机关公文格式》7.2.4 (发文字号: 年份用六角括号〔〕, 序号不加“第”、
不编虚位); GB/T 15834-2011《标点符号用法》 (中文用全角标点, 引号、括号成对使用).
004_…txt §9.2.2 文字要素 (“标点符号使用正确”).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..entries import Entry
from ..hit import Hit
from .base import BaseChecker, Document

GB9704 = "GB/T 9704-2012《党政机关公文格式》7.2.4 发文字号"
GB15834 = "GB/T 15834-2011《标点符号用法》"

_YEAR_BRACKETS = (
    ("[", "]"),
    ("［", "］"),
    ("(", ")"),
    ("（", "）"),
    ("【", "】"),
    ("〔", "〕"),
    ("（", ")"),
    ("(", "）"),
)
_DOC_NO = re.compile(
    r"([\u4e00-\u9fff]{1,8}[发函字令电办规])\s*([\[［(（【〔])\s*((?:19|20)\d{2})\s*([\]］)）】〕])"
    r"\s*(第?)\s*0*(\d{1,5})\s*号"
)
#: characters that end the words before a document number (根据、按照、见 …) — never part of 机关代字
_PREFIX_STOPS = re.compile(r".*[据照见和及与的了是即为在按将对从于、，。；：“”《》（）]")
_REPEATED_MARKS = "，。、；：！？"
#: pairs of sentence marks, searched by the shared automaton (``repeated_punctuation_entries``)
REPEATED_PAIRS = tuple(
    a + b for a in _REPEATED_MARKS for b in _REPEATED_MARKS if a + b not in ("？！", "！？")
)
_HALF = re.compile(r"[,;:?!()]")
_HALF_ADVICE = {m: f"中文句子中使用全角标点：{f}" for m, f in zip(",;:?!()", "，；：？！（）", strict=True)}
_CLOSERS = frozenset("”）》")
_OPENERS = frozenset("“（《")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("‘", "’"))
_PAIR_OF = {ch: a + b for a, b in _PAIRS for ch in (a, b)}
#: an opening mark followed by the next opening mark or the end of the paragraph, not its closing mark
_UNCLOSED = re.compile("|".join(f"{a}[^{a}{b}\n]*(?=[{a}\n]|\\Z)" for a, b in _PAIRS))
_UNOPENED_REVERSED = {b: re.compile(f"{b}[^{a}{b}\n]*(?=[{b}\n]|\\Z)") for a, b in _PAIRS}


def format_entries() -> list[Entry]:
    """Terms for the shared automaton: doubled sentence marks, and a bracketed year (the
    trigger of the document-number check), so this checker needs no pass of its own for them."""
    entries = [
        Entry(term=t, category="format", rule="format.repeated_punctuation", kind="repeated")
        for t in REPEATED_PAIRS
    ]
    for year in range(1949, 2051):
        for a, b in _YEAR_BRACKETS:
            entries.append(
                Entry(term=f"{a}{year}{b}", category="format", rule="format.document_number", kind="year")
            )
    return entries


class FormatChecker(BaseChecker):
    name = "格式标点"
    category = "format"
    elements = ("wording",)

    def check(self, doc: Document) -> Iterable[Hit]:
        yield from self._document_numbers(doc)
        yield from self._repeated(doc)
        yield from self._half_width(doc)
        yield from self._unpaired(doc)

    def _hit(self, doc: Document, start: int, end: int, rule: str, suggestion: str, source: str,
             severity: str = "warning") -> Hit:  # fmt: skip
        return Hit(start, end, doc.text[start:end], "format", rule, severity, "wording", suggestion, source)

    def _document_numbers(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        for probe_start, probe_end, entries in doc.matches.get("format", ()):
            if entries[0].kind != "year":
                continue
            window_start = max(0, probe_start - 11)
            m = _DOC_NO.search(text, window_start, probe_end + 12)
            if not m or m.start(2) != probe_start:
                continue
            prefix, opening, year, closing, di, number = m.groups()
            stop = _PREFIX_STOPS.match(prefix)
            start = m.start() + (stop.end() if stop else 0)
            prefix = text[start : m.end(1)]
            if opening == "〔" and closing == "〕" and not di and text[m.start(6) - 1] != "0":
                continue
            yield self._hit(doc, start, m.end(), "format.document_number",
                            f"{prefix}〔{year}〕{number}号（年份用六角括号〔〕，序号不加“第”、不编虚位）",
                            GB9704, "error")  # fmt: skip

    def _repeated(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        last_end = -1
        for start, end, entries in doc.matches.get("format", ()):
            if start < last_end or entries[0].kind != "repeated":
                continue
            while end < len(text) and text[end] in _REPEATED_MARKS:
                end += 1
            last_end = end
            run = text[start:end]
            keep = run[-1] if run[-1] in "。！？" else run[0]
            yield self._hit(
                doc, start, end, "format.repeated_punctuation", f"标点重复，保留一个：{keep}", GB15834
            )

    def _half_width(self, doc: Document) -> list[Hit]:
        text = doc.text
        n = len(text)
        out = []
        for m in _HALF.finditer(text):
            i = m.start()
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < n else ""
            if (
                "\u4e00" <= before <= "\u9fff"
                or "\u4e00" <= after <= "\u9fff"
                or before in _CLOSERS
                or after in _OPENERS
            ):
                mark = text[i]
                if mark == ":" and after.isdigit() and before.isdigit():
                    continue
                out.append(Hit(i, i + 1, mark, "format", "format.half_width_punctuation", "warning", "wording",
                               _HALF_ADVICE[mark], GB15834))  # fmt: skip
        return out

    def _unpaired(self, doc: Document) -> Iterable[Hit]:
        """An opening mark not closed before the next opening mark or the end of the paragraph is
        unpaired. Every other opening mark closes a pair, so when a text has more closing marks
        than that, the extra ones are found the same way in the reversed text. (Same-type
        nesting is itself wrong in Chinese typography: “…‘…’…”, （…〔…〕…）.)"""
        text = doc.text
        unclosed = {a: 0 for a, _ in _PAIRS}
        for m in _UNCLOSED.finditer(text):
            unclosed[text[m.start()]] += 1
            yield self._unpaired_hit(doc, m.start())
        extra = [b for a, b in _PAIRS if text.count(b) > text.count(a) - unclosed[a]]
        if extra:
            n = len(text)
            reversed_text = text[::-1]
            for b in extra:
                for m in _UNOPENED_REVERSED[b].finditer(reversed_text):
                    yield self._unpaired_hit(doc, n - 1 - m.start())

    def _unpaired_hit(self, doc: Document, pos: int) -> Hit:
        pair = _PAIR_OF[doc.text[pos]]
        return self._hit(doc, pos, pos + 1, "format.unpaired",
                         f"{pair}不成对：请补全配对的标点，或删除此处多余的 {doc.text[pos]}", GB15834)  # fmt: skip
