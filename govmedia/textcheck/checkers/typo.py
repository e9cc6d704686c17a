"""错别字: curated pairs (``data/typos.tsv``: 《咬文嚼字》 lists and common 公文 errors) and a
statistical detector for unseen misspellings of set phrases (``confusion.phrase_variants``).

004_…txt §9.2.2 文字要素: “文字使用规范、语言通畅、无错别字”. Curated pairs are errors; the
statistical candidates are warnings, and are dropped when the replaced character at the edge
of the candidate forms a word with its neighbour outside it (then the text may be fine).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..confusion import word_freq
from ..hit import Hit
from .base import DictionaryChecker, Document

STATISTICAL_SOURCE = "统计检测：同音/形近字替换后的常用成语、固定搭配（词频数据：pycorrector，Apache-2.0）"


class TypoChecker(DictionaryChecker):
    name = "错别字"
    category = "typo"
    elements = ("wording",)

    def check(self, doc: Document) -> Iterable[Hit]:
        yield from super().check(doc)
        if not doc.variants:
            return
        variants = self.sources.variants
        words = word_freq()
        text = doc.text
        for start, end, variant in doc.variants:
            right = variants[variant]
            if _edge_forms_word(text, start, end, variant, right, words):
                continue
            yield Hit(
                start=start,
                end=end,
                text=variant,
                category="typo",
                rule="typo.statistical",
                severity="warning",
                element="wording",
                suggestion=right,
                source=STATISTICAL_SOURCE,
            )


def _edge_forms_word(text: str, start: int, end: int, variant: str, right: str, words: dict) -> bool:
    """The replaced character is at the edge and makes a word with the text outside the candidate."""
    left_edge = variant[0] != right[0] and start > 0
    if left_edge and (text[start - 1 : start + 1] in words or text[max(0, start - 2) : start + 1] in words):
        return True
    right_edge = variant[-1] != right[-1] and end < len(text)
    return right_edge and (text[end - 1 : end + 1] in words or text[end - 1 : end + 2] in words)
