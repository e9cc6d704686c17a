import datetime as dt

import pytest

from govmedia.content import services
from govmedia.content.models import Connection, Health, Message, Post
from govmedia.registry.models import FollowerCount
from tests.content.fakes import Reply
from tests.content.wechat_fake import BASE_TS, WeChatFake, article

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


@pytest.fixture
def wechat(fake, world):
    services.set_credentials(world.account_a, {"appid": "wx-app", "secret": "wx-secret"}, api_base=fake.url)
    return WeChatFake(fake)


def collect(world, **kwargs):
    return services.collect_account(world.account_a.pk, since=SINCE, now=NOW, sleep=lambda s: None, **kwargs)


def test_collecting_a_wechat_account_stores_its_published_articles_and_followers(world, wechat):
    result = collect(world)
    assert result["error"] == ""
    assert result["created"] == 3
    post = Post.objects.get(platform_post_id="2247490001_1")
    assert post.title == "青山县教育局发布第1号通知"
    assert post.body == "关于做好第1项工作的通知正文。"
    assert post.published_at == dt.datetime.fromtimestamp(BASE_TS - 3600, tz=dt.UTC)
    assert FollowerCount.objects.filter(account=world.account_a).count() == 24
    connection = Connection.objects.get(account=world.account_a)
    assert connection.health == Health.OK and connection.last_success_at == NOW


def test_collecting_twice_changes_nothing(world, wechat):
    collect(world)
    before = list(Post.objects.values_list("id", "platform_post_id", "title", "fetched_at"))
    second = collect(world)
    assert second["created"] == 0 and second["updated"] == 0 and second["unchanged"] == 3
    assert list(Post.objects.values_list("id", "platform_post_id", "title", "fetched_at")) == before


def test_articles_older_than_since_are_not_fetched_page_after_page(world, wechat):
    wechat.articles = [article(n) for n in range(1, 45)]
    result = services.collect_account(
        world.account_a.pk, since=dt.datetime.fromtimestamp(BASE_TS - 25 * 3600, tz=dt.UTC), now=NOW
    )
    assert result["created"] == 25
    assert len(wechat.server.calls("/cgi-bin/freepublish/batchget")) == 2


def test_an_expired_token_is_refreshed_once_and_the_call_retried(world, wechat):
    collect(world)
    wechat.expire_tokens()  # WeChat answers 42001 for the cached token
    result = collect(world)
    assert result["error"] == ""
    assert wechat.issued == 2
    stable = wechat.server.calls("/cgi-bin/stable_token")[-1].json()
    assert stable["force_refresh"] is True


def test_an_invalid_credential_error_40001_refreshes_the_token(world, wechat):
    wechat.fail("/cgi-bin/freepublish/batchget", {"errcode": 40001, "errmsg": "invalid credential"})
    result = collect(world)
    assert result["error"] == ""
    assert Post.objects.count() == 3


def test_a_token_rejected_even_after_refresh_is_reported_in_chinese(world, wechat):
    wechat.fail(
        "/cgi-bin/freepublish/batchget",
        {"errcode": 40001, "errmsg": "invalid credential"},
        {"errcode": 40001, "errmsg": "invalid credential"},
    )
    result = collect(world)
    assert "刷新后仍被拒绝" in result["error"]
    connection = Connection.objects.get(account=world.account_a)
    assert connection.health == Health.BROKEN and connection.last_error_kind == "token"


def test_a_wrong_app_secret_is_reported_in_chinese(world, wechat, fake):
    services.set_credentials(world.account_a, {"appid": "wx-app", "secret": "wrong"}, api_base=fake.url)
    result = collect(world)
    assert result["error"] == "AppSecret 无效，请在公众平台重置后重新填写"


def test_the_daily_quota_error_45009_is_stored_and_keeps_what_was_collected(world, wechat):
    collect(world)
    wechat.fail(
        "/cgi-bin/freepublish/batchget", {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
    )
    result = collect(world)
    assert "每日调用上限" in result["error"]
    assert Post.objects.count() == 3
    connection = Connection.objects.get(account=world.account_a)
    assert connection.health == Health.BROKEN
    assert connection.last_error_kind == "rate_limit"
    assert connection.last_success_at == NOW  # the earlier success is still known


def test_a_busy_platform_is_retried_with_backoff(world, wechat):
    wechat.fail(
        "/cgi-bin/freepublish/batchget", {"errcode": -1, "errmsg": "system busy"}, Reply(503, b"busy")
    )
    slept = []
    result = services.collect_account(world.account_a.pk, since=SINCE, now=NOW, sleep=slept.append)
    assert result["error"] == ""
    assert slept == [1, 2]


def test_malformed_json_is_reported_and_nothing_is_written(world, wechat):
    wechat.fail("/cgi-bin/freepublish/batchget", Reply(200, b'{"total_count": 3, "item": [{"article_'))
    result = collect(world)
    assert "不是有效的 JSON" in result["error"]
    assert Post.objects.count() == 0
    assert Connection.objects.get(account=world.account_a).last_error_kind == "bad_response"


def test_a_truncated_page_is_reported_with_its_page_number(world, wechat):
    wechat.fail(
        "/cgi-bin/freepublish/batchget", {"total_count": 3, "item_count": 3, "item": [article(1), article(2)]}
    )
    result = collect(world)
    assert result["error"] == "微信“已发布”列表第 1 页数据被截断（应有 3 条，实收 2 条）"
    assert Post.objects.count() == 0


def test_a_slow_platform_times_out_with_a_chinese_reason(world, wechat, monkeypatch):
    import httpx

    from govmedia.content.connectors import base

    monkeypatch.setattr(base, "TIMEOUT", httpx.Timeout(0.2))
    wechat.fail("/cgi-bin/freepublish/batchget", *[Reply(200, b"{}", delay=0.5) for _ in range(4)])
    result = collect(world)
    assert result["error"] == "微信公众号接口响应超时，已重试 3 次"


def test_a_crash_between_pages_resumes_from_the_saved_cursor(world, wechat):
    wechat.articles = [article(n) for n in range(1, 31)]
    calls = {"n": 0}
    original = wechat.batchget

    def second_page_breaks(request):
        calls["n"] += 1
        if calls["n"] == 2:
            return {"errcode": 45009, "errmsg": "quota"}
        return original(request)

    wechat.server.route("POST", "/cgi-bin/freepublish/batchget", second_page_breaks)
    first = services.collect_account(world.account_a.pk, since=SINCE, now=NOW)
    assert first["created"] == 20 and first["error"]
    assert Connection.objects.get(account=world.account_a).cursor == {"offset": 20}
    second = services.collect_account(world.account_a.pk, since=SINCE, now=NOW)
    assert second["created"] == 10
    assert wechat.server.calls("/cgi-bin/freepublish/batchget")[-1].json()["offset"] == 20
    assert Post.objects.count() == 30
    assert Connection.objects.get(account=world.account_a).cursor == {}


def test_comments_are_stored_with_their_replies_and_a_masked_author(world, wechat):
    wechat.comments[2247490001] = [
        {
            "user_comment_id": 1,
            "openid": "oABC123",
            "create_time": BASE_TS,
            "content": "何时开学？",
            "comment_type": 0,
        },
        {
            "user_comment_id": 2,
            "create_time": BASE_TS + 60,
            "content": "谢谢",
            "comment_type": 0,
            "reply": {"content": "不客气", "create_time": BASE_TS + 600},
        },
    ]
    result = collect(world)
    assert result["messages_created"] == 2
    first = Message.objects.get(text="何时开学？")
    assert first.author.startswith("网友") and "oABC123" not in first.author
    assert first.post.platform_post_id == "2247490001_1"
    assert first.replied_at is None
    assert Message.objects.get(text="谢谢").reply_text == "不客气"
    wechat.comments[2247490001][0]["reply"] = {"content": "9月1日", "create_time": BASE_TS + 900}
    again = collect(world)
    assert again["messages_created"] == 0 and again["messages_updated"] == 1
    assert Message.objects.get(text="何时开学？").reply_text == "9月1日"


def test_credentials_are_encrypted_at_rest_and_masked_when_shown(world, wechat):
    connection = Connection.objects.get(account=world.account_a)
    assert "wx-secret" not in connection.credentials_encrypted
    assert services.masked_credentials(connection)["secret"] == "wx-s****cret"
