"""Rectification pages and notices. Thin callers of ``services``; reads through checked getters."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govmedia.core.params import is_id
from govmedia.core.scoping import get_for, scoped
from govmedia.registry.models import Unit
from govmedia.results import services
from govmedia.results.models import (
    OPEN_STATUSES,
    Assessment,
    AssessmentPeriod,
    CandidateStatus,
    CleanupCandidate,
    Evidence,
    Notice,
    Rectification,
    RectificationStatus,
)
from govmedia.supervision.models import Finding, FindingStatus
from govmedia.supervision.selectors import may_supervise

PAGE_SIZE = 50


def _rectifications(user):
    return scoped(Rectification.objects.select_related("unit", "sent_by"), user)


@login_required
def rectifications(request):
    qs = _rectifications(request.user)
    status = request.GET.get("status", "")
    today = timezone.localdate()
    if status == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    elif status in RectificationStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("deadline", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "results/rectifications.html",
        {
            "page": page,
            "status": status,
            "statuses": RectificationStatus.choices,
            "today": today,
            "can_send": may_supervise(request.user),
        },
    )


class SendForm(forms.Form):
    demand = forms.CharField(
        label="整改要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    exposed = forms.BooleanField(label="公开晾晒（3个工作日内整改）", required=False)
    working_days = forms.IntegerField(
        label="整改时限（工作日，留空按默认）", required=False, min_value=1, max_value=30
    )


@login_required
def rectification_new(request):
    if not may_supervise(request.user):
        raise PermissionDenied("只有主管单位可以下发整改通知")
    open_findings = scoped(
        Finding.objects.filter(status=FindingStatus.OPEN).select_related("account__owner"), request.user
    ).order_by("account__owner__name", "account__name", "-last_found_at")
    form = SendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(i) for i in request.POST.getlist("finding") if is_id(i)]
        chosen = list(open_findings.filter(pk__in=ids))
        try:
            created = services.do_send_rectifications(
                chosen,
                acting_user=request.user,
                demand=form.cleaned_data["demand"],
                exposed=form.cleaned_data["exposed"],
                working_days=form.cleaned_data["working_days"],
            )
        except services.RectificationError as exc:
            messages.error(request, f"问题：{exc}")
        else:
            messages.success(request, f"已向 {len(created)} 个单位下发整改通知")
            return redirect("results:rectifications")
    return render(request, "results/rectification_new.html", {"form": form, "findings": open_findings[:500]})


class AnswerForm(forms.Form):
    answer = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    link = forms.URLField(label="佐证链接", required=False, max_length=500)


class DecideForm(forms.Form):
    comment = forms.CharField(label="验收意见（退回时必填）", required=False, max_length=500)


@login_required
def rectification(request, pk: int):
    rect = get_for(request.user, _rectifications(request.user).prefetch_related("evidence"), pk)
    findings = rect.findings.select_related("account")
    return render(
        request,
        "results/rectification.html",
        {
            "rect": rect,
            "findings": findings,
            "overdue": rect.is_overdue(),
            "answer_form": AnswerForm() if services.may_answer(request.user, rect) else None,
            "decide_form": DecideForm() if may_supervise(request.user) else None,
        },
    )


@login_required
def rectification_answer(request, pk: int):
    if request.method != "POST":  # an action URL opened by GET shows the rectification
        return rectification(request, pk)
    rect = get_for(request.user, _rectifications(request.user), pk, write=True)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{errors[0]}")
        return redirect("results:rectification", pk=rect.pk)
    try:
        services.do_answer_rectification(
            rect,
            acting_user=request.user,
            answer=form.cleaned_data["answer"],
            link=form.cleaned_data["link"],
            files=request.FILES.getlist("evidence"),
        )
    except ValidationError as exc:
        messages.error(request, f"佐证材料：{exc.messages[0]}")
    except services.RectificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "整改情况已提交，等待主管单位验收")
    return redirect("results:rectification", pk=rect.pk)


@login_required
def rectification_decide(request, pk: int):
    if request.method != "POST":
        return rectification(request, pk)
    rect = get_for(request.user, _rectifications(request.user), pk, write=True)
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        services.do_decide_rectification(
            rect,
            acting_user=request.user,
            accept=request.POST.get("decision") == "accept",
            comment=form.cleaned_data.get("comment", ""),
        )
    except services.RectificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已处理")
    return redirect("results:rectification", pk=rect.pk)


@login_required
def evidence(request, pk: int):
    item = get_for(request.user, Evidence.objects.all(), pk)
    return FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.original_name
    )


@login_required
def notices(request):
    qs = scoped(Notice.objects.select_related("unit"), request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "results/notices.html", {"page": page})


@login_required
def dashboard(request):
    """工作台: a region's supervisor or observer sees its region; an owner unit sees its own accounts."""
    from govmedia.core.scoping import scope_for
    from govmedia.results import dashboard as selectors

    scope = scope_for(request.user)
    if scope.everything or scope.region_paths:
        return render(request, "results/dashboard.html", selectors.cached_supervisor_dashboard(request.user))
    return render(request, "results/unit_dashboard.html", selectors.unit_dashboard(request.user))


class AssessmentForm(forms.Form):
    period = forms.ChoiceField(label="考核周期", choices=AssessmentPeriod.choices)
    year = forms.IntegerField(label="年度", min_value=2018, max_value=2100)
    number = forms.IntegerField(label="月份或季度（年度考核不填）", required=False, min_value=1, max_value=12)
    scope_unit = forms.ModelChoiceField(label="考核范围（含下级单位）", queryset=Unit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = scoped(Unit.objects.all(), user).order_by("region__path", "name")
        self.fields["year"].initial = timezone.localdate().year


@login_required
def assessments(request):
    from govmedia.results import assessments as service

    can_run = may_supervise(request.user)
    form = AssessmentForm(request.POST or None, user=request.user) if can_run else None
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            obj = service.do_run_assessment(
                acting_user=request.user,
                period=d["period"],
                year=d["year"],
                number=d["number"] or 1,
                scope_unit=d["scope_unit"],
            )
        except service.AssessmentError as exc:
            messages.error(request, f"考核周期：{exc}")
        else:
            return redirect("results:assessment", pk=obj.pk)
    page = Paginator(
        scoped(Assessment.objects.select_related("scope_unit"), request.user), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "results/assessments.html", {"page": page, "form": form})


def _assessment_units(request, obj):
    """Rows of units the user may see (a county office sees its part of a city assessment)."""
    visible = set(
        scoped(
            Unit.objects.filter(pk__in=[u["unit_id"] for u in obj.result.get("units", [])]), request.user
        ).values_list("pk", flat=True)
    )
    return [u for u in obj.result.get("units", []) if u["unit_id"] in visible]


@login_required
def assessment(request, pk: int):
    obj = get_for(request.user, Assessment.objects.select_related("scope_unit"), pk)
    return render(request, "results/assessment.html", {"a": obj, "units": _assessment_units(request, obj)})


@login_required
def assessment_export(request, pk: int):
    from govmedia.results.assessments import assessment_xlsx

    obj = get_for(request.user, Assessment.objects.all(), pk)
    response = HttpResponse(
        assessment_xlsx(obj), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=assessment-{obj.pk}.xlsx"
    return response


@login_required
def cleanup(request):
    from govmedia.results import cleanup as service

    if request.method == "POST":
        if not may_supervise(request.user):
            raise PermissionDenied("只有主管单位可以刷新清理整合候选")
        r = service.refresh_candidates()
        messages.success(
            request, f"已刷新：新增 {r['added']} 个，更新 {r['updated']} 个，移除 {r['removed']} 个"
        )
        return redirect("results:cleanup")
    status = request.GET.get("status", "open")
    qs = scoped(CleanupCandidate.objects.select_related("account__owner"), request.user)
    if status in CandidateStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "results/cleanup.html",
        {
            "page": page,
            "status": status,
            "statuses": CandidateStatus.choices,
            "can_act": may_supervise(request.user),
            "rules": service.rules(),
        },
    )


@login_required
def cleanup_candidate(request, pk: int):
    from govmedia.results import cleanup as service

    qs = scoped(CleanupCandidate.objects.select_related("account__owner"), request.user)
    candidate = get_for(request.user, qs, pk, write=request.method == "POST")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "dismiss":
                service.do_dismiss_candidate(
                    candidate, acting_user=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, "已排除")
            else:
                service.do_request_filing(
                    candidate, acting_user=request.user, kind=request.POST.get("kind", "close")
                )
                messages.success(request, "已通知主办单位发起备案")
        except service.CleanupError as exc:
            messages.error(request, f"排除理由：{exc}" if "理由" in str(exc) else str(exc))
        return redirect("results:cleanup_candidate", pk=candidate.pk)
    return render(
        request, "results/cleanup_candidate.html", {"c": candidate, "can_act": may_supervise(request.user)}
    )


@login_required
def indices(request):
    """勤勉指数 and 效果指数 per account for the last six months, with the region's trend."""
    from govmedia.registry.models import AccountStatus, MediaAccount
    from govmedia.results import indices as service

    accounts = list(
        scoped(MediaAccount.objects.filter(status=AccountStatus.ACTIVE), request.user)
        .select_related("owner")
        .order_by("owner__name", "name")
    )
    periods = service.months_back(timezone.localdate(), 6)
    table = [service.compute([a.pk for a in accounts], start, end) for start, end in periods]
    rows = []
    for a in accounts:
        cells = [t[a.pk] for t in table]
        rows.append({"account": a, "cells": cells, "last": cells[-1]})
    rows.sort(key=lambda r: (-r["last"]["effect"], r["account"].name))
    units: dict[str, list] = {}
    for r in rows:
        units.setdefault(r["account"].owner.name, []).append(r["last"])
    unit_rows = sorted(
        (
            {
                "unit": name,
                "accounts": len(items),
                "diligence": round(sum(i["diligence"] for i in items) / len(items), 1),
                "effect": round(sum(i["effect"] for i in items) / len(items), 1),
            }
            for name, items in units.items()
        ),
        key=lambda u: -u["effect"],
    )
    n = len(accounts) or 1
    labels = [f"{start:%Y-%m}" for start, _ in periods]
    trend = {
        "kind": "lines",
        "labels": labels,
        "series": [
            {
                "name": "平均勤勉指数",
                "data": [round(sum(t[a.pk]["diligence"] for a in accounts) / n, 1) for t in table],
            },
            {
                "name": "平均效果指数",
                "data": [round(sum(t[a.pk]["effect"] for a in accounts) / n, 1) for t in table],
            },
        ],
    }
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "results/indices.html",
        {"page": page, "labels": labels, "units": unit_rows[:20], "trend": trend, "config": service.config()},
    )
