"""The risk-check engine (风险辅助识别, 004_…txt §9.2.3): dictionaries + an ordered list of checkers.

All dictionary terms (national data files plus a region's rows) and the statistical typo
candidates are compiled once into one Aho-Corasick automaton (ahocorasick_rs, leftmost-
longest, so a longer fixed name shadows the shorter terms inside it). ``check`` scans the
text once with it, then runs each checker; regex-based checkers (privacy, format, link) scan
only for their rare trigger characters. A ``Checker`` is immutable after construction, so
one instance serves all threads.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import attrgetter
from typing import Any

import ahocorasick_rs
import yaml

from .checkers.base import BaseChecker, Document
from .checkers.dictionaries import BannedChecker, ExpressionChecker, InstitutionChecker
from .checkers.formatting import FormatChecker, format_entries
from .checkers.leader import LeaderChecker
from .checkers.links import LinkChecker
from .checkers.privacy import PrivacyChecker
from .checkers.typo import TypoChecker
from .confusion import phrase_variants
from .entries import Entry, entry_from_mapping
from .hit import Hit
from .leaders import Roster, build_roster, leader_entries

#: the pipeline, in order. Adding a checker = one class + one line here.
CHECKERS: tuple[type[BaseChecker], ...] = (
    LeaderChecker,
    ExpressionChecker,
    InstitutionChecker,
    TypoChecker,
    BannedChecker,
    PrivacyChecker,
    FormatChecker,
    LinkChecker,
)

TYPO_SOURCES = {
    "yw100": "《咬文嚼字》编辑部：当代汉语出版物中最常见的100个别字（2005）",
    "ywtop": "《咬文嚼字》年度十大语文差错",
    "xdhy": "《现代汉语词典》（第7版）规范词形",
    "common": "公文校对常见错别字（人工整理）",
}


def _data_text(name: str) -> str:
    return resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")


def load_yaml_entries(name: str) -> list[Entry]:
    """A dictionary file: ``defaults`` for all rows, ``groups`` with their own defaults and ``entries``."""
    doc = yaml.safe_load(_data_text(name))
    out = []
    for group in doc["groups"]:
        defaults = {**doc.get("defaults", {}), **{k: v for k, v in group.items() if k != "entries"}}
        out.extend(entry_from_mapping(row, **defaults) for row in group["entries"])
    return out


def load_typo_entries() -> list[Entry]:
    lines = [line for line in _data_text("typos.tsv").splitlines() if line and not line.startswith("#")]
    out = []
    for row in csv.DictReader(lines, delimiter="\t"):
        out.append(
            entry_from_mapping(
                {
                    "term": row["wrong"],
                    "suggestion": row["right"],
                    "source": TYPO_SOURCES.get(row["source"], row["source"]),
                    "not_after": row.get("not_after"),
                    "not_before": row.get("not_before"),
                },
                category="typo",
                rule="typo.curated",
                severity="error",
                element="wording",
            )
        )
    return out


@dataclass(frozen=True)
class Sources:
    """Everything the checkers know: entries, the leaders roster, allow-lists, typo candidates."""

    entries: tuple[Entry, ...]
    roster: Roster
    hotlines: frozenset[str]
    domains: frozenset[str]
    short_link_domains: frozenset[str]
    variants: Mapping[str, str]

    def domain_allowed(self, host: str) -> bool:
        parts = host.split(".")
        return any(".".join(parts[i:]) in self.domains for i in range(len(parts) - 1))

    def is_short_link(self, host: str) -> bool:
        return host in self.short_link_domains


@cache
def _national_sources() -> dict[str, Any]:
    """The national data files, parsed once per process (treated as read-only)."""
    allow = yaml.safe_load(_data_text("allow.yaml"))
    leaders = yaml.safe_load(_data_text("leaders.yaml"))
    return {
        "leaders_data": leaders,
        "entries": tuple(
            load_yaml_entries("expressions.yaml")
            + load_yaml_entries("institutions.yaml")
            + load_yaml_entries("banned.yaml")
            + load_typo_entries()
            + format_entries()
        ),
        "hotlines": frozenset(str(h) for h in allow["hotlines"]),
        "domains": frozenset(d.lower() for d in allow["domains"]),
        "short": frozenset(d.lower() for d in allow["short_link_domains"]),
    }


_BY_POSITION = attrgetter("start")
RegionRows = Iterable[Mapping[str, Any] | str]


class Checker:
    """Finds problems in a text. ``Checker.default()`` knows the national dictionaries;
    ``Checker.from_sources(...)`` adds a region's data. Thread-safe, immutable."""

    _default: Checker | None = None
    _lock = threading.Lock()

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.checkers: tuple[BaseChecker, ...] = tuple(cls(sources) for cls in CHECKERS)
        grouped: dict[str, dict[str, list[Entry]]] = {}
        for entry in sources.entries:
            grouped.setdefault(entry.term, {}).setdefault(entry.category, []).append(entry)
        self._terms = list(grouped)
        self._by_index: list[tuple[tuple[str, tuple[Entry, ...]], ...]] = [
            tuple((cat, tuple(ents)) for cat, ents in grouped[t].items()) for t in self._terms
        ]
        self._variant_terms = [v for v in sources.variants if v not in grouped]
        self.patterns: list[str] = self._terms + self._variant_terms
        self.automaton = ahocorasick_rs.AhoCorasick(
            self.patterns,
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    @classmethod
    def default(cls) -> Checker:
        """The national checker, built once per process (≈ 2 s) and shared."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls.from_sources()
        return cls._default

    @classmethod
    def from_sources(
        cls,
        *,
        leaders: Iterable[Mapping[str, Any]] = (),
        banned: RegionRows = (),
        allow: RegionRows = (),
        institutions: Iterable[Mapping[str, Any]] = (),
        expressions: Iterable[Mapping[str, Any]] = (),
        typos: Iterable[Mapping[str, Any]] = (),
        source: str = "本地区词库",
    ) -> Checker:
        """The national dictionaries plus a region's rows (plain data, e.g. from the database).

        - ``leaders``: ``{"name": "张三", "office": "湖州市市长", "from": "2021-09-01", "until": None}``;
          the office may then be written before or after the name; the name misspelt next to a
          title, or the office given to another listed leader, is reported.
        - ``banned``: ``"词"`` or ``{"term", "suggestion"?, "severity"?, "source"?}``.
        - ``allow``: ``"12345"``/``"0572-2039000"`` (published phone numbers), ``"huzhou.gov.cn"``
          (a domain and its subdomains) or any other string (a fixed name that may contain a
          flagged term, e.g. ``"国土资源局旧址"``); dicts with a ``"value"`` key also work.
        - ``institutions`` / ``expressions`` / ``typos``: ``{"term", "suggestion", "valid_from"?,
          "valid_until"?, "severity"?, "source"?, ...}`` — any :class:`~.entries.Entry` field.
        """
        national = _national_sources()
        roster = build_roster(national["leaders_data"], leaders)
        entries = list(national["entries"]) + leader_entries(national["leaders_data"], roster)
        for row in banned:
            row = {"term": row} if isinstance(row, str) else row
            entries.append(entry_from_mapping(row, category="banned", rule="banned.regional",
                                              suggestion="删除或改用规范用语", source=source))  # fmt: skip
        for rows, category, rule, severity, element in (
            (institutions, "institution", "institution.regional", "error", "policy"),
            (expressions, "expression", "expression.regional", "error", "political"),
            (typos, "typo", "typo.regional", "error", "wording"),
        ):
            for row in rows:
                entries.append(entry_from_mapping(row, category=category, rule=rule, severity=severity,
                                                  element=element, source=source, historical_ok=category == "institution"))  # fmt: skip
        hotlines, domains = set(national["hotlines"]), set(national["domains"])
        for row in allow:
            value = str(row["value"] if isinstance(row, Mapping) else row).strip()
            digits = value.replace("-", "").replace(" ", "")
            if digits.isdigit():
                hotlines.add(digits)
            elif "." in value and value.isascii():
                domains.add(value.lower().removeprefix("www."))
            else:
                entries.append(Entry(term=value, category="allow", rule="allow.fixed_name", kind="allow"))
        return cls(
            Sources(
                entries=tuple(entries),
                roster=roster,
                hotlines=frozenset(hotlines),
                domains=frozenset(domains),
                short_link_domains=frozenset(national["short"]),
                variants=phrase_variants(),
            )
        )

    def scan(self, text: str, as_of: dt.date | None = None) -> Document:
        """One pass of the automaton; matches grouped by category for the checkers."""
        doc = Document(text=text, as_of=as_of or dt.date.today())
        n_terms = len(self._terms)
        by_index, variant_terms = self._by_index, self._variant_terms
        matches: dict[str, list] = {}
        variants = doc.variants
        for index, start, end in self.automaton.find_matches_as_indexes(text):
            if index >= n_terms:
                variants.append((start, end, variant_terms[index - n_terms]))
                continue
            for category, entries in by_index[index]:
                bucket = matches.get(category)
                if bucket is None:
                    bucket = matches[category] = []
                bucket.append((start, end, entries))
        doc.matches = matches
        return doc

    def check(self, text: str, *, as_of: dt.date | None = None) -> list[Hit]:
        """All problems in ``text``, sorted by position. ``as_of``: the date the text speaks
        about (default today) — names and offices are judged as of that day."""
        doc = self.scan(text, as_of)
        hits: list[Hit] = []
        for checker in self.checkers:
            hits.extend(checker.check(doc))
        return _dedupe(hits)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Sort by position (stable: checker order breaks ties) and drop a statistical typo
    candidate that overlaps any other hit (a curated rule already explains that text)."""
    if len(hits) < 2:
        return hits
    hits.sort(key=_BY_POSITION)
    statistical = [h for h in hits if h.rule == "typo.statistical"]
    if not statistical:
        return hits
    firm = [h for h in hits if h.rule != "typo.statistical"]
    firm_starts = [h.start for h in firm]
    drop = set()
    for h in statistical:
        # firm hits are sorted by start and short: look at those starting just before h.end
        i = bisect_left(firm_starts, h.end)
        if any(firm[j].end > h.start for j in range(max(0, i - 8), i)):
            drop.add(id(h))
    return [h for h in hits if id(h) not in drop] if drop else hits
