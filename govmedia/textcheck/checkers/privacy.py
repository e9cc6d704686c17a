"""个人信息: ID numbers, mobile numbers and bank card numbers a government post must not publish.

保密要素 of 004_…txt §9.2.2 (“不泄露个人隐私”) and 001_…txt; 《个人信息保护法》第二十八条 (身份证件号码、
金融账户属敏感个人信息). Numbers are validated before they are reported: ID numbers by the
GB 11643-1999 checksum, birth date and region code (python-stdnum ``cn.ric``), bank cards by
Luhn. Published hotlines and numbers on the allow-list pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from stdnum import luhn
from stdnum.cn import ric

from ..hit import Hit
from .base import BaseChecker, Document

_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－", "0123456789Xx-")
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?[0-9][0-9 -]{9,24}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")
_CARD_CUES = ("卡号", "账号", "帐号", "银行", "账户", "帐户", "开户", "银行卡", "信用卡", "储蓄卡", "转账", "汇款")

SOURCE = "《中华人民共和国个人信息保护法》第二十八条；政务新媒体信息审核保密要素（004_…txt §9.2.2）"


def mask(digits: str, keep_head: int, keep_tail: int) -> str:
    return digits[:keep_head] + "*" * (len(digits) - keep_head - keep_tail) + digits[-keep_tail:]


class PrivacyChecker(BaseChecker):
    name = "个人信息"
    category = "privacy"
    elements = ("secrecy",)

    def check(self, doc: Document) -> Iterable[Hit]:
        text = doc.text
        if not any(d in text for d in "0123456789") and not any(d in text for d in "０１２３４５６７８９"):
            return
        if any(d in text for d in "０１２３４５６７８９"):
            text = text.translate(_FULLWIDTH)  # same length: offsets stay valid
        allowed = self.sources.hotlines
        for m in _CANDIDATE.finditer(text):
            parts = [(m.start(), m.group())]
            hits = list(self._classify(doc, text, m.start(), m.group(), allowed))
            if not hits and (" " in m.group() or "-" in m.group()):
                parts = _split(m.start(), m.group())
                hits = [h for s, p in parts for h in self._classify(doc, text, s, p, allowed)]
            yield from hits

    def _classify(self, doc: Document, text: str, start: int, raw: str, allowed: frozenset[str]):
        digits = raw.replace(" ", "").replace("-", "")
        end = start + len(raw)
        if digits.lstrip("+") in allowed or digits[-11:] in allowed:
            return
        if len(digits) == 18 and _valid_id(digits, doc.as_of):
            yield _hit(doc, start, end, "privacy.id_number", "serious",
                       f"不得公开身份证号码；如确需公开请遮蔽：{mask(digits.upper(), 4, 4)}")  # fmt: skip
            return
        mobile = _MOBILE.fullmatch(digits.lstrip("+"))
        if mobile:
            number = mobile.group(1)
            yield _hit(doc, start, end, "privacy.mobile", "error",
                       f"不得公开个人手机号码；如确需公开请遮蔽：{mask(number, 3, 4)}，或改用单位公开电话")  # fmt: skip
            return
        if 16 <= len(digits) <= 19 and digits.isdigit() and luhn.is_valid(digits):
            around = text[max(0, start - 12) : start]
            if digits.startswith(("62", "4", "5", "3")) or any(c in around for c in _CARD_CUES):
                yield _hit(doc, start, end, "privacy.bank_card", "serious",
                           f"不得公开银行卡号；如确需公开请遮蔽：{mask(digits, 4, 4)}")  # fmt: skip


def _split(offset: int, raw: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for piece in re.split(r"([ -]+)", raw):
        if piece and piece[0] not in " -" and len(piece) >= 11:
            out.append((offset + pos, piece))
        pos += len(piece)
    return out


def _valid_id(digits: str, as_of: dt.date) -> bool:
    try:
        ric.validate(digits.upper())
        born = ric.get_birth_date(digits)
    except Exception:  # stdnum raises ValidationError subclasses; any failure = not an ID number
        return False
    return dt.date(1900, 1, 1) <= born <= max(as_of, dt.date.today())


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
