"""Text similarity for the answer bank: character n-grams scored with BM25, no external service.

Chinese has no spaces; overlapping character bigrams (plus single characters for short
questions) are a robust stand-in for word segmentation on short consultations.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_KEEP = re.compile(r"[\u4e00-\u9fff]+|[a-zA-Z]+|\d+")
# Words that appear in almost every consultation and carry no topic.
STOP = set("的了吗呢吧啊请问您好你好我们我想要是在和与或及就都也还这那有没么什怎如何哪里可以能否一下谢谢")
STOP_BIGRAMS = {
    "请问",
    "您好",
    "你好",
    "谢谢",
    "我想",
    "想问",
    "怎么",
    "什么",
    "可以",
    "是否",
    "如何",
    "一下",
}


def tokens(text: str) -> list[str]:
    result: list[str] = []
    for run in _KEEP.findall(text.lower()):
        if not ("\u4e00" <= run[0] <= "\u9fff"):
            result.append(run)
            continue
        result.extend(ch for ch in run if ch not in STOP)
        result.extend(b for b in (run[i : i + 2] for i in range(len(run) - 1)) if b not in STOP_BIGRAMS)
    return result


class BM25:
    """Okapi BM25 over a small corpus (a region's answer bank: hundreds, not millions)."""

    def __init__(self, documents: Sequence[str], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.docs = [Counter(tokens(d)) for d in documents]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = (sum(self.lengths) / len(self.docs)) if self.docs else 0.0
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: str) -> list[float]:
        terms = Counter(tokens(query))
        result = []
        for doc, length in zip(self.docs, self.lengths, strict=True):
            score = 0.0
            for term in terms:
                tf = doc.get(term)
                if not tf:
                    continue
                norm = tf + self.k1 * (1 - self.b + self.b * length / (self.avg or 1))
                score += self.idf[term] * tf * (self.k1 + 1) / norm
            result.append(score)
        return result
