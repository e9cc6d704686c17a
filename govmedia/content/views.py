"""Pages: broken connections for supervisors, an account's posts and messages. Scoped reads only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from govmedia.content.models import Connection, Message, Post
from govmedia.content.selectors import weekly_trend
from govmedia.content.services import broken_connections
from govmedia.core.scoping import get_for, scoped
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
        {"page": page, "total": broken.count(), "ok": visible.filter(health="ok").count()},
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
