"""Bulletin pages: list, generate, edit a draft, approve, publish, downloads, and the public pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from govmedia.core.params import as_id
from govmedia.core.scoping import get_for, scoped
from govmedia.results import bulletins as services
from govmedia.results import documents
from govmedia.results.models import Bulletin, BulletinStatus
from govmedia.supervision import selectors
from govmedia.supervision.models import InspectionStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bulletins(user):
    return scoped(Bulletin.objects.select_related("issuer", "inspection"), user)


@login_required
def bulletins(request):
    page = Paginator(_bulletins(request.user), 50).get_page(request.GET.get("page"))
    can_create = selectors.may_supervise(request.user)
    inspections = (
        selectors.visible_inspections(request.user).filter(status=InspectionStatus.PUBLISHED)[:50]
        if can_create
        else []
    )
    return render(
        request,
        "results/bulletins.html",
        {"page": page, "can_create": can_create, "inspections": inspections},
    )


@login_required
def bulletin_new(request):
    if request.method != "POST":  # the form lives on the list page
        return bulletins(request)
    pk = request.POST.get("inspection", "")
    inspection = get_object_or_404(selectors.visible_inspections(request.user), pk=as_id(pk) or 0)
    try:
        bulletin = services.do_create_bulletin(inspection, acting_user=request.user)
    except services.BulletinError as exc:
        messages.error(request, f"来源检查：{exc}")
        return redirect("results:bulletins")
    messages.success(request, "通报草稿已生成，请核对后审定")
    return redirect("results:bulletin", pk=bulletin.pk)


class BulletinForm(forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = list(services.EDITABLE)
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "demands": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "title": forms.TextInput(attrs={"class": "wide"}),
        }


def _page(request, bulletin, form=None):
    if form is None and bulletin.status == BulletinStatus.DRAFT and selectors.may_supervise(request.user):
        form = BulletinForm(instance=bulletin)
    return render(
        request,
        "results/bulletin.html",
        {
            "b": bulletin,
            "sections": documents.sections(bulletin),
            "signed": documents.signature_date(bulletin),
            "form": form,
            "can_act": selectors.may_supervise(request.user),
            "font_note": documents.font_note(),
        },
    )


@login_required
def bulletin(request, pk: int):
    return _page(request, get_for(request.user, _bulletins(request.user), pk))


@login_required
def bulletin_edit(request, pk: int):
    obj = get_for(request.user, _bulletins(request.user), pk, write=True)
    if request.method != "POST":
        return _page(request, obj)
    form = BulletinForm(request.POST, instance=Bulletin.objects.get(pk=obj.pk))
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}：{errors[0]}"
            )
        return _page(request, obj, form)
    try:
        services.do_edit_bulletin(
            obj, acting_user=request.user, refresh=bool(request.POST.get("refresh")), **form.cleaned_data
        )
    except services.BulletinError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存")
    return redirect("results:bulletin", pk=obj.pk)


def _action(service, done: str):
    @login_required
    def view(request, pk: int):
        obj = get_for(request.user, _bulletins(request.user), pk, write=request.method == "POST")
        if request.method != "POST":
            return _page(request, obj)
        try:
            service(obj, acting_user=request.user)
        except services.BulletinError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("results:bulletin", pk=obj.pk)

    return view


bulletin_approve = _action(services.do_approve_bulletin, "通报已审定")
bulletin_reopen = _action(services.do_reopen_bulletin, "通报已退回修改")
bulletin_publish = _action(services.do_publish_bulletin, "通报已发布，内容已冻结并公开")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def bulletin_docx(request, pk: int):
    obj = get_for(request.user, _bulletins(request.user), pk)
    return _download(documents.bulletin_docx(obj), DOCX, f"{obj.title}.docx")


@login_required
def bulletin_pdf(request, pk: int):
    obj = get_for(request.user, _bulletins(request.user), pk)
    return _download(documents.bulletin_pdf(obj), "application/pdf", f"{obj.title}.pdf")


@login_required
def bulletin_xlsx(request, pk: int):
    obj = get_for(request.user, _bulletins(request.user), pk)
    return _download(documents.bulletin_xlsx(obj), XLSX, f"{obj.title}-附件.xlsx")


# Public (no login): published bulletins only ----------------------------------------------


def _published():
    return Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).select_related("issuer")


def public_bulletins(request):
    page = Paginator(_published().order_by("-published_at"), 50).get_page(request.GET.get("page"))
    return render(request, "results/public_bulletins.html", {"page": page})


def _public(pk: int) -> Bulletin:
    bulletin = _published().filter(pk=pk).first()
    if bulletin is None:
        raise Http404("通报不存在或尚未发布")
    return bulletin


def public_bulletin(request, pk: int):
    obj = _public(pk)
    return render(
        request,
        "results/public_bulletin.html",
        {"b": obj, "sections": documents.sections(obj), "signed": documents.signature_date(obj)},
    )


def public_bulletin_pdf(request, pk: int):
    obj = _public(pk)
    return _download(documents.bulletin_pdf(obj), "application/pdf", f"{obj.title}.pdf")
