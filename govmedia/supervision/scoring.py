"""Scores exactly as policy 003 §二 says; pure functions over counts, no database.

Account: any veto → vetoed, 0. Otherwise 100 − Σ min(points × occurrences, cap), floored at
0; above ``bonus_threshold`` add Σ min(points × occurrences, cap) of the bonus items.
Unit (every unit with a 考核类别): any of its accounts vetoed → vetoed, 0; otherwise the
mean of its accounts' scores; final = score ÷ best score of the same 考核类别 × 100.
Nothing is rounded here; pages round to 2 decimals for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from govmedia.supervision.models import IndicatorKind

FULL_MARKS = 100


@dataclass(frozen=True)
class Item:
    code: str
    kind: str
    points: float = 0
    cap: float | None = None

    def points_for(self, occurrences: int) -> float:
        raw = self.points * occurrences
        return raw if self.cap is None else min(raw, self.cap)


@dataclass
class AccountScore:
    vetoes: list[str] = field(default_factory=list)
    deductions: dict[str, float] = field(default_factory=dict)
    bonus: dict[str, float] = field(default_factory=dict)
    deduction_score: float = FULL_MARKS
    bonus_points: float = 0
    score: float = FULL_MARKS
    entered_bonus: bool = False

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


def score_account(items: Sequence[Item], counts: Mapping[str, int], bonus_threshold: float) -> AccountScore:
    """``counts``: occurrences per indicator code (only counted Findings)."""
    result = AccountScore()
    for item in items:
        n = counts.get(item.code, 0)
        if n and item.kind == IndicatorKind.VETO:
            result.vetoes.append(item.code)
        elif n and item.kind == IndicatorKind.DEDUCTION:
            lost = item.points_for(n)
            if lost:
                result.deductions[item.code] = lost
    result.deduction_score = max(FULL_MARKS - sum(result.deductions.values()), 0)
    if result.deduction_score > bonus_threshold:
        result.entered_bonus = True
        for item in items:
            n = counts.get(item.code, 0)
            if n and item.kind == IndicatorKind.BONUS:
                won = item.points_for(n)
                if won:
                    result.bonus[item.code] = won
        result.bonus_points = sum(result.bonus.values())
    result.score = 0 if result.vetoed else result.deduction_score + result.bonus_points
    if result.vetoed:
        result.bonus, result.bonus_points = {}, 0
    return result


@dataclass
class UnitScore:
    unit_id: int
    group: str
    account_ids: list[int]
    vetoed: bool
    score: float
    final: float = 0
    rank: int = 0


def score_units(
    members: Mapping[int, tuple[str, Iterable[int]]], accounts: Mapping[int, AccountScore]
) -> list[UnitScore]:
    """``members``: unit id → (考核类别, ids of its accounts in the inspection). Units without
    accounts in the inspection are not ranked. Ranks are 1.. by final score within a group, ties sharing a rank."""
    units: list[UnitScore] = []
    for unit_id, (group, account_ids) in members.items():
        ids = [a for a in account_ids if a in accounts]
        if not ids:
            continue
        vetoed = any(accounts[a].vetoed for a in ids)
        score = 0 if vetoed else sum(accounts[a].score for a in ids) / len(ids)
        units.append(UnitScore(unit_id, group, ids, vetoed, score))
    best: dict[str, float] = {}
    for u in units:
        best[u.group] = max(best.get(u.group, 0), u.score)
    for u in units:
        u.final = u.score / best[u.group] * 100 if best[u.group] > 0 else 0
    for group in best:
        ranked = sorted((u for u in units if u.group == group), key=lambda u: (-u.final, u.unit_id))
        for n, u in enumerate(ranked, start=1):
            u.rank = (
                ranked[n - 2].rank if n > 1 and ranked[n - 2].final == u.final else n
            )  # ties share a rank
    return units


def pass_rate(checked: int, failed: int) -> float | None:
    """合格率 = (检查数 − 不合格数) / 检查数 (indicators.md §2)."""
    return (checked - failed) / checked if checked else None
