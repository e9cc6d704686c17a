"""The checker contract (STYLE.md "Pipelines"): a name, the review elements it covers, and
``check(doc) -> Iterable[Hit]``. Adding a checker is adding one class and one line in
``engine.CHECKERS``.

``doc`` is a :class:`Document`: the text, the date the text speaks about (``as_of``) and the
matches of the one shared Aho-Corasick automaton, grouped by category, so dictionary
checkers never scan the text themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ..entries import Entry
from ..hit import Hit

if TYPE_CHECKING:
    from ..engine import Sources

Match = tuple[int, int, tuple[Entry, ...]]


@dataclass(slots=True)
class Document:
    text: str
    as_of: dt.date
    #: category → [(start, end, entries of that category for the matched term)]
    matches: dict[str, list[Match]] = field(default_factory=dict)
    #: (start, end, variant) of the statistical typo candidates
    variants: list[tuple[int, int, str]] = field(default_factory=list)


class BaseChecker:
    name: ClassVar[str] = ""
    category: ClassVar[str] = ""
    elements: ClassVar[tuple[str, ...]] = ()

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def check(self, doc: Document) -> Iterable[Hit]:
        raise NotImplementedError

    @staticmethod
    def make(doc: Document, start: int, end: int, entry: Entry, suggestion: str | None = None) -> Hit:
        return Hit(
            start=start,
            end=end,
            text=doc.text[start:end],
            category=entry.category,
            rule=entry.rule,
            severity=entry.severity,
            element=entry.element,
            suggestion=entry.suggestion if suggestion is None else suggestion,
            source=entry.source,
        )


class DictionaryChecker(BaseChecker):
    """Reports every match of its category whose context rules agree (``Entry.accepts``)."""

    def check(self, doc: Document) -> Iterable[Hit]:
        text, as_of = doc.text, doc.as_of
        for start, end, entries in doc.matches.get(self.category, ()):
            for entry in entries:
                if entry.kind == "hit" and entry.accepts(text, start, end, as_of):
                    yield self.make(doc, start, end, entry)
                    break
