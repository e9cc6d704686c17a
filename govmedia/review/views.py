"""Pages of the review: thin callers of ``services``; every draft is fetched through the scope."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govmedia.core.models import AuditLog
from govmedia.core.params import as_id
from govmedia.core.scoping import get_for, scoped
from govmedia.registry.models import Unit
from govmedia.review import reports, services
from govmedia.review.forms import DecisionForm, DraftForm, UploadForm
from govmedia.review.media import MediaRefused
from govmedia.review.models import ELEMENT_CHECKLIST, Attachment, RiskFlag, Status
from govmedia.review.sanitize import body_text, clean_body, editable_body
from govmedia.riskcheck.services import checker_for, describe, segments

PAGE_SIZE = 50


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def drafts(request):
    """我的稿件: the drafts I wrote, and those of my unit or region that I may see."""
    mine = services.my_drafts(request.user).prefetch_related("accounts")
    others = services.visible_reviews(request.user).exclude(author=request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        mine, others = mine.filter(status=status), others.filter(status=status)
    page = Paginator(others, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "review/drafts.html",
        {
            "mine": mine[:200],
            "page": page,
            "statuses": Status.choices,
            "status": status,
            "can_write": services.scope_for(request.user).can_write and request.user.unit_id,
        },
    )


@login_required
def inbox(request):
    """待我审核: drafts whose current step I may decide, and my unread notices."""
    return render(
        request,
        "review/inbox.html",
        {
            "waiting": services.waiting_for(request.user),
            "notices": services.unread_notifications(request.user)[:50],
        },
    )


@login_required
def notices_read(request):
    if request.method != "POST":
        return inbox(request)
    services.mark_notifications_read(request.user)
    return redirect("review:inbox")


def _form_values(form: DraftForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "account_ids": [a.pk for a in data["accounts"]],
        "planned_at": data["planned_at"],
        "chosen_level": data["chosen_level"],
    }


@login_required
def new(request):
    if not (services.scope_for(request.user).can_write and request.user.unit_id):
        raise PermissionDenied("您的角色不能撰写稿件")
    form = DraftForm(request.POST or None, unit=request.user.unit)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.do_create_review(acting_user=request.user, **_form_values(form))
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "稿件已保存，并完成风险检测")
            return redirect("review:edit", pk=review.pk)
    return render(request, "review/edit.html", {"form": form, "review": None})


@login_required
def edit(request, pk):
    review = services.get_review_for(request.user, pk)
    if not services.may_edit(review, request.user):
        messages.error(request, "您不能修改这篇稿件（只读角色、非撰稿单位或稿件已结束审核）")
        return _show(request, review)
    initial = {
        "title": review.title,
        "body": editable_body(review.body),
        "accounts": list(review.accounts.all()),
        "planned_at": timezone.localtime(review.planned_at) if review.planned_at else None,
        "chosen_level": review.chosen_level,
    }
    form = DraftForm(request.POST or None, initial=initial, unit=review.unit)
    if request.method == "POST" and form.is_valid():
        try:
            was = review.status
            review = services.do_edit_review(review, acting_user=request.user, **_form_values(form))
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            if (
                was in (Status.IN_REVIEW, Status.APPROVED)
                and review.status == Status.IN_REVIEW
                and review.step == 1
            ):
                messages.warning(request, "稿件已修改，已退回一审重新审核")
            else:
                messages.success(request, "稿件已保存，并完成风险检测")
            return redirect("review:edit", pk=review.pk)
    return render(request, "review/edit.html", _detail_context(request, review) | {"form": form})


@login_required
def live_check(request):
    """The editor's inline hits while typing (htmx): nothing is saved; GET checks nothing."""
    title = request.POST.get("title", "")[:200]
    body = request.POST.get("body", "")[:60_000]
    text = "\n".join(p for p in [title.strip(), body_text(clean_body(body))] if p)
    region = request.user.unit.region if request.user.unit_id else None
    hits = checker_for(region).check(text, as_of=timezone.localdate()) if text else []
    return render(
        request,
        "review/_live_hits.html",
        {"segments": segments(text, hits), "hits": [describe(h) for h in hits], "text": text},
    )


def _detail_context(request, review) -> dict:
    flags = list(review.flags.all())
    spec = services.current_step(review)
    chain = services.chain_for(review.unit, review.level)
    timeline = AuditLog.objects.filter(object_type="review.review", object_id=str(review.pk)).select_related(
        "actor"
    )
    return {
        "review": review,
        "flags": flags,
        "segments": segments(review.checked_text, flags),
        "serious_open": sum(1 for f in flags if f.severity == "serious" and not f.dismissed),
        "attachments": list(review.attachments.all()),
        "accounts": list(review.accounts.all()),
        "chain": chain,
        "step": spec,
        "approvers": services.approvers_for(review, spec) if spec else [],
        "decisions": list(review.decisions.select_related("actor")),
        "timeline": list(timeline.order_by("at", "id")),
        "can_decide": services.can_decide(review, request.user),
        "may_edit": services.may_edit(review, request.user),
        "may_submit": services.may_edit(review, request.user) and review.status in services.SUBMITTABLE,
        "may_publish": review.status == Status.APPROVED and services.may_edit(review, request.user),
        "decision_form": DecisionForm(),
        "upload_form": UploadForm(),
        "checklist": ELEMENT_CHECKLIST,
    }


def _show(request, review):
    services.expire_if_stale(review)
    services.mark_notifications_read(request.user, review)
    return render(request, "review/detail.html", _detail_context(request, review))


@login_required
def detail(request, pk):
    return _show(request, services.get_review_for(request.user, pk))


def _act(request, pk, action, *, success: str):
    review = services.get_review_for(request.user, pk)
    if request.method != "POST":
        return _show(request, review)
    try:
        action(review)
    except (services.ReviewError, MediaRefused) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("review:detail", pk=review.pk)


@login_required
def submit(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.do_submit(r, acting_user=request.user),
        success="已提交审核，已通知审核人",
    )


@login_required
def decide(request, pk):
    review = services.get_review_for(request.user, pk)
    if request.method != "POST":
        return _show(request, review)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "审核操作无效")
        return redirect("review:detail", pk=pk)
    data = form.cleaned_data
    user = request.user
    if data["action"] == "approve":
        return _act(
            request,
            pk,
            lambda r: services.do_approve(
                r, acting_user=user, elements=data["elements"], comment=data["comment"]
            ),
            success="审核通过",
        )
    if data["action"] == "return":
        return _act(
            request,
            pk,
            lambda r: services.do_return(
                r, acting_user=user, reason_tags=data["reason_tags"], comment=data["comment"]
            ),
            success="已退回修改，已通知撰稿人",
        )
    return _act(
        request,
        pk,
        lambda r: services.do_reject(
            r, acting_user=user, reason_tags=data["reason_tags"], comment=data["comment"]
        ),
        success="已审核不通过，已通知撰稿人",
    )


@login_required
def dismiss(request, pk):
    flag = get_for(request.user, RiskFlag.objects.select_related("review__unit__region"), pk)
    review = flag.review
    if request.method != "POST":
        return _show(request, review)
    error = ""
    try:
        services.do_dismiss_flag(flag, acting_user=request.user, reason=request.POST.get("reason", ""))
    except services.ReviewError as refused:
        error = str(refused)
    if _is_htmx(request):
        flag.refresh_from_db()
        context = {
            "f": flag,
            "review": review,
            "error": error,
            "may_edit": services.may_edit(review, request.user),
            "can_decide": services.can_decide(review, request.user),
        }
        return render(request, "review/_flag.html", context)
    messages.error(request, error) if error else messages.success(request, "已确认该提示不是问题")
    return redirect("review:detail", pk=review.pk)


@login_required
def upload(request, pk):
    review = services.get_review_for(request.user, pk)
    if request.method != "POST":
        return _show(request, review)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的图片或视频")
        return redirect("review:detail", pk=pk)
    upload = form.cleaned_data["file"]
    if upload.size > 200 * 1024 * 1024 + 1:
        messages.error(request, "文件过大")
        return redirect("review:detail", pk=pk)
    data = upload.read()
    return _act(
        request,
        pk,
        lambda r: services.do_add_attachment(
            r, acting_user=request.user, name=upload.name, data=data, caption=form.cleaned_data["caption"]
        ),
        success="附件已上传，说明文字已做风险检测",
    )


@login_required
def remove_attachment(request, pk):
    attachment = get_for(request.user, Attachment.objects.select_related("review"), pk)
    return _act(
        request,
        attachment.review_id,
        lambda r: services.do_remove_attachment(attachment, acting_user=request.user),
        success="附件已删除",
    )


@login_required
def attachment_file(request, pk):
    attachment = get_for(request.user, Attachment.objects.all(), pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在") from None
    content_type = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(
        attachment.extension,
        "video/" + attachment.extension if attachment.kind == "video" else "application/octet-stream",
    )
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def publish(request, pk):
    return _act(
        request,
        pk,
        lambda r: services.do_mark_published(r, acting_user=request.user, url=request.POST.get("url", "")),
        success="已登记发布",
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def register(request):
    """审核登记: who reviewed what and when, with turnaround per step and return reasons; exportable."""
    units = scoped(Unit.objects.select_related("region"), request.user)
    unit_id = request.GET.get("unit", "")
    unit_id = as_id(unit_id)
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    decisions = reports.register(request.user, unit_id=unit_id, since=since, until=until)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            reports.register_xlsx(decisions),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"review-register-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    decisions = list(decisions)
    page = Paginator(decisions, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "review/register.html",
        {
            "page": page,
            "units": units,
            "unit_id": unit_id,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
            "turnaround": reports.turnaround(decisions),
            "reasons": reports.reasons(decisions),
            "query": request.GET.urlencode(),
        },
    )
