"""A demo directive for 示例市: repost the forest-fire notice, matched against the demo posts. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.dispatch import services as dispatch
from govmedia.dispatch.models import Directive
from govmedia.registry.models import AccountStatus, MediaAccount, Unit


def build_demo_dispatch() -> str:
    office = Unit.objects.filter(name="示例市人民政府办公室").first()
    if office is None:
        return "指挥调度：演示地区不存在，跳过。"
    directive = Directive.objects.filter(issuer=office, source_name="示例市应急管理局").first()
    if directive is None:
        now = timezone.now()
        issued = now - dt.timedelta(days=3)
        title = _recent_notice(issued) or "关于做好森林防火工作的通知"
        with transaction.atomic():
            directive = Directive.objects.create(
                issuer=office,
                title=title,
                kind="repost",
                source_name="示例市应急管理局",
                source_url="https://www.example.gov.cn/yjj/2026/senlinfanghuo.html",
                text="请各单位政务新媒体转发森林防火通知，提醒群众文明祭祀、严禁野外用火。",
                deadline=now + dt.timedelta(days=1),
                issued_at=issued,
            )
            reposted = Post.objects.filter(title=title, published_at__gte=issued).values_list(
                "account_id", flat=True
            )
            others = MediaAccount.objects.filter(status=AccountStatus.ACTIVE).exclude(pk__in=reposted)
            accounts = [*MediaAccount.objects.filter(pk__in=reposted), *others.order_by("pk")[:20]]
            directive.tasks.bulk_create(
                [directive.tasks.model(directive=directive, account=a) for a in accounts]
            )
    dispatch.match_tasks(Directive.objects.filter(pk=directive.pk))
    c = dispatch.completion(directive)
    return f"指挥调度：“{directive.title}”已完成 {c.done}/{c.total}。"


def _recent_notice(since) -> str:
    """The notice most accounts published since ``since``: the demo directive asks for it, so some comply."""
    row = (
        Post.objects.filter(published_at__gte=since, title__startswith="关于做好")
        .values("title")
        .annotate(n=Count("account", distinct=True))
        .order_by("-n", "title")
        .first()
    )
    return row["title"] if row else ""
