"""Pages of the inbox and the answer bank: thin callers of services, objects fetched through the scope."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from govmedia.content.models import Message
from govmedia.core.params import as_id, is_id
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.interaction import answers as answer_bank
from govmedia.interaction import push, reports, services
from govmedia.interaction.models import Answer, Case, Kind, Notification, Status, Topic
from govmedia.registry.models import MediaAccount, Unit
from govmedia.riskcheck.services import describe, segments


def _case_for(user, pk) -> Case:
    """A case in the user's scope, or one forwarded to the user's unit (read only for the latter)."""
    queryset = Case.objects.select_related(
        "message__account__owner__region", "topic", "assignee", "forwarded_to", "answer_used"
    )
    try:
        return get_for(user, queryset, pk)
    except Http404:
        case = services.forwarded_to_user(user).filter(pk=pk).first()
        if case is None:
            raise
        return case


@login_required
def inbox(request):
    user = request.user
    # New messages show up at once; older stragglers are picked up by the reply_reminders job.
    recent = timezone.now() - dt.timedelta(days=services.OPEN_ON_VIEW_DAYS)
    services.open_cases(scoped(Message.objects.filter(received_at__gte=recent), user))
    cases = services.visible_cases(user)
    accounts = scoped(MediaAccount.objects.all(), user).select_related("owner")
    f = request.GET
    if is_id(f.get("account", "")):
        cases = cases.filter(message__account_id=int(f["account"]))
    if f.get("kind") in Kind.values:
        cases = cases.filter(kind=f["kind"])
    if is_id(f.get("topic", "")):
        cases = cases.filter(topic_id=int(f["topic"]))
    status = f.get("status", "open")
    if status == "open":
        cases = cases.filter(status__in=services.OPEN_STATUSES)
    elif status in Status.values:
        cases = cases.filter(status=status)
    now = timezone.now()
    if f.get("overdue"):
        cases = cases.filter(status__in=services.OPEN_STATUSES, deadline__lt=now)
    if f.get("mine"):
        cases = cases.filter(assignee=user)
    page = Paginator(cases.order_by("deadline", "id"), 50).get_page(f.get("page"))
    counts = {
        "open": services.visible_cases(user).filter(status__in=services.OPEN_STATUSES).count(),
        "overdue": services.visible_cases(user)
        .filter(status__in=services.OPEN_STATUSES, deadline__lt=now)
        .count(),
        "forwarded_to_me": services.forwarded_to_user(user).filter(forward_answered_at__isnull=True).count(),
    }
    return render(
        request,
        "interaction/inbox.html",
        {
            "page": page,
            "now": now,
            "accounts": accounts,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "topics": Topic.objects.filter(case__in=services.visible_cases(user)).distinct().order_by("name"),
            "f": f,
            "status": status,
            "counts": counts,
            "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        },
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="答复内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "请填写答复内容", "max_length": "答复内容过长，最多 2000 字"},
    )
    sent_at = forms.DateTimeField(
        label="在平台发送的时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": "发送时间格式不正确，应为 2026-11-23 09:30"},
        help_text="留空表示刚刚发送",
    )
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    risks_confirmed = forms.BooleanField(label="已逐条核对风险提示", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    user = request.user
    case = _case_for(user, pk)
    in_scope = scoped(Case.objects.filter(pk=case.pk), user).exists()
    reply_form = ReplyForm(initial={"text": case.forward_answer} if case.forward_answer else None)
    used = _int(request.GET.get("use"))
    if used and in_scope:
        chosen = answer_bank.answers_for_region(case.message.account.owner.region).filter(pk=used).first()
        if chosen is not None:
            reply_form = ReplyForm(initial={"text": chosen.answer, "answer": chosen.pk})
    hits = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "forward_answer":
                services.do_answer_forward(case, acting_user=user, text=request.POST.get("text", ""))
                messages.success(request, "已提交答复意见，已通知原单位")
                return redirect("interaction:case", pk=case.pk)
            if not in_scope:
                raise Http404("对象不存在或不在您的管理范围内")
            if action == "assign":
                assignee = (
                    services.assignable_users(case).filter(pk=_int(request.POST.get("assignee"))).first()
                )
                services.do_assign(case, acting_user=user, assignee=assignee)
                messages.success(request, f"已分派给 {assignee}")
            elif action == "reply":
                reply_form = ReplyForm(request.POST)
                if reply_form.is_valid():
                    data = reply_form.cleaned_data
                    answer = Answer.objects.filter(pk=data["answer"]).first() if data["answer"] else None
                    services.do_reply(
                        case,
                        acting_user=user,
                        text=data["text"],
                        sent_at=data["sent_at"],
                        answer=answer,
                        risks_confirmed=data["risks_confirmed"],
                    )
                    messages.success(request, "已答复")
                else:
                    raise services.CaseError("答复未保存，请按提示修改")
            elif action == "forward":
                unit = _forward_targets(user, case).filter(pk=_int(request.POST.get("unit"))).first()
                services.do_forward(case, acting_user=user, unit=unit, note=request.POST.get("note", ""))
                messages.success(request, f"已转办 {unit}")
            elif action == "offline":
                services.do_answer_offline(case, acting_user=user, reason=request.POST.get("reason", ""))
                messages.success(request, "已登记为线下答复")
            elif action == "close":
                services.do_close(case, acting_user=user)
                messages.success(request, "已办结")
            elif action == "reclassify":
                topic = Topic.objects.filter(pk=_int(request.POST.get("topic"))).first()
                services.do_reclassify(case, acting_user=user, kind=request.POST.get("kind", ""), topic=topic)
                messages.success(request, "已修改分类")
            else:
                return HttpResponseBadRequest("未知操作")
            return redirect("interaction:case", pk=case.pk)
        except services.ReplyRefused as refused:
            hits = refused.hits
            messages.error(request, refused.message)
            if refused.field and refused.field in reply_form.fields and reply_form.is_bound:
                reply_form.add_error(refused.field, refused.message)
        except services.CaseError as error:
            messages.error(request, f"{_FIELD_LABELS.get(error.field, '')}{error.message}")
        case.refresh_from_db()
    region = case.message.account.owner.region
    suggestions = answer_bank.suggest_answers(case.message.text, region) if case.is_open and in_scope else []
    route = services.reply_route(case)
    text = reply_form["text"].value() or ""
    return render(
        request,
        "interaction/case.html",
        {
            "case": case,
            "message": case.message,
            "in_scope": in_scope,
            "can_write": in_scope and scope_for(user).can_write,
            "is_forward_target": case.forwarded_to_id == user.unit_id and case.status == Status.FORWARDED,
            "reply_form": reply_form,
            "route": route,
            "suggestions": suggestions,
            "assignees": services.assignable_users(case) if in_scope else [],
            "units": _forward_targets(user, case) if in_scope else [],
            "kinds": Kind.choices,
            "topics": Topic.objects.order_by("name"),
            "hits": [describe(h) for h in hits],
            "segments": segments(text, hits) if hits else [],
            "now": timezone.now(),
            "history": _history(case),
        },
    )


_FIELD_LABELS = {
    "assignee": "办理人：",
    "unit": "转办单位：",
    "note": "转办说明：",
    "reason": "线下答复原因：",
    "text": "答复内容：",
    "kind": "留言类别：",
    "status": "",
    "sent_at": "发送时间：",
}


def _int(value) -> int | None:
    return as_id(str(value or ""))


def _forward_targets(user, case: Case):
    """Units of the same region (and the regions below) as the account's owner, except the owner."""
    owner = case.message.account.owner
    return (
        Unit.objects.filter(region__path__startswith=owner.region.path)
        .exclude(pk=owner.pk)
        .select_related("region")
        .order_by("region__path", "name")
    )


def _history(case: Case):
    from govmedia.core.models import AuditLog

    return AuditLog.objects.filter(object_type="interaction.case", object_id=str(case.pk)).select_related(
        "actor"
    )[:50]


@login_required
def forwarded(request):
    cases = services.forwarded_to_user(request.user).order_by("forward_answered_at", "deadline")
    return render(request, "interaction/forwarded.html", {"cases": cases, "now": timezone.now()})


@login_required
def report(request):
    cases = services.visible_cases(request.user)
    since = _date(request.GET.get("since")) or (timezone.localdate() - dt.timedelta(days=90))
    until = _date(request.GET.get("until")) or timezone.localdate()
    cases = cases.filter(message__received_at__date__gte=since, message__received_at__date__lte=until)
    return render(
        request,
        "interaction/report.html",
        {
            "by_unit": reports.response_stats(cases, by="unit"),
            "by_topic": reports.response_stats(cases, by="topic"),
            "since": since,
            "until": until,
        },
    )


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)[:100]
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("interaction:notifications")
    return render(request, "interaction/notifications.html", {"items": items})


# ---------------------------------------------------------------- answer bank


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Answer
        fields = ["owner", "topic", "question", "answer", "valid_from", "valid_until", "active"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 6}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "question": {"required": "请填写问题"},
            "answer": {"required": "请填写答复口径"},
            "owner": {"required": "请选择答复单位", "invalid_choice": "请选择您管理范围内的答复单位"},
            "valid_from": {"invalid": "生效日期格式不正确，应为 2026-11-23"},
            "valid_until": {"invalid": "失效日期格式不正确，应为 2026-11-23"},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = scoped(Unit.objects.all(), user).order_by("region__path", "name")
        self.fields["topic"].queryset = Topic.objects.order_by("name")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("valid_until")
            and cleaned.get("valid_from")
            and cleaned["valid_until"] < cleaned["valid_from"]
        ):
            self.add_error("valid_until", "失效日期不能早于生效日期")
        return cleaned


@login_required
def answers(request):
    items = scoped(Answer.objects.all(), request.user).select_related("owner", "topic")
    q = request.GET.get("q", "").strip()
    if q:
        items = items.filter(question__icontains=q) | items.filter(answer__icontains=q)
    today = timezone.localdate()
    if request.GET.get("stale"):
        items = answer_bank.stale_answers(items, today)
    page = Paginator(items.order_by("-updated_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "interaction/answers.html",
        {
            "page": page,
            "q": q,
            "today": today,
            "stale_count": answer_bank.stale_answers(
                scoped(Answer.objects.all(), request.user), today
            ).count(),
            "can_write": scope_for(request.user).can_write,
        },
    )


@login_required
def answer_new(request):
    return _answer_form(request, None)


@login_required
def answer_edit(request, pk: int):
    return _answer_form(request, get_for(request.user, Answer, pk))


def _answer_form(request, answer: Answer | None):
    user = request.user
    form = AnswerForm(request.POST or None, instance=answer, user=user)
    if request.method == "POST":
        if not scope_for(user).can_write:
            raise PermissionDenied("您的角色为只读，不能修改问答库")
        if request.POST.get("action") == "review" and answer is not None:
            answer_bank.do_review_answer(answer, acting_user=user)
            messages.success(request, "已确认该条目仍然有效")
            return redirect("interaction:answer", pk=answer.pk)
        if form.is_valid():
            values = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                saved = answer_bank.do_save_answer(answer, acting_user=user, **values)
            except services.CaseError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, "已保存")
                return redirect("interaction:answer", pk=saved.pk)
    return render(
        request,
        "interaction/answer_form.html",
        {"form": form, "answer": answer, "today": timezone.localdate()},
    )


# ---------------------------------------------------------------- WeChat push callback


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_push(request, token: str):
    """Not a page: WeChat calls it, authenticated by the push token in the URL and the signature."""
    try:
        if request.method == "GET":  # the server-address check when the URL is configured
            return HttpResponse(push.echo(token, request.GET), content_type="text/plain")
        received = push.receive(token, request.GET, request.body)
    except push.PushRefused as refused:
        push.log_refused(token, str(refused))
        response = HttpResponseForbidden(str(refused), content_type="text/plain; charset=utf-8")
        response._has_been_logged = True  # Django's own warning would carry the token in the path
        return response
    if received.message is None:
        return HttpResponse("success", content_type="text/plain")
    deadline = timezone.localtime(received.message.case.deadline)
    xml = push.passive_reply(
        received.from_user,
        received.to_user,
        f"您好，您的留言已收到，我们将于{deadline:%m月%d日%H:%M}前答复。",
    )
    return HttpResponse(
        push.sealed(received, xml, request.GET), content_type="application/xml; charset=utf-8"
    )


# ---------------------------------------------------------------- rules


@login_required
def rules(request):
    """Classification keywords and reply hours of the supervisor's region (data, not code)."""
    user = request.user
    region = user.unit.region if user.unit_id else None
    if region is None:
        raise PermissionDenied("您没有所属地区")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "kind":
                services.do_save_kind_rule(
                    region,
                    acting_user=user,
                    kind=request.POST.get("kind", ""),
                    keywords=request.POST.get("keywords", ""),
                )
            elif action == "topic":
                services.do_save_topic(
                    region,
                    acting_user=user,
                    name=request.POST.get("name", ""),
                    keywords=request.POST.get("keywords", ""),
                )
            elif action == "policy":
                services.do_save_policy(
                    region,
                    acting_user=user,
                    hours=_int(request.POST.get("hours")) or 0,
                    holiday_hours=_int(request.POST.get("holiday_hours")) or 0,
                )
            else:
                return redirect("interaction:rules")
            messages.success(request, "已保存，对此后收到的留言生效")
        except services.CaseError as error:
            messages.error(request, f"{_RULE_LABELS.get(error.field, '')}{error.message}")
        return redirect("interaction:rules")
    effective = services.rules_for(region)
    hours, holiday_hours = services.policy_for(region)
    return render(
        request,
        "interaction/rules.html",
        {
            "region": region,
            "kinds": [(k, Kind(k).label, "、".join(effective.kinds.get(k, []))) for k in services.KIND_ORDER],
            "topics": [
                (name, "、".join(words), topic.region if topic else None)
                for topic, name, words in effective.topics
            ],
            "hours": hours,
            "holiday_hours": holiday_hours,
            "can_edit": services.can_edit_rules(user),
        },
    )


_RULE_LABELS = {
    "kind": "留言类别：",
    "keywords": "关键词：",
    "name": "主题：",
    "hours": "工作日时限：",
    "holiday_hours": "节假日时限：",
}
