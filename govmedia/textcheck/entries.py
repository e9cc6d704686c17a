"""Dictionary entries: one searched string with the rule it triggers and its context rules.

Every dictionary file in ``data/`` (and every row a region passes to
``Checker.from_sources``) becomes :class:`Entry` objects. All entries of all checkers are
compiled into one Aho-Corasick automaton (``engine.py``); the context rules below decide,
per match, whether a hit is reported. They implement issue 4's "a word alone is not always
wrong": quotation marks required, allowed inside fixed names or document titles, only in
commercial context, only near a leader's title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OPEN_QUOTES = "“‘「『\"'"
CLOSE_QUOTES = "”’」』\"'"

#: words that make advertising-law terms (《广告法》第九条) commercial — see banned.yaml
COMMERCIAL_CUES = (
    "产品", "商品", "价格", "售价", "优惠", "促销", "购买", "抢购", "下单", "热卖", "热销",
    "销量", "品牌", "包邮", "折扣", "特价", "专卖", "门店", "旗舰店", "直播间", "带货",
    "代言", "厂家", "批发", "零售", "招商", "加盟", "保健品", "化妆品", "疗效", "元/",
    "元起", "店铺", "网店", "商城", "团购", "秒杀", "限时", "爆款", "好物", "上市",
)  # fmt: skip

#: a name preceded by these refers to a former office holder or a former body
HISTORICAL_PREFIXES = ("原", "前", "时任", "曾任", "已故", "旧称", "原称", "更名前")


def parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class Entry:
    """One dictionary row. ``term`` is searched literally (Chinese has no word boundaries).

    A hit is reported for a match when every context rule agrees:

    - ``valid_from``/``valid_until``: the rule applies on dates ``valid_from <= as_of <
      valid_until`` (e.g. an institution name is wrong from the day it was abolished);
    - ``quotes``: the term is fine inside quotation marks (“台独”), wrong without;
    - ``not_before``/``not_after``: strings that, right before/after the match, make it a
      different word (农业部 + 门 = 农业部门);
    - ``near`` + ``window``: only when one of these strings is within ``window`` chars;
    - ``unless_near``: not when one of these is within ``window`` chars (a warning that
      quotes a false advertising claim, a Party congress that may be 隆重召开);
    - ``commercial``: only when a commercial cue is within ``window`` chars;
    - ``historical_ok``: fine after 原/前/时任 …, or inside a document title 《…》;
    - ``kind``: ``hit`` (report), ``allow`` (a fixed name that shadows shorter terms),
      or a checker-specific kind such as ``leader_name``/``title_combo``.
    """

    term: str
    category: str
    rule: str
    severity: str = "error"
    element: str = "wording"
    suggestion: str = ""
    source: str = ""
    kind: str = "hit"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    quotes: bool = False
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    unless_near: tuple[str, ...] = ()
    window: int = 12
    commercial: bool = False
    historical_ok: bool = False
    data: tuple[tuple[str, Any], ...] = field(default=())

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self.data:
            if k == key:
                return v
        return default

    def applies_on(self, as_of: dt.date) -> bool:
        if self.valid_from and as_of < self.valid_from:
            return False
        return not (self.valid_until and as_of >= self.valid_until)

    def accepts(self, text: str, start: int, end: int, as_of: dt.date) -> bool:
        """True when the match ``text[start:end]`` is a real problem under the context rules."""
        if not self.applies_on(as_of):
            return False
        if self.quotes and is_quoted(text, start, end):
            return False
        if self.not_before and text[max(0, start - 8) : start].endswith(self.not_before):
            return False
        if self.not_after and text.startswith(self.not_after, end):
            return False
        if self.historical_ok and (is_historical(text, start) or in_book_title(text, start)):
            return False
        if self.near and not _near(text, start, end, self.near, self.window):
            return False
        if self.unless_near and _near(text, start, end, self.unless_near, self.window):
            return False
        return not (self.commercial and not _near(text, start, end, COMMERCIAL_CUES, self.window))


def is_quoted(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1] in OPEN_QUOTES and text[end] in CLOSE_QUOTES


def is_historical(text: str, start: int) -> bool:
    return text[max(0, start - 4) : start].endswith(HISTORICAL_PREFIXES)


def in_book_title(text: str, start: int, reach: int = 80) -> bool:
    """Inside 《…》: a document title keeps the names it was issued under."""
    left = text[max(0, start - reach) : start]
    opening = left.rfind("《")
    return opening >= 0 and left.rfind("》") < opening and "\n" not in left[opening:]


def _near(text: str, start: int, end: int, words: Iterable[str], window: int) -> bool:
    around = text[max(0, start - window) : end + window]
    return any(w in around for w in words)


def _tuple(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return tuple(value.split("|"))
    return tuple(str(v) for v in value)


def entry_from_mapping(row: Mapping[str, Any], **defaults: Any) -> Entry:
    """Build an entry from a YAML/CSV row or a region's row (plain dict); unknown keys go to ``data``."""
    merged = {**defaults, **{k: v for k, v in row.items() if v not in (None, "")}}
    known = {
        "term", "category", "rule", "severity", "element", "suggestion", "source", "kind",
        "valid_from", "valid_until", "quotes", "not_before", "not_after", "near", "unless_near", "window",
        "commercial", "historical_ok",
    }  # fmt: skip
    extra = tuple(sorted((k, v) for k, v in merged.items() if k not in known))
    return Entry(
        term=str(merged["term"]),
        category=str(merged["category"]),
        rule=str(merged["rule"]),
        severity=str(merged.get("severity", "error")),
        element=str(merged.get("element", "wording")),
        suggestion=str(merged.get("suggestion", "")),
        source=str(merged.get("source", "")),
        kind=str(merged.get("kind", "hit")),
        valid_from=parse_date(merged.get("valid_from")),
        valid_until=parse_date(merged.get("valid_until")),
        quotes=bool(merged.get("quotes", False)),
        not_before=_tuple(merged.get("not_before")),
        not_after=_tuple(merged.get("not_after")),
        near=_tuple(merged.get("near")),
        unless_near=_tuple(merged.get("unless_near")),
        window=int(merged.get("window", 12)),
        commercial=bool(merged.get("commercial", False)),
        historical_ok=bool(merged.get("historical_ok", False)),
        data=extra,
    )
