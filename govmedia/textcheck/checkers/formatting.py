"""格式标点: document numbers (发文字号), unpaired quotes and brackets, half-width punctuation in
Chinese sentences, repeated punctuation.

Sources: GB/T 9704-2012《党政机关公文格式》7.2.4 (发文字号: 年份用六角括号〔〕, 序号不加“第”、
不编虚位); GB/T 15834-2011《标点符号用法》 (中文用全角标点, 引号、括号成对使用).
004_…txt §9.2.2 文字要素 (“标点符号使用正确”).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..hit import Hit
from .base import BaseChecker, Document

GB9704 = "GB/T 9704-2012《党政机关公文格式》7.2.4 发文字号"
GB15834 = "GB/T 15834-2011《标点符号用法》"

_DOC_NO_BRACKETS = re.compile(r"[\[［(（【〔]\s*(?:19|20)\d{2}\s*[\]］)）】〕]")
_DOC_NO = re.compile(
    r"([\u4e00-\u9fff]{1,10}?[发函字令电办规])\s*([\[［(（【〔])\s*((?:19|20)\d{2})\s*([\]］)）】〕])"
    r"\s*(第?)\s*0*(\d{1,5})\s*号"
)
_REPEATED = re.compile(r"[，。、；：！？]{2,}")
_HALF = re.compile(r"[,;:?!()]")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("‘", "’"))


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


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
        for probe in _DOC_NO_BRACKETS.finditer(text):
            window_start = max(0, probe.start() - 11)
            m = _DOC_NO.search(text, window_start, probe.end() + 12)
            if not m or m.start(2) != probe.start():
                continue
            prefix, opening, year, closing, di, number = m.groups()
            if opening == "〔" and closing == "〕" and not di and text[m.start(6) - 1] != "0":
                continue
            yield self._hit(doc, m.start(), m.end(), "format.document_number",
                            f"{prefix}〔{year}〕{number}号（年份用六角括号〔〕，序号不加“第”、不编虚位）",
                            GB9704, "error")  # fmt: skip

    def _repeated(self, doc: Document) -> Iterable[Hit]:
        for m in _REPEATED.finditer(doc.text):
            run = m.group()
            if set(run) <= {"！", "？"} and len(run) == 2 and run[0] != run[1]:
                continue  # ？！ is allowed (GB/T 15834 4.3.3)
            yield self._hit(doc, m.start(), m.end(), "format.repeated_punctuation",
                            f"标点重复，保留一个：{run[-1] if run[-1] in '。！？' else run[0]}", GB15834)  # fmt: skip

    def _half_width(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        full = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
        n = len(text)
        for m in _HALF.finditer(text):
            i = m.start()
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < n else ""
            if _is_cjk(before) or _is_cjk(after) or before in "”）》" or after in "“（《":
                if text[i] == ":" and after.isdigit() and before.isdigit():
                    continue
                yield self._hit(doc, i, i + 1, "format.half_width_punctuation",
                                f"中文句子中使用全角标点：{full[text[i]]}", GB15834)  # fmt: skip

    def _unpaired(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        if not any(a in text or b in text for a, b in _PAIRS):
            return
        offset = 0
        for para in text.split("\n"):
            for opening, closing in _PAIRS:
                if opening not in para and closing not in para:
                    continue
                if para.count(opening) == para.count(closing) and para.find(opening) < para.find(closing):
                    if para.rfind(opening) < para.rfind(closing):
                        continue
                stack: list[int] = []
                for m in re.finditer(f"[{opening}{closing}]", para):
                    if m.group() == opening:
                        stack.append(m.start())
                    elif stack:
                        stack.pop()
                    else:
                        yield self._unpaired_hit(doc, offset + m.start(), opening, closing)
                for j in stack:
                    yield self._unpaired_hit(doc, offset + j, opening, closing)
            offset += len(para) + 1

    def _unpaired_hit(self, doc: Document, pos: int, opening: str, closing: str) -> Hit:
        return self._hit(doc, pos, pos + 1, "format.unpaired",
                         f"{opening}{closing}不成对，请补全或删除多余的“{doc.text[pos]}”", GB15834)  # fmt: skip
