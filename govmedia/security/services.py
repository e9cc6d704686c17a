"""The security register, the duty roster and security incidents (001 第二十五/二十六条, 002, 003, 004)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govmedia.core.audit import audit, snapshot
from govmedia.core.scoping import scope_for, scoped
from govmedia.registry.models import AccountStatus, MediaAccount, Unit
from govmedia.security.models import (
    PASSWORD_DAYS,
    AccountSecurity,
    DutyShift,
    IncidentEvent,
    IncidentKind,
    IncidentLevel,
    IncidentStatus,
    SecurityIncident,
    SecurityReminder,
    Takedown,
)

# Something that looks like a password written into a free-text field.
_SECRET = re.compile(r"(密码|口令|password|passwd|pwd)\s*[:：=是为]\s*\S+", re.IGNORECASE)

TRANSITIONS = {
    IncidentStatus.OPEN: {IncidentStatus.HANDLING, IncidentStatus.CLOSED},
    IncidentStatus.HANDLING: {IncidentStatus.CLOSED},
    IncidentStatus.CLOSED: set(),
}


class SecurityError(Exception):
    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = message, field
        super().__init__(message)


def _require_write(user, obj_qs: QuerySet) -> None:
    if not scoped(obj_qs, user).exists():
        raise PermissionDenied("不在您的管理范围内")
    if not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能修改")


# ---------------------------------------------------------------- register


def register_of(account: MediaAccount) -> AccountSecurity:
    return AccountSecurity.objects.filter(account=account).first() or AccountSecurity(account=account)


def do_save_register(
    account: MediaAccount,
    *,
    acting_user,
    password_holder: str,
    holder_phone: str = "",
    terminals: str = "",
    password_changed_on: dt.date | None = None,
    two_factor: bool = False,
) -> AccountSecurity:
    """Who holds the password and which terminals are used; never the password itself."""
    _require_write(acting_user, MediaAccount.objects.filter(pk=account.pk))
    for field, value in (("password_holder", password_holder), ("terminals", terminals)):
        if _SECRET.search(value or ""):
            raise SecurityError("请勿在系统中填写密码本身，只登记保管人和终端", field=field)
    if not (password_holder or "").strip():
        raise SecurityError("请填写密码保管人", field="password_holder")
    if password_changed_on and password_changed_on > timezone.localdate():
        raise SecurityError("修改日期不能晚于今天", field="password_changed_on")
    with transaction.atomic():
        register = register_of(account)
        before = snapshot(register) if register.pk else None
        password_changed = register.password_changed_on != password_changed_on
        register.password_holder = password_holder.strip()
        register.holder_phone = (holder_phone or "").strip()
        register.terminals = (terminals or "").strip()
        register.password_changed_on = password_changed_on
        register.two_factor = two_factor
        register.updated_by = acting_user
        register.save()
        audit(acting_user, "security.register_saved", register, before=before, after=snapshot(register))
        if password_changed and password_changed_on:
            audit(
                acting_user, "security.password_changed", register, comment=f"{password_changed_on:%Y-%m-%d}"
            )
    return register


def send_password_reminders(today: dt.date | None = None) -> dict:
    """Every active account: remind when its password is 90 days old, or it was never registered.

    One reminder per account and due date, so running daily reminds once per 90-day cycle.
    """
    today = today or timezone.localdate()
    registers = {r.account_id: r for r in AccountSecurity.objects.all()}
    rows = []
    for account in MediaAccount.objects.filter(status=AccountStatus.ACTIVE).only("id"):
        register = registers.get(account.pk)
        if register is None or register.password_changed_on is None:
            # monthly while unregistered: the due date is the first of this month
            rows.append(SecurityReminder(account=account, kind="unregistered", due_on=today.replace(day=1)))
            continue
        due = register.password_due_on()
        if due <= today:
            rows.append(SecurityReminder(account=account, kind="password", due_on=due))
    existing = set(SecurityReminder.objects.values_list("account_id", "kind", "due_on"))
    new = [r for r in rows if (r.account_id, r.kind, r.due_on) not in existing]
    SecurityReminder.objects.bulk_create(new, ignore_conflicts=True)
    return {
        "password": sum(r.kind == "password" for r in new),
        "unregistered": sum(r.kind == "unregistered" for r in new),
    }


def password_overdue(
    accounts: QuerySet[MediaAccount], today: dt.date | None = None
) -> QuerySet[MediaAccount]:
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=PASSWORD_DAYS)
    return accounts.filter(
        Q(security__isnull=True)
        | Q(security__password_changed_on__isnull=True)
        | Q(security__password_changed_on__lte=cutoff)
    )


# ---------------------------------------------------------------- duty roster


def do_add_duty(
    *, acting_user, unit: Unit, date: dt.date, person: str, phone: str, note: str = ""
) -> DutyShift:
    _require_write(acting_user, Unit.objects.filter(pk=unit.pk))
    person, phone = (person or "").strip(), (phone or "").strip()
    if not person:
        raise SecurityError("请填写值班人", field="person")
    if not re.fullmatch(r"[0-9\-+ ]{7,20}", phone):
        raise SecurityError("联系电话格式不正确", field="phone")
    try:
        with transaction.atomic():
            shift = DutyShift.objects.create(unit=unit, date=date, person=person, phone=phone, note=note)
            audit(acting_user, "security.duty_saved", shift)
    except IntegrityError:
        raise SecurityError(f"{date:%Y年%m月%d日} 已排 {person} 值班", field="person") from None
    return shift


def do_remove_duty(shift: DutyShift, *, acting_user) -> None:
    _require_write(acting_user, DutyShift.objects.filter(pk=shift.pk))
    with transaction.atomic():
        audit(acting_user, "security.duty_removed", shift)
        shift.delete()


def on_duty(user, day: dt.date | None = None) -> QuerySet[DutyShift]:
    """Who is on duty today in the user's scope (for the dashboard)."""
    day = day or timezone.localdate()
    return scoped(DutyShift.objects.filter(date=day), user).select_related("unit")


def duty_gaps(units: QuerySet[Unit], start: dt.date, days: int = 7) -> list[tuple[Unit, dt.date]]:
    """Units (with active accounts) that have nobody on duty on some day of the period."""
    covered = set(
        DutyShift.objects.filter(
            unit__in=units, date__gte=start, date__lt=start + dt.timedelta(days=days)
        ).values_list("unit_id", "date")
    )
    with_accounts = units.filter(accounts__status=AccountStatus.ACTIVE).distinct()
    return [
        (unit, start + dt.timedelta(days=i))
        for unit in with_accounts
        for i in range(days)
        if (unit.pk, start + dt.timedelta(days=i)) not in covered
    ]


# ---------------------------------------------------------------- incidents


def do_report_incident(
    account: MediaAccount,
    *,
    acting_user,
    kind: str,
    level: str,
    title: str,
    occurred_at: dt.datetime,
    description: str = "",
    impostor_name: str = "",
    impostor_platform: str = "",
    impostor_url: str = "",
) -> SecurityIncident:
    _require_write(acting_user, MediaAccount.objects.filter(pk=account.pk))
    if kind not in IncidentKind.values:
        raise SecurityError("请选择事件类别", field="kind")
    if level not in IncidentLevel.values:
        raise SecurityError("请选择事件等级（一般、较大、重大、特别重大）", field="level")
    if not (title or "").strip():
        raise SecurityError("请填写事件概述", field="title")
    if occurred_at is None or occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise SecurityError("发生时间不能晚于现在", field="occurred_at")
    if kind == IncidentKind.IMPOSTOR and not (impostor_name or impostor_url):
        raise SecurityError("仿冒账号请填写其名称或链接", field="impostor_name")
    with transaction.atomic():
        incident = SecurityIncident.objects.create(
            account=account,
            kind=kind,
            level=level,
            title=title.strip()[:200],
            description=description,
            occurred_at=occurred_at,
            impostor_name=impostor_name,
            impostor_platform=impostor_platform,
            impostor_url=impostor_url,
            takedown=Takedown.NONE,
            reported_by=acting_user,
        )
        IncidentEvent.objects.create(incident=incident, text=f"登记：{incident.title}", by=acting_user)
        audit(acting_user, "security.incident_reported", incident, after=snapshot(incident))
    return incident


def _move(incident: SecurityIncident, to: str, **values) -> None:
    if to not in TRANSITIONS[incident.status]:
        raise SecurityError(
            f"事件当前为“{incident.get_status_display()}”，不能改为“{IncidentStatus(to).label}”",
            field="status",
        )
    if (
        SecurityIncident.objects.filter(pk=incident.pk, status=incident.status).update(status=to, **values)
        != 1
    ):
        raise SecurityError("该事件刚被他人处理过，请刷新后再试", field="status")
    incident.refresh_from_db()


def do_add_event(incident: SecurityIncident, *, acting_user, text: str) -> IncidentEvent:
    _require_write(acting_user, SecurityIncident.objects.filter(pk=incident.pk))
    text = (text or "").strip()
    if not text:
        raise SecurityError("请填写处置情况", field="text")
    with transaction.atomic():
        if incident.status == IncidentStatus.OPEN:
            _move(incident, IncidentStatus.HANDLING)
        elif incident.status == IncidentStatus.CLOSED:
            raise SecurityError("事件已结案，不能再添加处置记录", field="text")
        event = IncidentEvent.objects.create(incident=incident, text=text, by=acting_user)
        audit(acting_user, "security.incident_event", incident, comment=text[:200])
    return event


def do_update_takedown(incident: SecurityIncident, *, acting_user, takedown: str) -> SecurityIncident:
    """The platform's handling of an impostor account (001 第二十六条：要求第三方平台立即注销)."""
    _require_write(acting_user, SecurityIncident.objects.filter(pk=incident.pk))
    if incident.kind != IncidentKind.IMPOSTOR:
        raise SecurityError("只有仿冒账号事件有平台处置状态", field="takedown")
    if takedown not in Takedown.values or not takedown:
        raise SecurityError("请选择平台处置状态", field="takedown")
    with transaction.atomic():
        before = incident.get_takedown_display()
        SecurityIncident.objects.filter(pk=incident.pk).update(takedown=takedown)
        incident.refresh_from_db()
        IncidentEvent.objects.create(
            incident=incident, text=f"平台处置：{before} → {incident.get_takedown_display()}", by=acting_user
        )
        if incident.status == IncidentStatus.OPEN:
            _move(incident, IncidentStatus.HANDLING)
        audit(acting_user, "security.takedown_updated", incident, comment=incident.get_takedown_display())
    return incident


def do_close_incident(incident: SecurityIncident, *, acting_user, report: str) -> SecurityIncident:
    _require_write(acting_user, SecurityIncident.objects.filter(pk=incident.pk))
    report = (report or "").strip()
    if len(report) < 20:
        raise SecurityError("结案报告至少 20 字：写明原因、处置经过、整改措施", field="report")
    if incident.kind == IncidentKind.IMPOSTOR and incident.takedown not in {
        Takedown.REMOVED,
        Takedown.REFUSED,
    }:
        raise SecurityError("仿冒账号须平台注销（或确认平台不予处理）后才能结案", field="takedown")
    with transaction.atomic():
        _move(incident, IncidentStatus.CLOSED, closing_report=report, closed_at=timezone.now())
        IncidentEvent.objects.create(incident=incident, text="结案", by=acting_user)
        audit(acting_user, "security.incident_closed", incident, comment=report[:200])
    return incident


def accounts_with_incidents(account_ids=None, *, kinds=None) -> set[int]:
    """Accounts with a recorded security incident: one of the cleanup conditions (清理整合)."""
    incidents = SecurityIncident.objects.all()
    if account_ids is not None:
        incidents = incidents.filter(account_id__in=list(account_ids))
    if kinds:
        incidents = incidents.filter(kind__in=list(kinds))
    return set(incidents.values_list("account_id", flat=True))
