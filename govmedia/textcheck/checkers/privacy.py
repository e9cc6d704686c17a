"""个人信息: ID numbers, mobile numbers and bank card numbers a government post must not publish.

保密要素 of 004_…txt §9.2.2 (“不泄露个人隐私”) and 001_…txt; 《个人信息保护法》第二十八条 (身份证件号码、
金融账户属敏感个人信息). Numbers are validated before they are reported: ID numbers by the
GB 11643-1999 checksum, birth date and region code (python-stdnum ``cn.ric`` data), bank cards by
Luhn. Published hotlines and numbers on the allow-list pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

from stdnum import numdb

from ..hit import Hit
from .base import BaseChecker, Document

_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－　", "0123456789Xx- ")
_FULL_CANDIDATE = re.compile(r"[０-９][０-９0-9 　\-－]{9,24}[０-９0-9ＸｘXx]")
# starts with a character class so the regex engine skips Chinese text quickly; the
# boundaries (no letter or digit around, an optional +86 in front) are checked in Python
_CANDIDATE = re.compile(r"[0-9][0-9 -]{9,24}[0-9Xx]")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")
_CARD_CUES = (
    "卡号",
    "账号",
    "帐号",
    "银行",
    "账户",
    "帐户",
    "开户",
    "银行卡",
    "信用卡",
    "储蓄卡",
    "转账",
    "汇款",
)

SOURCE = "《中华人民共和国个人信息保护法》第二十八条；政务新媒体信息审核保密要素（004_…txt §9.2.2）"


def mask(digits: str, keep_head: int, keep_tail: int) -> str:
    return digits[:keep_head] + "*" * (len(digits) - keep_head - keep_tail) + digits[-keep_tail:]


class PrivacyChecker(BaseChecker):
    name = "个人信息"
    category = "privacy"
    elements = ("secrecy",)

    def __init__(self, sources) -> None:
        super().__init__(sources)
        _known_region("110105")  # load stdnum's region table now, not in the first check

    def check(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        yield from self._scan(doc, text, 0)
        if _has_fullwidth_digit(text):
            # convert only the candidate runs (same length, so offsets stay valid)
            for m in _FULL_CANDIDATE.finditer(text):
                base = max(0, m.start() - 4)
                local = text[base : m.end() + 1].translate(_FULLWIDTH)
                yield from self._scan(doc, local, base)

    def _scan(self, doc: Document, text: str, base: int) -> Iterable[Hit]:
        allowed = self.sources.hotlines
        for m in _CANDIDATE.finditer(text):
            start, end = m.span()
            if (start and text[start - 1] in _ALNUM) or (end < len(text) and text[end] in _ALNUM):
                continue
            raw = m.group()
            if text[max(0, start - 4) : start].endswith(("+86-", "+86 ", "+86")):
                prefix = 4 if text[start - 1] in "- " else 3
                start, raw = start - prefix, text[start - prefix : end]
            hits = list(self._classify(doc, text, start, raw, allowed, base))
            if not hits and (" " in raw or "-" in raw):
                hits = [
                    h for s, p in _split(start, raw) for h in self._classify(doc, text, s, p, allowed, base)
                ]
            yield from hits

    def _classify(self, doc: Document, text: str, start: int, raw: str, allowed: frozenset[str], base: int):
        digits = raw.replace(" ", "").replace("-", "")
        end = start + len(raw)
        if digits.lstrip("+") in allowed or digits[-11:] in allowed:
            return
        if len(digits) == 18 and _valid_id(digits, doc.as_of):
            yield _hit(doc, base + start, base + end, "privacy.id_number", "serious",
                       f"不得公开身份证号码；如确需公开请遮蔽：{mask(digits.upper(), 4, 4)}")  # fmt: skip
            return
        mobile = _MOBILE.fullmatch(digits.lstrip("+"))
        if mobile:
            number = mobile.group(1)
            yield _hit(doc, base + start, base + end, "privacy.mobile", "error",
                       f"不得公开个人手机号码；如确需公开请遮蔽：{mask(number, 3, 4)}，或改用单位公开电话")  # fmt: skip
            return
        if 16 <= len(digits) <= 19 and digits.isdigit() and _luhn_ok(digits):
            around = text[max(0, start - 12) : start]
            if digits.startswith(("62", "4", "5", "3")) or any(c in around for c in _CARD_CUES):
                yield _hit(doc, base + start, base + end, "privacy.bank_card", "serious",
                           f"不得公开银行卡号；如确需公开请遮蔽：{mask(digits, 4, 4)}")  # fmt: skip


_FULLWIDTH_DIGIT = re.compile(r"[０-９]")


def _has_fullwidth_digit(text: str) -> bool:
    return _FULLWIDTH_DIGIT.search(text) is not None


def _split(offset: int, raw: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for piece in re.split(r"([ -]+)", raw):
        if piece and piece[0] not in " -" and len(piece) >= 11:
            out.append((offset + pos, piece))
        pos += len(piece)
    return out


def _valid_id(digits: str, as_of: dt.date) -> bool:
    """GB 11643-1999: ISO 7064 MOD 11-2 check digit (fast path), then stdnum for date and region."""
    if not digits[:17].isdigit() or (1 - 2 * int(digits[:17], 13)) % 11 != (
        10 if digits[17] in "Xx" else int(digits[17]) if digits[17].isdigit() else -1
    ):
        return False
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= max(as_of, dt.date.today()) and _known_region(digits[:6])


@lru_cache(maxsize=4096)
def _known_region(code: str) -> bool:
    """The address code is a county code of GB/T 2260 in any period (python-stdnum ``cn/loc.dat``).

    Not tied to the birth year as ``stdnum.cn.ric.validate`` is: the code is assigned where the
    person was registered, often after birth (a 1985 birth in 宝安区, created 1992, has 440306)."""
    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


def _luhn_ok(digits: str) -> bool:
    """Luhn mod 10 (中国银联 Q/CUP 002): double every second digit from the right."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _hit(doc: Document, start: int, end: int, rule: str, severity: str, suggestion: str) -> Hit:
    return Hit(
        start=start,
        end=end,
        text=doc.text[start:end],
        category="privacy",
        rule=rule,
        severity=severity,
        element="secrecy",
        suggestion=suggestion,
        source=SOURCE,
    )
