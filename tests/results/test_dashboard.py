from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_account
from govmedia.content.models import Message, Post
from govmedia.registry.models import Platform
from govmedia.results import services

pytestmark = pytest.mark.django_db


def _grow(w, n: int, start: int) -> None:
    """n more accounts in county A, each with a post, an unanswered message and a contact."""
    now = timezone.now()
    for i in range(start, start + n):
        account = make_account(w.dept_a, Platform.WEIBO, f"青山教育微博{i}", f"grow-{i}")
        Post.objects.create(
            account=account,
            platform_post_id=f"p{i}",
            published_at=now - dt.timedelta(days=12),
            title="通知",
            content_hash=f"h{i}",
            fetched_at=now,
        )
        Message.objects.create(
            account=account,
            platform_message_id=f"m{i}",
            received_at=now - dt.timedelta(days=2),
            fetched_at=now,
        )


def _queries(client) -> int:
    from django.core.cache import cache

    cache.clear()  # count the gathering, not the cached copy
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("results:dashboard"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_supervisor_dashboard_does_a_constant_number_of_queries_as_accounts_grow(inspected, login):
    client = login(inspected.supervisor_a)
    services.do_send_rectifications(inspected.open_findings, acting_user=inspected.supervisor_a)
    _grow(inspected, 3, 0)
    small = _queries(client)
    _grow(inspected, 30, 100)
    assert _queries(client) == small
    assert small <= 25


def test_the_supervisor_dashboard_is_gathered_once_per_scope_and_says_when(inspected, login):
    client = login(inspected.supervisor_a)
    _queries(client)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("results:dashboard")).content.decode()
    assert not any("registry_mediaaccount" in q["sql"] for q in ctx.captured_queries)
    assert "数据统计于" in page and "每两分钟更新" in page


def test_the_supervisor_dashboard_shows_risk_rectifications_and_chart_data(inspected, login):
    w = inspected
    services.do_send_rectifications(w.open_findings, acting_user=w.supervisor_a)
    _grow(w, 2, 0)
    response = login(w.supervisor_a).get(reverse("results:dashboard"))
    text = response.content.decode()
    assert "监管工作台" in text and "青山民政" in text and "从未发布" in text
    assert 'id="data-trend"' in text and 'type="application/json"' in text
    assert "echarts-5.6.0.min.js" in text and "dashboard.js" in text
    charts = response.context["charts"]
    assert charts["trend"]["items"][-1]["url"] == reverse(
        "supervision:inspection", kwargs={"pk": w.inspection.pk}
    )
    assert {i["label"] for i in charts["platforms"]["items"]} >= {"微博", "抖音"}
    assert response.context["late_total"] == 2
    assert "临河教育" not in text  # county B is outside county A's scope


def test_an_owner_unit_sees_its_own_dashboard_with_this_weeks_to_dos(inspected, login):
    from conftest import make_user
    from govmedia.core.models import Role

    w = inspected
    services.do_send_rectifications(w.open_findings, acting_user=w.supervisor_a)
    editor = make_user("mz_editor", Role.EDITOR, w.dept_a2)
    response = login(editor).get(reverse("results:dashboard"))
    text = response.content.decode()
    assert "本单位工作台" in text and "反馈整改情况" in text and "青山民政" in text
    assert "青山教育" not in text


def test_the_dashboard_needs_a_login(client):
    assert client.get(reverse("results:dashboard")).status_code == 302


def test_the_unit_dashboard_does_a_constant_number_of_queries_as_accounts_grow(inspected, login):
    from conftest import make_user
    from govmedia.core.models import Role

    editor = make_user("edu_editor", Role.EDITOR, inspected.dept_a)
    client = login(editor)
    _grow(inspected, 2, 0)
    small = _queries(client)
    _grow(inspected, 20, 100)
    assert _queries(client) == small
