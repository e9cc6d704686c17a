"""Scoped reads for pages and the API: what a user may see of inspections, results and Findings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from govmedia.core.models import Role
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.supervision.models import AccountResult, Finding, Inspection, UnitResult


def visible_inspections(user) -> QuerySet[Inspection]:
    """Inspections inside the user's scope, and, for a region's supervisor or observer, those
    covering its region from above (the city's weekly check, seen by a county office): of
    those the pages and API show only the rows inside the user's scope (``sees_all``)."""
    # ``result`` (the frozen JSON, megabytes at province scale) loads only where it is read.
    qs = Inspection.objects.select_related("indicator_set", "scope_unit").defer("result")
    scope = scope_for(user)
    if scope.everything or scope.is_empty:
        return scoped(qs, user)
    condition = scope.q(Inspection.scope_fields)
    for path in scope.region_paths:
        parts = path.strip("/").split("/")
        ancestors = [""] + ["".join(f"{p}/" for p in parts[: n + 1]) for n in range(len(parts))]
        condition |= Q(region_path__in=ancestors)
    return qs.filter(condition)


def sees_all(user, inspection: Inspection) -> bool:
    """Whether the whole inspection lies inside the user's scope (else only its part is shown)."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if inspection.scope_unit_id is not None and inspection.scope_unit_id in scope.unit_ids:
        return True
    return any(inspection.region_path.startswith(p) for p in scope.region_paths)


def account_results_of(user, inspection: Inspection) -> QuerySet[AccountResult]:
    results = inspection.account_results.select_related("account", "unit")
    return results if sees_all(user, inspection) else scoped(results, user)


def unit_results_for(user, inspection: Inspection) -> QuerySet[UnitResult]:
    units = unit_results(inspection)
    return units if sees_all(user, inspection) else scoped(units, user)


def result_for(user, inspection: Inspection) -> dict:
    """The command's JSON, cut to the accounts and units the user may see."""
    if sees_all(user, inspection):
        return inspection.result
    accounts = set(account_results_of(user, inspection).values_list("account_id", flat=True))
    units = set(unit_results_for(user, inspection).values_list("unit__name", flat=True))
    result = dict(inspection.result)
    result["accounts"] = [a for a in result.get("accounts", []) if a["account_id"] in accounts]
    result["units"] = [u for u in result.get("units", []) if u["name"] in units]
    return result


def get_inspection_for(user, pk, *, write: bool = False) -> Inspection:
    """404 outside ``visible_inspections``; writing (publish, re-run) needs the whole inspection in scope."""
    try:
        obj = visible_inspections(user).get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或不在您的管理范围内") from None
    if write and not (scope_for(user).can_write and sees_all(user, obj)):
        raise PermissionDenied("只能处理本辖区范围内的检查")
    return obj


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
