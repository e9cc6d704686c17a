"""Pages of the security register, duty roster and incidents: thin callers of services, scoped."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from govmedia.core.params import as_id
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.registry.models import AccountStatus, MediaAccount, Platform, Unit
from govmedia.security import services
from govmedia.security.models import (
    PASSWORD_DAYS,
    DutyShift,
    IncidentKind,
    IncidentLevel,
    IncidentStatus,
    SecurityIncident,
    SecurityReminder,
    Takedown,
)

DATE_ERRORS = {"invalid": "日期格式不正确，应为 2026-11-23"}


@login_required
def register(request):
    user = request.user
    accounts = (
        scoped(MediaAccount.objects.filter(status=AccountStatus.ACTIVE), user)
        .select_related("owner", "security")
        .order_by("owner__region__path", "owner__name", "name")
    )
    today = timezone.localdate()
    overdue = set(services.password_overdue(accounts, today).values_list("pk", flat=True))
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "security/register.html",
        {
            "page": page,
            "overdue": overdue,
            "days": PASSWORD_DAYS,
            "on_duty": services.on_duty(user, today),
            "reminders": scoped(SecurityReminder.objects.all(), user).select_related("account")[:20],
            "open_incidents": scoped(
                SecurityIncident.objects.exclude(status=IncidentStatus.CLOSED), user
            ).count(),
        },
    )


class RegisterForm(forms.Form):
    password_holder = forms.CharField(
        label="密码保管人", max_length=50, error_messages={"required": "请填写密码保管人"}
    )
    holder_phone = forms.CharField(label="保管人电话", max_length=20, required=False)
    terminals = forms.CharField(
        label="使用终端",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一台：设备名称、使用人、存放位置",
    )
    password_changed_on = forms.DateField(
        label="最近修改密码日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )
    two_factor = forms.BooleanField(label="已开启登录保护（扫码或短信验证）", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def account_register(request, pk: int):
    user = request.user
    account = get_for(user, MediaAccount.objects.select_related("owner"), pk)
    current = services.register_of(account)
    initial = {
        "password_holder": current.password_holder,
        "holder_phone": current.holder_phone,
        "terminals": current.terminals,
        "password_changed_on": current.password_changed_on,
        "two_factor": current.two_factor,
    }
    form = RegisterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not scope_for(user).can_write:
            raise PermissionDenied("您的角色为只读，不能修改")
        if form.is_valid():
            try:
                services.do_save_register(account, acting_user=user, **form.cleaned_data)
            except services.SecurityError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, "已保存安全登记")
                return redirect("security:account", pk=account.pk)
    incidents = account.security_incidents.all()[:20]
    return render(
        request,
        "security/account.html",
        {"account": account, "form": form, "register": current, "incidents": incidents},
    )


@login_required
def duty(request):
    user = request.user
    start = _date(request.GET.get("start")) or timezone.localdate()
    units = scoped(Unit.objects.all(), user).order_by("region__path", "name")
    if request.method == "POST":
        if not scope_for(user).can_write:
            raise PermissionDenied("您的角色为只读，不能修改")
        if request.POST.get("action") == "remove":
            shift = get_for(user, DutyShift, request.POST.get("shift"), write=True)
            services.do_remove_duty(shift, acting_user=user)
            messages.success(request, "已删除")
            return redirect("security:duty")
        unit = units.filter(pk=_int(request.POST.get("unit"))).first()
        day = _date(request.POST.get("date"))
        try:
            if unit is None:
                raise services.SecurityError("请选择您管理范围内的单位", field="unit")
            if day is None:
                raise services.SecurityError("日期格式不正确，应为 2026-11-23", field="date")
            services.do_add_duty(
                acting_user=user,
                unit=unit,
                date=day,
                person=request.POST.get("person", ""),
                phone=request.POST.get("phone", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已排班")
        except services.SecurityError as error:
            messages.error(request, f"{_LABELS.get(error.field, '')}{error.message}")
        return redirect(f"{request.path}?start={start:%Y-%m-%d}")
    shifts = scoped(
        DutyShift.objects.filter(date__gte=start, date__lt=start + dt.timedelta(days=7)), user
    ).select_related("unit")
    return render(
        request,
        "security/duty.html",
        {
            "shifts": shifts,
            "start": start,
            "units": units,
            "gaps": services.duty_gaps(units, start)[:50],
            "today": timezone.localdate(),
            "on_duty": services.on_duty(user),
        },
    )


_LABELS = {
    "unit": "单位：",
    "date": "日期：",
    "person": "值班人：",
    "phone": "联系电话：",
    "text": "处置情况：",
    "takedown": "平台处置：",
    "report": "结案报告：",
    "status": "",
}


def _int(value) -> int | None:
    return as_id(str(value or ""))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def incidents(request):
    items = scoped(SecurityIncident.objects.all(), request.user).select_related("account__owner")
    status = request.GET.get("status", "")
    if status in IncidentStatus.values:
        items = items.filter(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "security/incidents.html",
        {"page": page, "status": status, "statuses": IncidentStatus.choices},
    )


class IncidentForm(forms.Form):
    account = forms.ModelChoiceField(
        label="涉及账号",
        queryset=MediaAccount.objects.none(),
        error_messages={"required": "请选择涉及账号", "invalid_choice": "涉及账号不在您的管理范围内"},
    )
    kind = forms.ChoiceField(label="类别", choices=IncidentKind.choices)
    level = forms.ChoiceField(label="等级", choices=IncidentLevel.choices)
    title = forms.CharField(label="事件概述", max_length=200, error_messages={"required": "请填写事件概述"})
    occurred_at = forms.DateTimeField(
        label="发生时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "请填写发生时间", "invalid": "发生时间格式不正确，应为 2026-11-23 09:30"},
    )
    description = forms.CharField(label="详细情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    impostor_name = forms.CharField(label="仿冒账号名称", max_length=100, required=False)
    impostor_platform = forms.ChoiceField(
        label="仿冒账号平台", choices=[("", "—"), *Platform.choices], required=False
    )
    impostor_url = forms.URLField(
        label="仿冒账号链接",
        max_length=500,
        required=False,
        error_messages={"invalid": "仿冒账号链接不是有效的网址"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = scoped(MediaAccount.objects.all(), user).select_related("owner")


@login_required
def incident_new(request):
    user = request.user
    form = IncidentForm(request.POST or None, user=user, initial={"occurred_at": timezone.localtime()})
    if request.method == "POST":
        if not scope_for(user).can_write:
            raise PermissionDenied("您的角色为只读，不能修改")
        if form.is_valid():
            data = dict(form.cleaned_data)
            account = data.pop("account")
            try:
                incident = services.do_report_incident(account, acting_user=user, **data)
            except services.SecurityError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "已登记安全事件")
                return redirect("security:incident", pk=incident.pk)
    return render(request, "security/incident_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request, pk: int):
    user = request.user
    incident = get_for(user, SecurityIncident.objects.select_related("account__owner", "reported_by"), pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "event":
                services.do_add_event(incident, acting_user=user, text=request.POST.get("text", ""))
            elif action == "takedown":
                services.do_update_takedown(
                    incident, acting_user=user, takedown=request.POST.get("takedown", "")
                )
            elif action == "close":
                services.do_close_incident(incident, acting_user=user, report=request.POST.get("report", ""))
            else:
                return HttpResponseBadRequest("未知操作")
            messages.success(request, "已保存")
        except services.SecurityError as error:
            messages.error(request, f"{_LABELS.get(error.field, '')}{error.message}")
        return redirect("security:incident", pk=incident.pk)
    return render(
        request,
        "security/incident.html",
        {
            "incident": incident,
            "events": incident.events.select_related("by"),
            "takedowns": [c for c in Takedown.choices if c[0]],
            "can_write": scope_for(user).can_write,
        },
    )
