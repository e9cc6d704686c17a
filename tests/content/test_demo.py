import datetime as dt

from django.utils import timezone

from govmedia.content.demo import build_demo_content, demo_digest
from govmedia.content.models import Connection, Health, Message, Post, Source
from govmedia.registry.demo import build_demo_region


def test_the_demo_has_a_year_of_posts_problems_and_messages_and_building_it_again_changes_nothing(db):
    build_demo_region()
    summary = build_demo_content()
    assert summary.startswith("演示内容已建立：")
    posts = Post.objects.filter(source=Source.DEMO)
    assert posts.count() > 10000
    today = timezone.localdate()
    assert posts.filter(published_at__date__lt=today - dt.timedelta(days=300)).exists()
    rules = {
        hit["rule"]
        for hits in posts.exclude(risk_hits=[]).values_list("risk_hits", flat=True)
        for hit in hits
    }
    assert {"privacy.mobile", "leader.wrong_title"} <= rules
    assert posts.filter(is_original=False, repost_source="新华社").exists()
    assert posts.filter(is_original=False, repost_source="").exists()
    recent = today - dt.timedelta(days=21)
    accounts_with_posts = posts.values("account").distinct().count()
    active_recently = posts.filter(published_at__date__gte=recent).values("account").distinct().count()
    assert active_recently < accounts_with_posts  # dormant accounts exist
    unanswered = Message.objects.filter(replied_at__isnull=True)
    assert unanswered.exists()
    assert not unanswered.filter(received_at__lt=timezone.now() - dt.timedelta(days=60)).exists()
    assert unanswered.count() < 0.01 * Message.objects.count()  # not a year of backlog
    late = [
        m
        for m in Message.objects.exclude(replied_at=None)[:3000]
        if m.replied_at - m.received_at > dt.timedelta(days=2)
    ]
    assert late
    assert Connection.objects.filter(health=Health.BROKEN).exists()

    digest = demo_digest()
    again = build_demo_content()
    assert again.startswith("演示内容已存在")
    assert demo_digest() == digest
