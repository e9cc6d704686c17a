"""Checkers driven only by dictionary files: 规范表述, 机构名称, 禁用词.

Sources and context rules live in the data files (``data/expressions.yaml``,
``data/institutions.yaml``, ``data/banned.yaml``); 004_…txt §9.2.2 lists the review
elements (政治、政策、文字、法律) they serve.
"""

from __future__ import annotations

from .base import DictionaryChecker


class ExpressionChecker(DictionaryChecker):
    """规范表述: 新华社《新闻信息报道中的禁用词和慎用词》 (港澳台、主权、民族宗教、国际、职务称谓)."""

    name = "规范表述"
    category = "expression"
    elements = ("political",)


class InstitutionChecker(DictionaryChecker):
    """机构名称: bodies abolished or renamed in the 2003/2013/2018/2023 reforms, by effective date."""

    name = "机构名称"
    category = "institution"
    elements = ("policy",)


class BannedChecker(DictionaryChecker):
    """禁用词: vulgar and discriminatory words, advertising-law absolute terms, a region's list."""

    name = "禁用词"
    category = "banned"
    elements = ("wording", "legal", "political")
