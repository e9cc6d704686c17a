"""Pages: inspections and their ranking, account score cards, Findings. Thin callers of services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from govmedia.core.params import is_id
from govmedia.core.scoping import scoped
from govmedia.registry.models import AssessmentGroup, Platform, Unit
from govmedia.registry.spreadsheets import xlsx_response
from govmedia.supervision import selectors, services, tasks
from govmedia.supervision.exporting import inspection_file
from govmedia.supervision.models import (
    FINDING_TRANSITIONS,
    FindingStatus,
    IndicatorKind,
    IndicatorSet,
    InspectionFinding,
    InspectionStatus,
    WarningLog,
)

PAGE_SIZE = 50


def _require_supervisor(user) -> None:
    if not selectors.may_supervise(user):
        raise PermissionDenied("只有主管单位和系统管理员可以执行此操作")


@login_required
def inspections(request):
    qs = selectors.visible_inspections(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inspections.html",
        {"page": page, "can_run": selectors.may_supervise(request.user)},
    )


class RunForm(forms.Form):
    start = forms.DateField(label="检查期间起", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="检查期间止（含）", widget=forms.DateInput(attrs={"type": "date"}))
    indicator_set = forms.ModelChoiceField(
        label="指标体系", queryset=IndicatorSet.objects.filter(is_current=True), empty_label=None
    )
    scope_unit = forms.ModelChoiceField(label="检查范围（含下级单位）", queryset=Unit.objects.none())
    sample_ratio = forms.FloatField(
        label="抽查比例（留空为全覆盖检查）", required=False, min_value=0.01, max_value=1
    )
    seed = forms.IntegerField(label="随机种子（留空自动生成）", required=False)
    title = forms.CharField(label="名称", required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = scoped(Unit.objects.all(), user).order_by("region__path", "name")
        today = timezone.localdate()
        last_monday = today - dt.timedelta(days=today.weekday() + 7)
        self.fields["start"].initial = last_monday
        self.fields["end"].initial = last_monday + dt.timedelta(days=6)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("结束日期不能早于开始日期")
        return data


@login_required
def inspection_new(request):
    _require_supervisor(request.user)
    form = RunForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        inspection = tasks.inspect(
            start=d["start"],
            end=d["end"],
            indicator_set=d["indicator_set"],
            scope_unit=d["scope_unit"],
            sample_ratio=d["sample_ratio"],
            seed=d["seed"],
            acting_user=request.user,
            title=d["title"],
        )
        _report_started(request, inspection)
        return redirect("supervision:inspection", pk=inspection.pk)
    return render(request, "supervision/inspection_new.html", {"form": form})


def _report_started(request, inspection) -> None:
    version = f"（第{inspection.version}版）" if inspection.version > 1 else ""
    if inspection.status == InspectionStatus.RUNNING:
        messages.info(
            request,
            f"检查{version}已提交，共 {inspection.account_count} 个账号，正在后台计算，请稍后刷新本页",
        )
    else:
        messages.success(
            request,
            f"检查{version}完成：{inspection.account_count} 个账号，不合格 {inspection.failed_count} 个",
        )


def _chart(units) -> list[dict]:
    """Bars for an inline SVG (no inline styles or scripts: the CSP forbids them)."""
    bars = []
    for n, u in enumerate(units):
        width = max(0.0, min(u.final, 100.0)) * 3
        bars.append({"y": n * 22, "width": round(width, 1), "unit": u, "text_x": round(width + 6, 1)})
    return bars


@login_required
def inspection(request, pk: int):
    obj = selectors.get_inspection_for(request.user, pk)
    units = list(selectors.unit_results_for(request.user, obj))
    groups = []
    for code, label in AssessmentGroup.choices:
        rows = [u for u in units if u.group == code]
        if rows:
            bars = _chart(rows)
            groups.append({"label": label, "rows": rows, "bars": bars, "height": len(rows) * 22 + 4})
    results = selectors.account_results_of(request.user, obj).order_by("score", "account_id")
    platform = request.GET.get("platform", "")
    if platform:
        results = results.filter(platform=platform)
    if request.GET.get("failed"):
        results = results.filter(vetoed=True)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {i.code: i.name for i in obj.indicator_set.indicators.all()}
    rows = [
        {
            "r": r,
            "vetoes": [names.get(c, c) for c in r.detail.get("vetoes", [])],
            "deductions": [(names.get(c, c), p) for c, p in r.detail.get("deductions", {}).items()],
            "bonus": [(names.get(c, c), p) for c, p in r.detail.get("bonus", {}).items()],
        }
        for r in page
    ]
    return render(
        request,
        "supervision/inspection.html",
        {
            "inspection": obj,
            "groups": groups,
            "page": page,
            "rows": rows,
            "rates": services.pass_rates(obj, selectors.account_results_of(request.user, obj)),
            "partial": not selectors.sees_all(request.user, obj),
            "platforms": Platform.choices,
            "platform": platform,
            "can_supervise": selectors.may_supervise(request.user),
        },
    )


@login_required
def inspection_publish(request, pk: int):
    """GET asks for confirmation; POST publishes and freezes the result."""
    obj = selectors.get_inspection_for(request.user, pk, write=request.method == "POST")
    if request.method == "POST":
        _require_supervisor(request.user)
        try:
            services.do_publish_inspection(obj, acting_user=request.user)
            messages.success(request, "检查结果已发布，结果已冻结")
        except services.InspectionError as exc:
            messages.error(request, str(exc))
        return redirect("supervision:inspection", pk=obj.pk)
    return render(request, "supervision/confirm.html", {"inspection": obj, "action": "publish"})


@login_required
def inspection_rerun(request, pk: int):
    """GET asks for confirmation; POST runs the same inspection again as a new version."""
    obj = selectors.get_inspection_for(request.user, pk, write=request.method == "POST")
    if request.method == "POST":
        _require_supervisor(request.user)
        new = services.rerun_inspection(obj, acting_user=request.user, run=tasks.inspect)
        _report_started(request, new)
        return redirect("supervision:inspection", pk=new.pk)
    return render(request, "supervision/confirm.html", {"inspection": obj, "action": "rerun"})


@login_required
def inspection_export(request, pk: int):
    obj = selectors.get_inspection_for(request.user, pk)
    content = inspection_file(
        obj,
        account_results=selectors.account_results_of(request.user, obj),
        unit_results=selectors.unit_results_for(request.user, obj),
    )
    return xlsx_response(content, f"inspection-{obj.pk}.xlsx")


@login_required
def score_card(request, pk: int):
    result = selectors.get_account_result_for(request.user, pk)
    links = {
        link.finding_id: link
        for link in InspectionFinding.objects.filter(
            inspection=result.inspection, finding__account=result.account
        ).select_related("finding")
    }
    items = []
    for item in result.detail.get("items", []):
        items.append(
            {
                **item,
                "counted": [links[i].finding for i in item["findings"] if i in links],
                "uncounted": [links[i].finding for i in item["uncounted"] if i in links],
            }
        )
    return render(
        request,
        "supervision/score_card.html",
        {
            "result": result,
            "inspection": result.inspection,
            "items": items,
            "vetoes": [i for i in items if i["kind"] == IndicatorKind.VETO and i["vetoed"]],
            "deductions": [i for i in items if i["kind"] == IndicatorKind.DEDUCTION],
            "bonus": [i for i in items if i["kind"] == IndicatorKind.BONUS],
            "deducted": 100 - result.deduction_score if result.deduction_score < 100 else 0,
        },
    )


FINDING_FILTERS = ("status", "kind", "indicator", "platform", "unit", "q", "inspection", "unconfirmed")


@login_required
def findings(request):
    qs = selectors.visible_findings(request.user).select_related("account__owner")
    f = {k: request.GET.get(k, "").strip() for k in FINDING_FILTERS}
    # Bonus records are not problems: shown only when asked for by status.
    qs = qs.filter(status=f["status"]) if f["status"] else qs.exclude(status=FindingStatus.NOTED)
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["indicator"]:
        qs = qs.filter(indicator_code=f["indicator"])
    if f["platform"]:
        qs = qs.filter(account__platform=f["platform"])
    if is_id(f["unit"]):
        qs = qs.filter(account__owner_id=int(f["unit"]))
    if is_id(f["inspection"]):
        qs = qs.filter(links__inspection_id=int(f["inspection"]))
    if f["unconfirmed"]:
        qs = qs.filter(needs_confirmation=True, confirmed_at__isnull=True)
    if f["q"]:
        qs = qs.filter(Q(account__name__icontains=f["q"]) | Q(summary__icontains=f["q"]))
    page = Paginator(qs.order_by("-last_found_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return render(
        request,
        "supervision/findings.html",
        {
            "page": page,
            "filters": f,
            "query": query,
            "statuses": FindingStatus.choices,
            "kinds": IndicatorKind.choices,
            "platforms": Platform.choices,
        },
    )


EVIDENCE_LABELS = {
    "post_id": "内容编号",
    "title": "标题",
    "published_at": "发布时间",
    "url": "链接",
    "message_id": "留言编号",
    "kind": "类别",
    "received_at": "留言时间",
    "deadline": "答复时限",
    "replied_at": "答复时间",
    "text": "内容",
    "days": "阈值（天）",
    "idle_days": "未更新天数",
    "last_post": "最近一次发布",
    "checked_at": "监测时间点",
    "no_data": "采集异常",
    "last_success_at": "最近采集成功",
    "last_error": "最近错误",
    "week_start": "周起",
    "week_end": "周止",
    "count": "条数",
    "min": "要求不少于",
    "post_ids": "内容编号",
    "hit": "风险提示",
    "category": "类别",
    "rule": "规则",
    "severity": "严重程度",
    "suggestion": "建议",
    "start": "起始位置",
    "end": "结束位置",
    "has_interaction": "互动功能",
    "followers": "粉丝数",
    "population": "常住人口",
    "share": "比例",
    "posts": "发布条数",
    "originals": "原创条数",
    "review_id": "审核记录",
    "similarity": "相似度",
    "due_on": "应完成日期",
    "days_late": "逾期工作日",
    "message": "说明",
    "source": "依据",
}


def _evidence_value(value):
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = dt.datetime.fromisoformat(value)
            return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment.tzinfo else value
        except ValueError:
            return value
    if value is None:
        return "无"
    if value is True:
        return "有"
    if value is False:
        return "无"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "无"
    return value


def evidence_rows(evidence: dict) -> list[tuple[str, object, list]]:
    """(label, value, nested rows) with Chinese labels and local times, for people."""
    rows = []
    for key, value in evidence.items():
        nested = evidence_rows(value) if isinstance(value, dict) else []
        rows.append((EVIDENCE_LABELS.get(key, key), "" if nested else _evidence_value(value), nested))
    return rows


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="改为", choices=FindingStatus.choices)
    reason = forms.CharField(label="说明（排除时必填）", required=False, max_length=500)


@login_required
def finding(request, pk: int):
    obj = selectors.get_finding_for(request.user, pk)
    can_supervise = selectors.may_supervise(request.user)
    allowed = [
        (s, FindingStatus(s).label)
        for s in FINDING_TRANSITIONS.get(obj.status, set())
        if can_supervise or s != FindingStatus.DISMISSED
    ]
    form = StatusForm(request.POST or None)
    form.fields["status"].choices = sorted(allowed)
    if request.method == "POST":
        obj = selectors.get_finding_for(request.user, pk, write=True)
        if request.POST.get("confirm"):
            _require_supervisor(request.user)
            try:
                services.do_confirm_finding(
                    obj, acting_user=request.user, comment=request.POST.get("reason", "")
                )
                messages.success(request, "已确认，此问题此后计分")
            except services.InspectionError as exc:
                messages.error(request, str(exc))
            return redirect("supervision:finding", pk=obj.pk)
        if form.is_valid():
            try:
                services.do_set_finding_status(
                    obj,
                    form.cleaned_data["status"],
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, "问题状态已更新")
                return redirect("supervision:finding", pk=obj.pk)
            except services.InspectionError as exc:
                messages.error(request, str(exc))
    inspections = obj.inspections.order_by("-period_end")[:20]
    return render(
        request,
        "supervision/finding.html",
        {
            "finding": obj,
            "evidence": evidence_rows(obj.evidence),
            "form": form if allowed else None,
            "inspections": inspections,
            "can_confirm": can_supervise and obj.needs_confirmation and obj.confirmed_at is None,
        },
    )


@login_required
def warnings(request):
    """Early warnings sent before the 14-day veto (monitoring.send_update_warnings)."""
    qs = scoped(WarningLog.objects.select_related("account__owner"), request.user).order_by("-sent_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/warnings.html", {"page": page})
