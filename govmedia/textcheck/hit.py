"""The one result type of the risk check (风险辅助识别), and the fixed vocabularies it uses.

Categories, severities and review elements follow issue 4 and GLOSSARY.md (审核要素:
``004_…txt §9.2.3`` and the 七项审核要素 of 004 §9.2.2).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: category → label shown to people
CATEGORIES: dict[str, str] = {
    "leader": "领导人姓名职务",
    "expression": "规范表述",
    "institution": "机构名称",
    "typo": "错别字",
    "banned": "禁用词",
    "privacy": "个人信息",
    "format": "格式标点",
    "link": "外部链接",
}

#: severity → label. ``serious`` fails an inspection on its own (严重表述错误).
SEVERITIES: dict[str, str] = {"serious": "严重", "error": "错误", "warning": "提示"}

#: review element (审核要素) → label, per GLOSSARY.md
ELEMENTS: dict[str, str] = {
    "political": "政治要素",
    "policy": "政策要素",
    "business": "业务要素",
    "legal": "法律要素",
    "wording": "文字要素",
    "secrecy": "保密要素",
    "opinion": "舆情要素",
}

SEVERITY_RANK = {"serious": 0, "error": 1, "warning": 2}


@dataclass(frozen=True, slots=True)
class Hit:
    """One problem found in a text.

    ``start``/``end`` are character (not byte) offsets into the checked text, ``text`` is
    ``text[start:end]``. ``rule`` is a stable id such as ``institution.renamed`` that a
    person can look up; ``suggestion`` and ``source`` are Chinese, for people.
    """

    start: int
    end: int
    text: str
    category: str
    rule: str
    severity: str
    element: str
    suggestion: str
    source: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.start, -self.end, SEVERITY_RANK[self.severity], self.rule)
