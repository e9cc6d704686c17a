import pytest
from django.urls import reverse

from govmedia.content.models import Message, Post
from govmedia.content.services import issue_push_token


@pytest.fixture
def pushing(world, client):
    token = issue_push_token(world.account_a)

    def send(name, payload, raw=None, token=token):
        return client.post(
            reverse(f"content:{name}"),
            data=raw if raw is not None else payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return send


POST = {
    "id": "n-1",
    "published_at": "2026-03-01T09:30:00+08:00",
    "title": "青山县教育局通知",
    "content": "<p>正文</p>",
    "read_count": 10,
}


def test_pushed_posts_are_stored_once_however_often_they_are_sent(world, pushing):
    first = pushing("ingest_posts", {"posts": [POST, {**POST, "id": "n-2"}]})
    assert first.status_code == 200 and first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    again = pushing("ingest_posts", {"posts": [POST, {**POST, "id": "n-2"}]})
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert Post.objects.filter(account=world.account_a, source="push").count() == 2


def test_a_bad_item_refuses_the_whole_batch_and_names_item_and_field(world, pushing):
    response = pushing("ingest_posts", {"posts": [POST, {**POST, "id": "n-2", "published_at": "昨天"}]})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "本批数据有错误，未写入任何数据"
    assert any(line.startswith("posts 第 2 条 published_at：") for line in body["errors"]), body
    assert Post.objects.count() == 0


def test_broken_json_gets_a_chinese_answer(world, pushing):
    response = pushing("ingest_posts", None, raw='{"posts": [{"id": "n-1", "publi')
    assert response.status_code == 400
    assert "不是有效的 JSON" in response.json()["detail"]


def test_a_missing_or_wrong_token_is_refused(world, client, pushing):
    url = reverse("content:ingest_posts")
    assert client.post(url, {"posts": [POST]}, content_type="application/json").status_code in (401, 403)
    wrong = pushing("ingest_posts", {"posts": [POST]}, token="gm_wrong")
    assert wrong.status_code in (401, 403) and "推送令牌无效" in wrong.json()["detail"]
    assert Post.objects.count() == 0


def test_pushed_messages_keep_a_reply_that_arrives_later(world, pushing):
    message = {
        "id": "c-1",
        "created_at": "2026-03-01T10:00:00+08:00",
        "kind": "consultation",
        "content": "何时开学？",
        "author": "张三",
    }
    assert pushing("ingest_messages", {"messages": [message]}).json()["created"] == 1
    stored = Message.objects.get()
    assert "张三" not in stored.author
    replied = {**message, "reply_content": "9月1日", "replied_at": "2026-03-01T12:00:00+08:00"}
    assert pushing("ingest_messages", {"messages": [replied]}).json()["updated"] == 1
    assert Message.objects.get().reply_text == "9月1日"


def test_the_push_api_is_in_the_openapi_schema(world, login):
    schema = login(world.admin).get(reverse("schema")).content.decode()
    assert "/content/api/ingest/posts" in schema and "/content/api/ingest/messages" in schema
