"""Pages of dispatch: thin callers of services; every object fetched through the scope."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.dispatch import services
from govmedia.dispatch.models import Directive, DirectiveKind, Task, TaskReminder, TaskStatus
from govmedia.registry.models import MediaAccount, Platform, Unit


class DirectiveForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "请填写标题"})
    kind = forms.ChoiceField(label="要求", choices=DirectiveKind.choices)
    source_url = forms.URLField(
        label="原文链接",
        required=False,
        max_length=1000,
        error_messages={"invalid": "原文链接不是有效的网址"},
    )
    source_name = forms.CharField(label="来源", max_length=100, required=False)
    text = forms.CharField(label="正文或说明", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(
        label="比对关键词", max_length=200, required=False, help_text="原创报道按关键词比对，以逗号分隔"
    )
    attachment = forms.FileField(label="附件（PDF、Word、Excel、图片，不超过 20 MB）", required=False)
    deadline = forms.DateTimeField(
        label="完成时限",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "请填写完成时限", "invalid": "完成时限格式不正确，应为 2026-11-23 18:00"},
    )
    units = forms.ModelMultipleChoiceField(label="目标单位", queryset=Unit.objects.none(), required=False)
    platforms = forms.MultipleChoiceField(label="目标平台", choices=Platform.choices, required=False)
    accounts = forms.ModelMultipleChoiceField(
        label="指定账号（选了则只发给这些账号）",
        queryset=MediaAccount.objects.none(),
        required=False,
        error_messages={"invalid_choice": "指定账号不在您的管理范围内"},
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                services.check_attachment(upload.name, upload.size, upload.read(8))
            except services.DispatchError as error:
                raise forms.ValidationError(error.message) from None
            upload.seek(0)
        return upload

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = scoped(Unit.objects.all(), user).order_by("region__path", "name")
        self.fields["units"].error_messages["invalid_choice"] = "目标单位不在您的管理范围内"
        self.fields["accounts"].queryset = scoped(MediaAccount.objects.all(), user).select_related("owner")


@login_required
def directives(request):
    user = request.user
    items = services.with_completion(services.visible_directives(user)).order_by("-issued_at", "-id")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    rows = [
        (d, services.Completion(d.n_total, d.n_done, d.n_on_time, d.n_acknowledged, d.n_missed)) for d in page
    ]
    return render(
        request,
        "dispatch/directives.html",
        {
            "page": page,
            "rows": rows,
            "can_issue": services.can_issue(user),
            "open_tasks": services.visible_tasks(user).filter(status__in=services.OPEN_TASK).count(),
        },
    )


@login_required
def directive_new(request):
    user = request.user
    if not services.can_issue(user):
        raise PermissionDenied("只有主管单位可以下发调度指令")
    form = DirectiveForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive = services.do_issue_directive(
                acting_user=user,
                title=data["title"],
                kind=data["kind"],
                source_url=data["source_url"],
                source_name=data["source_name"],
                text=data["text"],
                keywords=data["keywords"],
                attachment=data["attachment"],
                deadline=data["deadline"],
                units=list(data["units"]),
                platforms=data["platforms"],
                accounts=list(data["accounts"]),
            )
        except services.DispatchError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"已下发到 {directive.tasks.count()} 个账号")
            return redirect("dispatch:directive", pk=directive.pk)
    return render(request, "dispatch/directive_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def directive_detail(request, pk: int):
    user = request.user
    directive = get_for(user, Directive.objects.select_related("issuer", "created_by"), pk)
    if request.method == "POST":
        if not scope_for(user).can_write:
            raise PermissionDenied("您的角色为只读")
        action = request.POST.get("action")
        try:
            if action == "close":
                services.do_close_directive(directive, acting_user=user)
                messages.success(request, "已结束该指令")
            elif action == "match":
                n = services.match_tasks(Directive.objects.filter(pk=directive.pk))
                messages.success(request, f"已比对采集内容，新认定完成 {n} 个账号")
            else:
                return HttpResponseBadRequest("未知操作")
        except services.DispatchError as error:
            messages.error(request, error.message)
        return redirect("dispatch:directive", pk=directive.pk)
    tasks = directive.tasks.select_related("account__owner__region", "post").order_by(
        "status", "account__owner__region__path", "account__name"
    )
    context = {
        "directive": directive,
        "tasks": tasks,
        "summary": services.completion(directive),
        "by_unit": services.completion_by_unit(directive.tasks.all()),
        "now": timezone.now(),
        "can_issue": services.can_issue(user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "dispatch/_completion.html", context)
    return render(request, "dispatch/directive.html", context)


@login_required
def tasks(request):
    user = request.user
    items = services.visible_tasks(user)
    status = request.GET.get("status", "open")
    if status == "open":
        items = items.filter(status__in=services.OPEN_TASK)
    elif status in TaskStatus.values:
        items = items.filter(status=status)
    page = Paginator(items.order_by("directive__deadline", "id"), 50).get_page(request.GET.get("page"))
    reminders = (
        TaskReminder.objects.filter(
            task__in=services.visible_tasks(user).filter(status__in=[*services.OPEN_TASK, TaskStatus.MISSED])
        )
        .select_related("task__directive", "task__account")
        .order_by("-sent_at")[:20]
    )
    return render(
        request,
        "dispatch/tasks.html",
        {
            "page": page,
            "status": status,
            "statuses": TaskStatus.choices,
            "reminders": reminders,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    user = request.user
    task = get_for(user, Task.objects.select_related("directive__issuer", "account__owner", "post"), pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.do_acknowledge(task, acting_user=user)
                messages.success(request, "已签收")
            elif action == "confirm":
                done_at = _datetime(request.POST.get("done_at"))
                if request.POST.get("done_at") and done_at is None:
                    raise services.DispatchError("完成时间格式不正确，应为 2026-11-23 18:00", field="done_at")
                services.do_confirm(
                    task,
                    acting_user=user,
                    evidence_url=request.POST.get("evidence_url", ""),
                    note=request.POST.get("note", ""),
                    done_at=done_at,
                )
                messages.success(request, "已确认完成")
            else:
                return HttpResponseBadRequest("未知操作")
        except services.DispatchError as error:
            messages.error(request, f"{_LABELS.get(error.field, '')}{error.message}")
        return redirect("dispatch:task", pk=task.pk)
    return render(
        request,
        "dispatch/task.html",
        {
            "task": task,
            "directive": task.directive,
            "can_write": scope_for(user).can_write,
            "now": timezone.now(),
        },
    )


_LABELS = {"evidence_url": "佐证：", "done_at": "完成时间：", "status": ""}


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def attachment(request, pk: int):
    """The directive's attachment, for the issuer's scope and for every unit it was sent to."""
    directive = services.directive_for_reader(request.user, pk)
    if not directive.attachment:
        raise Http404("该指令没有附件")
    name = directive.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(directive.attachment.open("rb"), as_attachment=True, filename=name)
