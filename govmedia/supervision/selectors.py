"""Scoped reads for pages and the API: what a user may see of inspections, results and Findings."""

from __future__ import annotations

from django.db.models import QuerySet

from govmedia.core.models import Role
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.supervision.models import AccountResult, Finding, Inspection, UnitResult


def visible_inspections(user) -> QuerySet[Inspection]:
    return scoped(Inspection.objects.select_related("indicator_set", "scope_unit"), user)


def get_inspection_for(user, pk, *, write: bool = False) -> Inspection:
    return get_for(user, visible_inspections(user), pk, write=write)


def visible_findings(user) -> QuerySet[Finding]:
    return scoped(Finding.objects.select_related("account__owner__region"), user)


def get_finding_for(user, pk, *, write: bool = False) -> Finding:
    return get_for(user, visible_findings(user), pk, write=write)


def visible_account_results(user) -> QuerySet[AccountResult]:
    """A score card is visible to whoever sees the account (its region's supervisors, its own unit)."""
    return scoped(
        AccountResult.objects.select_related("inspection__indicator_set", "account__owner", "unit"), user
    )


def get_account_result_for(user, pk) -> AccountResult:
    return get_for(user, visible_account_results(user), pk)


def unit_results(inspection: Inspection) -> QuerySet[UnitResult]:
    return inspection.unit_results.select_related("unit").order_by("group", "rank", "unit_id")


def may_supervise(user) -> bool:
    """Running, publishing, dismissing and confirming are for supervising offices and administrators."""
    scope = scope_for(user)
    return scope.can_write and (scope.everything or user.role == Role.SUPERVISOR)
