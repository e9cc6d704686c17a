"""National leaders: names, offices with dates, standing-committee order (``data/leaders.yaml``).

Produces the dictionary entries of the ``leader`` checker: correct names (for the order
check), title+name combinations (a title given to the wrong person), wrong title forms
(国家总理) and wrong-character names (same sound or same shape, from ``confusion.py``).
Region data adds local leaders the same way (``Checker.from_sources(leaders=...)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .confusion import confusable, overlaps_a_word, word_freq
from .entries import Entry, entry_from_mapping, parse_date

SOURCE = "中共中央、全国人大公布的选举和任命结果（新华社）"


@dataclass(frozen=True, slots=True)
class Office:
    person: str
    office: str
    start: dt.date | None
    end: dt.date | None

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Roster:
    """Who held which office when; the standing committee order per term."""

    offices: tuple[Office, ...]
    short_titles: Mapping[str, tuple[str, ...]]
    committees: tuple[tuple[dt.date | None, dt.date | None, tuple[str, ...]], ...]
    #: names whose misspellings are reported only near a title or another leader's name
    needs_context: frozenset[str]
    #: a region's known misspellings of its leaders' names
    misspellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.person for o in self.offices))

    @cached_property
    def _by_person(self) -> dict[str, tuple[Office, ...]]:
        out: dict[str, list[Office]] = {}
        for o in self.offices:
            out.setdefault(o.person, []).append(o)
        return {k: tuple(v) for k, v in out.items()}

    def holds(self, person: str, title: str, day: dt.date) -> bool:
        full = self.short_titles.get(title, (title,))
        return any(o.office in full and o.held_on(day) for o in self._by_person.get(person, ()))

    def holders(self, title: str, day: dt.date) -> list[str]:
        full = self.short_titles.get(title, (title,))
        return list(dict.fromkeys(o.person for o in self.offices if o.office in full and o.held_on(day)))

    def offices_of(self, person: str, day: dt.date) -> list[str]:
        return [o.office for o in self.offices if o.person == person and o.held_on(day)]

    def committee(self, day: dt.date) -> tuple[str, ...]:
        for start, end, members in self.committees:
            if (start is None or start <= day) and (end is None or day < end):
                return members
        return ()


def build_roster(data: Mapping[str, Any], extra: Iterable[Mapping[str, Any]] = ()) -> Roster:
    """``extra`` rows (a region's leaders): ``{"name": "张三", "office": "湖州市市长", "from": ...,
    "until": ..., "misspellings": ["张叁"]}`` (misspellings optional, added to the generated ones)."""
    offices = []
    misspellings: dict[str, tuple[str, ...]] = {}
    for person, info in data["people"].items():
        for o in info["offices"]:
            offices.append(Office(person, o["office"], parse_date(o.get("from")), parse_date(o.get("until"))))
    short = {k: tuple(v) for k, v in data["short_titles"].items()}
    for row in extra:
        office = str(row["office"])
        offices.append(
            Office(str(row["name"]), office, parse_date(row.get("from")), parse_date(row.get("until")))
        )
        short.setdefault(office, (office,))
        if row.get("misspellings"):
            misspellings[str(row["name"])] = tuple(row["misspellings"])
    committees = tuple(
        (parse_date(c.get("from")), parse_date(c.get("until")), tuple(c["members"]))
        for c in data["standing_committee"]
    )
    # a misspelt three-character name of a top leader is wrong anywhere; everyone else's
    # (two-character names, a region's leaders) only next to a title or another leader
    top = {m for _, _, members in committees for m in members}
    top |= {o.person for o in offices if o.office in ("国家主席", "国家副主席")}
    names = {o.person for o in offices}
    needs_context = frozenset(n for n in names if len(n) <= 2 or n not in top)
    return Roster(tuple(offices), short, committees, needs_context, misspellings)


def leader_entries(data: Mapping[str, Any], roster: Roster) -> list[Entry]:
    entries: list[Entry] = []
    people = roster.people
    titles = list(roster.short_titles)
    for name in people:
        entries.append(Entry(term=name, category="leader", rule="leader.name", kind="leader_name",
                             data=(("name", name),)))  # fmt: skip
        for title in titles:
            for term, order in ((title + name, "title_first"), (name + title, "name_first")):
                entries.append(Entry(term=term, category="leader", rule="leader.title_mismatch",
                                     severity="serious", element="political", source=SOURCE,
                                     kind="title_combo", data=(("name", name), ("order", order),
                                                               ("title", title))))  # fmt: skip
    for row in data.get("wrong_titles", ()):
        entries.append(entry_from_mapping(row, category="leader", rule="leader.wrong_title",
                                          severity="serious", element="political", source=SOURCE))  # fmt: skip
    known = {k: list(v) for k, v in (data.get("misspellings") or {}).items()}
    for name, extra in roster.misspellings.items():
        known.setdefault(name, []).extend(extra)
    entries.extend(_name_variants(roster, tuple(data.get("context_words", ())), known))
    entries.extend(_title_variants(roster))
    return entries


def _title_variants(roster: Roster) -> Iterable[Entry]:
    """总书纪, 国务院总里 …: a title of ≥ 3 characters with one character replaced by a
    same-sound or same-shape one, next to a leader's name, when the result is never a word."""
    words = word_freq()
    titles = {t for t in roster.short_titles if len(t) >= 3}
    titles |= {o.office for o in roster.offices if len(o.office) >= 3}
    names = tuple(roster.people)
    seen: set[str] = set(titles)
    for title in sorted(titles):
        for i, ch in enumerate(title):
            for alt in confusable(ch, other_tones=True):
                variant = title[:i] + alt + title[i + 1 :]
                if variant in seen or variant in words or overlaps_a_word(variant, i, words):
                    continue
                seen.add(variant)
                yield Entry(
                    term=variant,
                    category="leader",
                    rule="leader.title_variant",
                    severity="serious",
                    element="political",
                    suggestion=title,
                    source=SOURCE,
                    near=names,
                    window=4,
                )


def _name_variants(
    roster: Roster, context_words: tuple[str, ...], known: Mapping[str, list[str]]
) -> Iterable[Entry]:
    words = word_freq()
    people = set(roster.people)
    near = tuple(t for t in roster.short_titles if len(t) >= 2) + tuple(people) + context_words
    seen: set[str] = set()
    for name in roster.people:
        candidates = list(known.get(name, ()))
        for i, ch in enumerate(name):
            candidates += [name[:i] + alt + name[i + 1 :] for alt in confusable(ch, other_tones=True)]
        for variant in candidates:
            if variant == name or variant in people or variant in seen:
                continue
            seen.add(variant)
            contextual = name in roster.needs_context or variant in words
            yield Entry(
                term=variant,
                category="leader",
                rule="leader.name_variant",
                severity="serious",
                element="political",
                suggestion=name,
                source=SOURCE,
                kind="hit",
                near=near if contextual else (),
                window=8,
                not_after=tuple(people) if contextual else (),
            )
