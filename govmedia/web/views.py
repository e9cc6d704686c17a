"""Pages: thin callers of the registry services, every object fetched through the scope."""

from __future__ import annotations

import io

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from govmedia.core.models import AuditLog
from govmedia.core.scoping import get_for, require_write, scope_for, scoped
from govmedia.registry import importing, services
from govmedia.registry.models import AccountStatus, Contact, Platform, Unit
from govmedia.registry.spreadsheets import csv_response, xlsx_file, xlsx_response
from govmedia.web.forms import AccountForm, ImportForm, UnitForm

PAGE_SIZE = 50
UNIT_CHOICES_MAX = 300  # a province has thousands of units: the dropdown asks for a region first


def _filters(request) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in ("region", "unit", "platform", "status", "q")}


@login_required
def matrix(request):
    filters = _filters(request)
    visible = services.visible_accounts(request.user)
    accounts = services.filter_accounts(visible, **filters)
    page = Paginator(accounts.prefetch_related("contacts"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "summary": services.matrix_summary(accounts),
        "regions": services.visible_regions(request.user),
        "units": services.unit_choices(request.user, region=filters["region"], limit=UNIT_CHOICES_MAX),
        "platforms": Platform.choices,
        "statuses": AccountStatus.choices,
        "querystring": "&".join(f"{k}={v}" for k, v in filters.items() if v),
        "can_write": scope_for(request.user).can_write,
    }
    template = "web/_matrix_table.html" if request.headers.get("HX-Request") else "web/matrix.html"
    return render(request, template, context)


@login_required
def account_detail(request, pk: int):
    account = get_for(request.user, services.visible_accounts(request.user), pk)
    history = AuditLog.objects.filter(object_type="registry.mediaaccount", object_id=str(pk))[:50]
    return render(
        request,
        "web/account_detail.html",
        {
            "account": account,
            "contacts": sorted(account.contacts.all(), key=lambda c: Contact.ROLE_ORDER.index(c.role)),
            "problems": services.account_problems(account),
            "followers": account.follower_history.order_by("-date")[:30],
            "history": history,
            "can_write": scope_for(request.user).can_write,
        },
    )


@login_required
def account_qr(request, pk: int):
    account = get_for(request.user, services.visible_accounts(request.user), pk)
    if not account.url and not account.qr_code:
        raise Http404("该账号没有主页链接")
    return _qr_response(account)


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk: int | None = None):
    account = get_for(request.user, services.visible_accounts(request.user), pk, write=True) if pk else None
    require_write(request.user)
    form = AccountForm(
        request.POST or None,
        request.FILES or None,
        instance=account,
        units=services.visible_units(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_save_account(
                form.save(commit=False), acting_user=request.user, contacts=form.contacts()
            )
        except services.RuleViolation as exc:
            for problem in exc.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            for warning in saved.warnings:
                messages.warning(request, warning.message)
            messages.success(request, f"已保存：{saved.name}")
            return redirect("web:account", pk=saved.pk)
    return render(request, "web/account_form.html", {"form": form, "account": account})


@login_required
def units(request):
    visible = list(services.visible_units(request.user).order_by("region__path", "name"))
    counts = services.account_counts_by_owner(services.visible_accounts(request.user))
    ids = {u.pk for u in visible}
    children: dict[int | None, list[Unit]] = {}
    for unit in visible:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)

    def walk(parent, depth):
        for unit in children.get(parent, []):
            yield unit, depth, counts.get(unit.pk, 0)
            yield from walk(unit.pk, depth + 1)

    return render(request, "web/units.html", {"tree": list(walk(None, 0))})


@login_required
def unit_detail(request, pk: int):
    unit = get_for(request.user, services.visible_units(request.user), pk)
    return render(
        request,
        "web/unit_detail.html",
        {
            "unit": unit,
            "accounts": services.visible_accounts(request.user).filter(owner=unit),
            "children": services.visible_units(request.user).filter(parent=unit),
            "history": scoped(
                AuditLog.objects.filter(object_type="registry.unit", object_id=str(pk)), request.user
            )[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int | None = None):
    if pk is None:
        if not _can_manage_region(request.user):
            raise PermissionDenied("只有主管单位和系统管理员可以新增单位")
        unit = None
    else:
        unit = get_for(request.user, services.visible_units(request.user), pk, write=True)
    form = UnitForm(request.POST or None, instance=unit)
    form.fields["parent"].queryset = services.visible_units(request.user)
    form.fields["region"].queryset = services.visible_regions(request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.do_save_unit(form.save(commit=False), acting_user=request.user)
        messages.success(request, "单位信息已保存")
        return redirect("web:unit", pk=saved.pk)
    return render(request, "web/unit_form.html", {"form": form, "unit": unit})


def _can_manage_region(user) -> bool:
    """Supervising offices and administrators manage a whole region (import, new units)."""
    scope = scope_for(user)
    return scope.can_write and (scope.everything or bool(scope.region_paths))


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not _can_manage_region(request.user):
        raise PermissionDenied("只有主管单位和系统管理员可以批量导入")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error("file", f"文件过大（超过 {settings.IMPORT_MAX_BYTES // 1024 // 1024} MB）")
        else:
            run = (
                importing.import_accounts
                if form.cleaned_data["kind"] == "accounts"
                else importing.import_units
            )
            try:
                report = run(
                    upload.read(), upload.name, acting_user=request.user, dry_run=form.cleaned_data["dry_run"]
                )
            except importing.ImportFailed as failed:
                report = failed.report
    return render(request, "web/import.html", {"form": form, "report": report})


@login_required
def export(request, kind: str):
    """The scoped registry as a download, streamed: rows go from a chunked query into the file."""
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    if kind == "accounts":
        rows = services.account_rows(
            services.filter_accounts(services.visible_accounts(request.user), **_filters(request))
        )
    elif kind == "units":
        rows = services.unit_rows(services.visible_units(request.user))
    else:
        raise Http404
    content, filename, _ = services.export_stream(kind, fmt, rows)
    return csv_response(content, filename) if fmt == "csv" else xlsx_response(content, filename)


@login_required
def template_download(request, kind: str):
    if kind not in {"accounts", "units"}:
        raise Http404
    response = HttpResponse(
        services.template_file(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="govmedia-{kind}-template.xlsx"'
    return response


@login_required
def audit_log(request):
    entries = scoped(AuditLog.objects.select_related("actor"), request.user)
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                str(e.actor or "系统"),
                e.action,
                e.object_repr,
                "；".join(f"{k}: {b} → {a}" for k, b, a in e.changed_fields()),
                e.comment,
            ]
            for e in entries[:20000].iterator(chunk_size=2000)
        )
        content = xlsx_file("操作日志", ["时间", "操作人", "操作", "对象", "变更", "说明"], rows)
        return xlsx_response(content, "govmedia-audit.xlsx")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "action": action})


def public_matrix(request):
    """The published account matrix (政务新媒体矩阵公示): active accounts, no personal data."""
    accounts = services.filter_accounts(
        services.public_accounts(),
        region=request.GET.get("region", ""),
        platform=request.GET.get("platform", ""),
        q=request.GET.get("q", "").strip(),
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/public_matrix.html",
        {
            "page": page,
            "platforms": Platform.choices,
            "regions": services.public_regions(),
            "filters": {k: request.GET.get(k, "") for k in ("region", "platform", "q")},
        },
    )


def public_qr(request, pk: int):
    account = services.public_accounts().filter(pk=pk).first()
    if account is None or not account.url:
        raise Http404("账号不存在或未公开")
    return _qr_response(account)


def _qr_response(account):
    if account.qr_code:
        return HttpResponse(account.qr_code.read(), content_type="image/png")
    buffer = io.BytesIO()
    qrcode.make(account.url, box_size=6, border=2).save(buffer, format="PNG")
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
