"""风险辅助识别 — the risk-check engine of govmedia (issue 4), a pure Python library.

    >>> from govmedia.textcheck import Checker
    >>> hits = Checker.default().check("国家总理李强主持召开国务院常务会议。")
    >>> [(h.category, h.rule, h.suggestion) for h in hits]
    [('leader', 'leader.wrong_title', '国务院总理')]

No Django imports here: the Django side feeds a region's rows to ``Checker.from_sources``.
"""

from .engine import CHECKERS, Checker, Sources
from .hit import CATEGORIES, ELEMENTS, SEVERITIES, Hit

__all__ = ["CATEGORIES", "CHECKERS", "ELEMENTS", "SEVERITIES", "Checker", "Hit", "Sources"]
