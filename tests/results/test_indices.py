from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govmedia.content.models import Message, Post
from govmedia.registry.models import FollowerCount
from govmedia.results import indices

pytestmark = pytest.mark.django_db
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))  # whole weeks: 10-05, 10-12, 10-19


def _at(day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 10, day, hour))


def _post(account, day, *, original=True, reads=0, likes=0):
    Post.objects.create(
        account=account,
        platform_post_id=f"p{day}",
        published_at=_at(day),
        is_original=original,
        reads=reads,
        likes=likes,
        content_hash=f"h{day}",
        fetched_at=_at(day),
    )


def test_diligence_and_effect_follow_the_documented_formulas(world):
    a = world.account_a2
    _post(a, 6, reads=1000, likes=10)
    _post(a, 14, original=False)
    Message.objects.create(
        account=a, platform_message_id="m1", received_at=_at(7), replied_at=_at(7, 10), fetched_at=_at(7)
    )
    Message.objects.create(account=a, platform_message_id="m2", received_at=_at(8), fetched_at=_at(8))
    FollowerCount.objects.create(account=a, date=dt.date(2026, 10, 1), followers=100)
    FollowerCount.objects.create(account=a, date=dt.date(2026, 10, 31), followers=150)
    r = indices.compute([a.pk], *OCT)[a.pk]
    assert r["ratios"] == {"weeks_updated": 0.667, "weeks_original": 0.333, "replies_on_time": 0.5}
    assert r["diligence"] == pytest.approx(40 * 2 / 3 + 30 / 3 + 15, abs=0.05)
    o = 0.7 * math.log(1000 / 31 + 1) + 0.09 * math.log(100 / 31 + 1)
    p = 0.7 * math.log(500 + 1) + 0.09 * math.log(50 + 1)
    f = math.log(51)
    assert r["effect"] == pytest.approx((0.6 * o + 0.2 * p + 0.2 * f) ** 2 * 12, abs=0.05)


def test_an_idle_account_scores_zero_effect_and_full_reply_credit_without_messages(world):
    r = indices.compute([world.account_a.pk], *OCT)[world.account_a.pk]
    assert r["effect"] == 0 and r["diligence"] == 30


def test_computing_costs_the_same_queries_for_many_accounts(world):
    ids = [world.account_a.pk, world.account_a2.pk]
    with CaptureQueriesContext(connection) as few:
        indices.compute(ids[:1], *OCT)
    with CaptureQueriesContext(connection) as many:
        indices.compute(ids, *OCT)
    assert len(few.captured_queries) == len(many.captured_queries) == 3


def test_the_page_shows_accounts_in_scope_only(world, login):
    text = login(world.supervisor_a).get(reverse("results:indices")).content.decode()
    assert "青山民政" in text and "临河教育" not in text and 'id="data-indices"' in text
