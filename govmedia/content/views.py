"""Pages: broken connections for supervisors, an account's posts, messages and credentials.

Scoped reads only; the credentials page needs write rights on the account.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from govmedia.content import services
from govmedia.content.connectors import connector_for
from govmedia.content.connectors.base import ConnectorError
from govmedia.content.forms import CredentialsForm
from govmedia.content.models import Connection, Message, Post
from govmedia.content.selectors import weekly_trend
from govmedia.content.services import broken_connections
from govmedia.core.scoping import get_for, scope_for, scoped
from govmedia.registry.models import MediaAccount

PAGE_SIZE = 50


@require_GET
@login_required
def connections(request):
    visible = scoped(Connection.objects.all(), request.user)
    broken = broken_connections(visible)
    page = Paginator(broken, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/connections.html",
        {
            "page": page,
            "total": broken.count(),
            "ok": visible.filter(health="ok").count(),
            "can_write": scope_for(request.user).can_write,
        },
    )


def _account(request, pk: int) -> MediaAccount:
    return get_for(request.user, MediaAccount.objects.select_related("owner"), pk)


@require_GET
@login_required
def account_posts(request, pk: int):
    account = _account(request, pk)
    posts = scoped(Post.objects.filter(account=account), request.user).order_by("-published_at", "-id")
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "content/account_posts.html",
        {
            "account": account,
            "page": page,
            "posts": page.object_list,
            "trend": weekly_trend(account.pk),
            "connection": Connection.objects.filter(account=account).first(),
            "can_write": scope_for(request.user).can_write,
        },
    )


@require_GET
@login_required
def account_messages(request, pk: int):
    account = _account(request, pk)
    messages = scoped(Message.objects.filter(account=account), request.user).select_related("post")
    if request.GET.get("unanswered"):
        messages = messages.filter(replied_at__isnull=True)
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "content/account_messages.html", {"account": account, "page": page})


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_credentials(request, pk: int):
    """Enter or change an account's platform credentials; stored values are only shown masked."""
    account = get_for(request.user, MediaAccount.objects.select_related("owner"), pk, write=True)
    connection = Connection.objects.filter(account=account).select_related("account").first()
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    stored = services.entered_credentials(connection)
    form = CredentialsForm(
        request.POST if action == "save" else None,
        platform=account.platform,
        stored=stored,
        feed_url=connection.feed_url if connection else "",
    )
    issued = ""
    if action == "token":
        issued = services.issue_push_token(account, acting_user=request.user)
    elif action == "test":
        try:
            flash.success(request, "连接测试成功：" + services.check_connection(account))
        except ConnectorError as exc:
            flash.error(request, "连接测试失败：" + exc.reason)
        return redirect("content:credentials", pk=account.pk)
    elif action == "save" and form.is_valid():
        changed = services.do_update_credentials(
            account, form.entered(), feed_url=form.cleaned_data["feed_url"], acting_user=request.user
        )
        labels = [form.fields[k].label for k in changed]
        flash.success(request, ("已保存：" + "、".join(labels)) if labels else "没有修改任何内容")
        return redirect("content:credentials", pk=account.pk)
    if issued:
        connection = Connection.objects.get(account=account)
    return render(
        request,
        "content/credentials.html",
        {
            "account": account,
            "connection": connection,
            "form": form,
            "issued": issued,
            "push_url": request.build_absolute_uri(reverse("interaction:wechat_push", args=[issued]))
            if issued
            else "",
            "ingest_url": request.build_absolute_uri(reverse("content:ingest_posts")),
            "is_wechat": account.platform in ("wechat_service", "wechat_subscription"),
            "has_token": "token" in stored,
            "testable": connector_for(account.platform) is not None
            or bool(connection and connection.feed_url),
        },
    )
