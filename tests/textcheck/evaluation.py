"""Reads the labelled evaluation set and scores the checker per category (hit level)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from govmedia.textcheck import CATEGORIES, Checker

EVAL_SET = Path(__file__).with_name("eval_set.tsv")
#: the date the suite judges texts on (current leaders: 2023 onward)
AS_OF = dt.date(2026, 6, 1)


@dataclass(frozen=True)
class Example:
    line: int
    text: str
    as_of: dt.date | None
    expected: tuple[tuple[str, str], ...]  # (category, span)


def load(default_as_of: dt.date) -> list[Example]:
    out = []
    rows = EVAL_SET.read_text(encoding="utf-8").splitlines()
    for n, row in enumerate(rows, 1):
        if not row or row.startswith("#") or row.startswith("expected\t"):
            continue
        expected, as_of, text = row.split("\t")
        items = () if expected == "-" else tuple(tuple(i.split("=", 1)) for i in expected.split(" ; "))
        out.append(Example(n, text, default_as_of if as_of == "-" else dt.date.fromisoformat(as_of), items))
    return out


@dataclass
class Score:
    tp: Counter
    fp: Counter
    fn: Counter
    mistakes: list[str]

    def precision(self, category: str) -> float:
        found = self.tp[category] + self.fp[category]
        return self.tp[category] / found if found else 1.0

    def recall(self, category: str) -> float:
        wanted = self.tp[category] + self.fn[category]
        return self.tp[category] / wanted if wanted else 1.0

    def table(self) -> str:
        lines = [f"{'category':<12}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"]
        for c in CATEGORIES:
            lines.append(
                f"{c:<12}{self.tp[c]:>5}{self.fp[c]:>5}{self.fn[c]:>5}"
                f"{self.precision(c):>11.3f}{self.recall(c):>8.3f}"
            )
        return "\n".join(lines)


def score(checker: Checker, examples: list[Example]) -> Score:
    tp, fp, fn, mistakes = Counter(), Counter(), Counter(), []
    for ex in examples:
        hits = checker.check(ex.text, as_of=ex.as_of)
        matched: set[int] = set()
        for h in hits:
            for i, (category, span) in enumerate(ex.expected):
                if h.category == category and (span in h.text or h.text in span):
                    matched.add(i)
                    tp[category] += 1
                    break
            else:
                fp[h.category] += 1
                mistakes.append(f"FP line {ex.line}: {h.category} {h.rule} “{h.text}” in {ex.text}")
        for i, (category, span) in enumerate(ex.expected):
            if i not in matched:
                fn[category] += 1
                mistakes.append(f"FN line {ex.line}: {category} “{span}” in {ex.text}")
    return Score(tp, fp, fn, mistakes)
