"""领导人姓名职务: wrong-character names, wrong title forms, titles given to the wrong person,
standing-committee members listed out of order.

A serious expression error (严重表述错误) fails an account on its own in all five policies
(e.g. 001_…txt 第二十五条, 004_…txt §9.2.2 政治要素). Names, offices and dates: ``data/leaders.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..entries import HISTORICAL_PREFIXES, is_historical
from ..hit import Hit
from ..leaders import SOURCE
from .base import DictionaryChecker, Document

#: what may stand between two names of a list: 、，和 同志 and spaces
_LIST_GAP = re.compile(r"(?:同志)?[、，,\s和及与]{0,2}(?:同志)?")


class LeaderChecker(DictionaryChecker):
    name = "领导人姓名职务"
    category = "leader"
    elements = ("political",)

    def check(self, doc: Document) -> Iterable[Hit]:
        matches = doc.matches.get(self.category, ())
        if not matches:
            return
        yield from super().check(doc)
        roster = self.sources.roster
        text, as_of = doc.text, doc.as_of
        mentions: list[tuple[int, int, str]] = []
        for start, end, entries in matches:
            for entry in entries:
                if entry.kind == "leader_name":
                    mentions.append((start, end, entry.get("name")))
                elif entry.kind == "title_combo":
                    name, title = entry.get("name"), entry.get("title")
                    name_start = start if entry.get("order") == "name_first" else end - len(name)
                    mentions.append((name_start, name_start + len(name), name))
                    if roster.holds(name, title, as_of) or _is_former(text, start, title, entry):
                        continue
                    yield self.make(doc, start, end, entry, _title_advice(roster, name, title, as_of))
        yield from self._order(doc, mentions)

    def _order(self, doc: Document, mentions: list[tuple[int, int, str]]) -> Iterable[Hit]:
        committee = self.sources.roster.committee(doc.as_of)
        if len(mentions) < 3 or not committee:
            return
        rank = {name: i for i, name in enumerate(committee)}
        run: list[tuple[int, int, str]] = []
        for mention in sorted(mentions) + [(-1, -1, "")]:
            if run and mention[2] in rank and _LIST_GAP.fullmatch(doc.text, run[-1][1], mention[0]):
                run.append(mention)
                continue
            members = [m for m in run if m[2] in rank]
            if len(members) >= 3:
                order = [rank[m[2]] for m in members]
                if order != sorted(order):
                    start, end = members[0][0], members[-1][1]
                    yield Hit(
                        start=start,
                        end=end,
                        text=doc.text[start:end],
                        category="leader",
                        rule="leader.order",
                        severity="serious",
                        element="political",
                        suggestion="、".join(sorted((m[2] for m in members), key=rank.__getitem__)),
                        source=SOURCE + "：中央政治局常委排序",
                    )
            run = [mention] if mention[2] in rank else []


def _is_former(text: str, start: int, title: str, entry) -> bool:
    """原国务院总理李克强 / 时任…: a former office is fine when the text says so."""
    if is_historical(text, start):
        return True
    if entry.get("order") == "name_first":
        return False
    return text[max(0, start - 6) : start].endswith(HISTORICAL_PREFIXES + ("时任中共中央", "时任"))


def _title_advice(roster, name: str, title: str, as_of) -> str:
    holders = [h for h in roster.holders(title, as_of) if h != name]
    offices = roster.offices_of(name, as_of)
    parts = []
    if holders:
        parts.append(f"现任{title}为{'、'.join(holders)}")
    if offices:
        parts.append(f"{name}的职务为{'、'.join(offices)}")
    else:
        parts.append(f"{name}现不担任{title}，如指过去须写“原”或“时任”")
    return "；".join(parts)
