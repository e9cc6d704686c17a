"""Objects of county A (青山县) for the every-URL security test and the page tests."""

from __future__ import annotations

import datetime as dt

from govmedia.supervision.indicators import resolve
from govmedia.supervision.models import AccountResult, Finding, Inspection
from govmedia.supervision.services import run_inspection


def county_a_inspection(w) -> Inspection:
    """A national-2019 check of 青山县人民政府's subtree; 青山民政 has never posted → vetoed."""
    if getattr(w, "_county_a_inspection", None) is None:
        w._county_a_inspection = run_inspection(
            start=dt.date(2026, 11, 9),
            end=dt.date(2026, 11, 15),
            indicator_set=resolve("national-2019"),
            scope_unit=w.gov_a,
        )
    return w._county_a_inspection


def account_a2_score(w) -> AccountResult:
    return AccountResult.objects.get(inspection=county_a_inspection(w), account=w.account_a2)


def account_a2_finding(w) -> Finding:
    county_a_inspection(w)
    return Finding.objects.filter(account=w.account_a2).order_by("id").first()
