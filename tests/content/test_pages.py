import datetime as dt

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govmedia.content.connectors.base import ConnectorError, MessageData, PostData
from govmedia.content.models import Connection
from govmedia.content.services import connection_of, ingest_message_batch, ingest_posts, record_failure

NOW = timezone.now()


def some_posts(account, n=3, title="青山县教育局发布通知"):
    return ingest_posts(
        account.pk,
        [
            PostData(
                platform_post_id=f"p{i}",
                published_at=NOW - dt.timedelta(days=i),
                title=f"{title}{i}",
                reads=10 * i,
            )
            for i in range(n)
        ],
    )


@pytest.fixture
def broken(world):
    for account in (world.account_a, world.account_b):
        record_failure(
            connection_of(account).pk, ConnectorError("access_token 无效或已过期（42001）", "token")
        )


def test_the_account_page_shows_its_posts_trend_and_connection_health(world, login, broken):
    some_posts(world.account_a)
    ingest_message_batch(
        [(world.account_a.pk, MessageData(platform_message_id="m1", received_at=NOW, text="何时开学"))],
        source="import",
    )
    page = login(world.supervisor_a).get(reverse("web:account", args=[world.account_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "青山县教育局发布通知0" in html
    assert "连接异常" in html and "access_token 无效或已过期（42001）" in html
    assert "未回复 1 条" in html
    assert "近 12 周发布量" in html


def test_an_account_with_no_collection_says_so_instead_of_looking_empty(world, login):
    html = login(world.supervisor_a).get(reverse("web:account", args=[world.account_a.pk])).content.decode()
    assert "尚未配置采集" in html and "暂无发布内容" in html


def test_a_supervisor_sees_only_broken_connections_in_their_county(world, login, broken):
    html = login(world.supervisor_a).get(reverse("content:connections")).content.decode()
    assert "青山教育" in html and "临河教育" not in html
    assert "凭证失效" in html


def test_an_outsider_county_supervisor_cannot_see_another_countys_posts(world, login):
    some_posts(world.account_a)
    client = login(world.supervisor_b)
    assert client.get(reverse("content:account_posts", args=[world.account_a.pk])).status_code == 404
    assert client.get(reverse("content:account_messages", args=[world.account_a.pk])).status_code == 404
    own = client.get(reverse("content:account_posts", args=[world.account_b.pk]))
    assert own.status_code == 200


def test_an_editor_sees_only_their_own_units_posts(world, login):
    some_posts(world.account_a)
    client = login(world.editor_a)
    assert client.get(reverse("content:account_posts", args=[world.account_a.pk])).status_code == 200
    assert client.get(reverse("content:account_posts", args=[world.account_a2.pk])).status_code == 404


def test_the_posts_page_lists_posts_with_a_flat_query_count(world, login):
    client = login(world.supervisor_a)
    url = reverse("content:account_posts", args=[world.account_a.pk])
    some_posts(world.account_a, 2)
    with CaptureQueriesContext(db_connection) as few:
        assert client.get(url).status_code == 200
    some_posts(world.account_a, 40, title="又一条")
    with CaptureQueriesContext(db_connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_pages_need_a_login(client, world):
    response = client.get(reverse("content:connections"))
    assert response.status_code == 302


def test_risk_hits_are_shown_on_the_posts_page(world, login):
    some_posts(world.account_a, 1)
    from govmedia.content.models import Post

    Post.objects.update(
        risk_hits=[
            {
                "text": "国家总理",
                "suggestion": "国务院总理",
                "rule": "leader.wrong_title",
                "severity": "serious",
                "source": "",
            }
        ]
    )
    html = (
        login(world.supervisor_a)
        .get(reverse("content:account_posts", args=[world.account_a.pk]))
        .content.decode()
    )
    assert "国家总理 → 国务院总理" in html
    assert Connection.objects.count() == 0
