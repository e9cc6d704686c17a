"""The audit log: one row per state change, written in the caller's transaction."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from govmedia.core.models import AuditLog

# The client address of the request being served, set by ``AuditContextMiddleware``.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)
MIN_RETENTION_DAYS = 180  # 等保 2.0: audit records kept at least six months


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The object's concrete fields as JSON-safe values (foreign keys as their text)."""
    names = fields or [
        f.name for f in obj._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}
    ]
    result = {}
    for name in names:
        field = obj._meta.get_field(name)
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            value = str(getattr(obj, name)) if related_id is not None else None
        else:
            value = getattr(obj, name)
            if field.choices and value not in (None, ""):
                value = getattr(obj, f"get_{name}_display")()
        result[name] = _plain(value)
    return result


def _scope_of(obj: models.Model | None) -> tuple[str, int | None]:
    audit_scope = getattr(obj, "audit_scope", None)
    return audit_scope() if callable(audit_scope) else ("", None)


def build_entry(
    actor,
    action: str,
    obj: models.Model | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
) -> AuditLog:
    region_path, unit_id = _scope_of(obj)
    return AuditLog(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        comment=comment,
        region_path=region_path,
        unit_id=unit_id,
        ip=current_ip.get(),
    )


def audit(actor, action: str, obj: models.Model | None, **kwargs) -> AuditLog:
    """Record one change. Call it inside the transaction that makes the change."""
    entry = build_entry(actor, action, obj, **kwargs)
    entry.save()
    return entry


def audit_many(entries: list[AuditLog]) -> None:
    AuditLog.objects.bulk_create(entries, batch_size=1000)


def purge(*, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete entries older than the retention period; refuses anything under 180 days."""
    from django.utils import timezone

    if older_than_days < MIN_RETENTION_DAYS:
        raise ValueError(f"操作日志至少保留 {MIN_RETENTION_DAYS} 天")
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    deleted, _ = AuditLog.objects.all()._purge_before(cutoff)
    return deleted
