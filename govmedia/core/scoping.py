"""Who sees what: the one place where data scope is decided.

A supervisor (主管单位) or observer sees its region's subtree (a county office its county
and townships, the city office the whole city); an owner-unit editor or reviewer sees its
own unit's data only; an administrator sees everything. Every scoped model declares, in
``scope_fields``, the lookups leading to its region path and its owner unit.
Views never call ``.objects.get(pk=...)`` on scoped data: they call ``get_for``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from govmedia.core.models import Role, ScopeFields

READ_ONLY_ROLES = {Role.OBSERVER, Role.REVIEWER}
REGION_ROLES = {Role.SUPERVISOR, Role.OBSERVER}


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_paths: tuple[str, ...] = ()
    unit_ids: tuple[int, ...] = ()
    can_write: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_paths or self.unit_ids)

    def q(self, fields: ScopeFields) -> Q:
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for path in self.region_paths:
            condition |= Q(**{f"{fields.region_path}__startswith": path})
        if self.unit_ids:
            condition |= Q(**{f"{fields.unit}__in": self.unit_ids})
        return condition


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(everything=True, can_write=True)
    unit = user.unit
    if unit is None:
        return Scope()
    can_write = user.role not in READ_ONLY_ROLES
    if user.role in REGION_ROLES:
        return Scope(region_paths=(unit.region.path,), can_write=can_write)
    return Scope(unit_ids=(unit.pk,), can_write=can_write)


def _fields(model: type[Model]) -> ScopeFields:
    fields = getattr(model, "scope_fields", None)
    if fields is None:
        raise TypeError(f"{model.__name__} declares no scope_fields")
    return fields


def scoped(queryset: QuerySet, user) -> QuerySet:
    """The part of ``queryset`` the user may read."""
    scope = scope_for(user)
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(scope.q(_fields(queryset.model)))


def get_for(user, queryset: QuerySet | type[Model], pk, *, write: bool = False):
    """The object if the user may read it (and write it, if asked); 404 outside the scope.

    A read-only role asking to write an object it can see gets 403.
    """
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    try:
        obj = scoped(queryset, user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或不在您的管理范围内") from None
    if write and not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能修改")
    return obj


def require_write(user) -> None:
    if not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能修改")
