"""Pages: thin callers of the filing services, every object fetched through the scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from govmedia.core.calendar import CalendarMissing
from govmedia.core.models import AuditLog, Role
from govmedia.core.params import as_id
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.filings import documents, services
from govmedia.filings.forms import DecisionForm, FilingForm, RegistrationForm
from govmedia.filings.models import ApprovalStep, Filing, FilingKind, FilingStatus
from govmedia.registry.models import AccountStatus, MediaAccount
from govmedia.registry.services import visible_accounts

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_editor(user) -> None:
    if user.role not in {Role.EDITOR, Role.ADMIN} and not user.is_superuser:
        raise PermissionDenied("只有主办单位的编辑可以填报备案。")


@login_required
def filing_list(request):
    filings = services.visible_filings(request.user)
    status = request.GET.get("status", "")
    if status in FilingStatus.values:
        filings = filings.filter(status=status)
    page = Paginator(filings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/list.html",
        {
            "page": page,
            "status": status,
            "statuses": FilingStatus.choices,
            "kinds": FilingKind.choices,
            "is_editor": request.user.role == Role.EDITOR,
            "waiting_count": services.waiting_for(request.user).count(),
        },
    )


@login_required
def waiting(request):
    steps = scoped(services.waiting_for(request.user), request.user)
    try:
        due_soon = set(
            services.steps_due_soon().filter(pk__in=steps.values("pk")).values_list("pk", flat=True)
        )
    except CalendarMissing as exc:
        messages.warning(request, str(exc))
        due_soon = set()
    return render(
        request, "filings/waiting.html", {"steps": steps, "today": timezone.localdate(), "due_soon": due_soon}
    )


@login_required
def filing_new(request, kind: str):
    if kind not in FilingKind.values:
        raise Http404("没有这种备案类型")
    _require_editor(request.user)
    if request.user.unit is None:
        raise PermissionDenied("您的账户没有所属单位，不能填报备案。")
    filing = Filing(kind=kind, owner=request.user.unit)
    own_accounts = (
        visible_accounts(request.user).filter(owner=request.user.unit).exclude(status=AccountStatus.CLOSED)
    )
    if kind != FilingKind.OPEN:
        account_pk = request.GET.get("account") or request.POST.get("account")
        if not account_pk:
            return render(
                request,
                "filings/choose_account.html",
                {"kind": FilingKind(kind), "accounts": own_accounts},
            )
        account = get_for(request.user, own_accounts, account_pk, write=True)
        services.prefill_from_account(filing, account)
    return _edit(request, filing, own_accounts)


@login_required
def filing_edit(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk)
    if request.method == "GET" and not _is_owner_editor(request.user, filing):
        messages.info(request, "只有主办单位的编辑可以修改备案内容。")
        return filing_detail(request, pk)
    services.require_editor_of(filing, request.user)
    own_accounts = MediaAccount.objects.filter(owner=filing.owner).exclude(status=AccountStatus.CLOSED)
    return _edit(request, filing, own_accounts)


def _is_owner_editor(user, filing: Filing) -> bool:
    return user.role == Role.EDITOR and user.unit_id == filing.owner_id


def _edit(request, filing: Filing, accounts):
    merge_choices = accounts.exclude(pk=filing.account_id) if filing.account_id else accounts
    form = FilingForm(
        request.POST or None, request.FILES or None, instance=filing, kind=filing.kind, accounts=merge_choices
    )
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.do_save_filing(form.save(commit=False), acting_user=request.user)
            form.save_m2m()
        except services.FilingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "备案已保存为草稿。确认无误后请在详情页提交审批。")
            return redirect("filings:detail", pk=filing.pk)
    return render(request, "filings/form.html", {"form": form, "filing": filing})


@login_required
def filing_detail(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk)
    steps = list(filing.steps.select_related("approver_unit", "decided_by").order_by("round", "order"))
    mine = [
        s for s in steps if services.can_decide(request.user, s) and filing.status == FilingStatus.IN_REVIEW
    ]
    history = AuditLog.objects.filter(object_type="filings.filing", object_id=str(filing.pk)).select_related(
        "actor"
    )
    return render(
        request,
        "filings/detail.html",
        {
            "filing": filing,
            "steps": steps,
            "my_step": mine[0] if mine else None,
            "decision_form": DecisionForm(),
            "registration_form": RegistrationForm(initial={"on": timezone.localdate()}),
            "history": history,
            "problems": services.submission_problems(filing) if filing.status in _EDITABLE else [],
            "is_owner_editor": _is_owner_editor(request.user, filing),
            "can_register": scope_for(request.user).can_write
            and request.user.role in {Role.SUPERVISOR, Role.ADMIN},
            "notice_ends_on": _safe(services.notice_ends_on, filing),
            "merged": filing.merged_accounts.all(),
            "today": timezone.localdate(),
        },
    )


def _safe(function, *args):
    """A date the page shows; a year without a holiday schedule shows nothing rather than failing."""
    try:
        return function(*args)
    except CalendarMissing:
        return None


_EDITABLE = {FilingStatus.DRAFT, FilingStatus.RETURNED}


def _run(request, filing_pk: int, action, success: str):
    try:
        action()
    except (services.FilingError, CalendarMissing) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, success)
    return redirect("filings:detail", pk=filing_pk)


def _shows_filing_on_get(view):
    """An action URL opened by GET shows the filing, where its buttons are; only POST acts.

    The scope check comes first (``get_for`` inside the view for POST, here for GET), so an
    outsider gets 404 either way.
    """

    def wrapper(request, pk: int):
        if request.method == "GET":
            return filing_detail(request, _filing_pk_for(view, request, pk))
        if request.method != "POST":
            return HttpResponseNotAllowed(["GET", "POST"])
        return view(request, pk)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


def _filing_pk_for(view, request, pk: int) -> int:
    if view.__name__ == "step_decide":
        return get_for(request.user, ApprovalStep.objects.all(), pk).filing_id
    return pk


@_shows_filing_on_get
def filing_submit(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk, write=True)
    return _run(
        request, pk, lambda: services.do_submit_filing(filing, acting_user=request.user), "备案已提交审批。"
    )


@_shows_filing_on_get
def filing_withdraw(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk, write=True)
    return _run(
        request, pk, lambda: services.do_withdraw_filing(filing, acting_user=request.user), "备案已撤回。"
    )


@_shows_filing_on_get
def filing_registered(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk, write=True)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的登记日期。")
        return redirect("filings:detail", pk=pk)
    return _run(
        request,
        pk,
        lambda: services.do_record_national_registration(
            filing, acting_user=request.user, on=form.cleaned_data["on"]
        ),
        "已登记国家、省系统备案日期。",
    )


@_shows_filing_on_get
def step_decide(request, pk: int):
    steps = ApprovalStep.objects.select_related("filing", "filing__owner__region", "approver_unit")
    step = get_for(request.user, steps, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批意见。")
        return redirect("filings:detail", pk=step.filing_id)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    actions = {
        "approve": (
            lambda: services.do_approve_step(step, acting_user=request.user, comment=comment),
            "已同意。",
        ),
        "return": (
            lambda: services.do_return_step(step, acting_user=request.user, comment=comment),
            "已退回修改。",
        ),
        "reject": (
            lambda: services.do_reject_step(step, acting_user=request.user, comment=comment),
            "已不予同意。",
        ),
    }
    action, success = actions[decision]
    return _run(request, step.filing_id, action, success)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def filing_docx(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk)
    return _download(documents.filing_docx(filing), DOCX, f"{documents.title(filing)}.docx")


@login_required
def filing_pdf(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk)
    try:
        content = documents.filing_pdf(filing)
    except documents.PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("filings:detail", pk=pk)
    return _download(content, "application/pdf", f"{documents.title(filing)}.pdf")


@login_required
def notice_docx(request, pk: int):
    filing = get_for(request.user, services.visible_filings(request.user), pk)
    if filing.kind == FilingKind.OPEN:
        raise Http404("开设备案没有停更公告")
    return _download(documents.notice_docx(filing), DOCX, f"停更公告-{filing.account_name}.docx")


@login_required
def lifecycle_report(request):
    year = request.GET.get("year", "")
    year = as_id(year) or timezone.localdate().year
    rows = services.lifecycle_check(request.user, year)
    return render(request, "filings/report.html", {"rows": rows, "year": year})
