"""WeChat per-post statistics and 群发 history from datacube getarticletotaldetail (connectors.md §1.3).

History is one PostStat row per post and stat date: collecting again overwrites those rows
and adds one for a new stat date; the post carries the counts of its latest stat date.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govmedia.content import services
from govmedia.content.models import Connection, Message, Post, PostStat
from tests.content.fakes import Reply
from tests.content.wechat_fake import BASE_TS, WeChatFake, article, datacube_row, detail

CST = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
D = dt.date  # D(2026, 11, 20)
DATACUBE = "/datacube/getarticletotaldetail"


@pytest.fixture
def wechat(fake, world):
    services.set_credentials(world.account_a, {"appid": "wx-app", "secret": "wx-secret"}, api_base=fake.url)
    wechat = WeChatFake(fake)
    wechat.today = NOW.astimezone(CST).date()
    return wechat


def collect(world, now=NOW):
    return services.collect_account(world.account_a.pk, since=SINCE, now=now, sleep=lambda s: None)


def collect_next_day(world, wechat):
    wechat.today += dt.timedelta(days=1)
    result = collect(world, now=NOW + dt.timedelta(days=1))
    assert result["error"] == ""
    return result


def days(first: dt.date, reads: list[int], **counts) -> list[dict]:
    return [detail(first + dt.timedelta(days=i), n, **counts) for i, n in enumerate(reads)]


def test_per_post_counts_come_from_datacube_with_a_history_row_per_stat_date(world, wechat):
    wechat.datacube[D(2026, 11, 20)] = [
        datacube_row(
            "2247490001_1",
            D(2026, 11, 20),
            days(D(2026, 11, 20), [30, 52, 60], likes=4, shares=2, comments=1, zaikan=3),
            publish_type=1,
        )
    ]
    result = collect(world)
    assert result["error"] == "" and result["created"] == 3
    post = Post.objects.get(platform_post_id="2247490001_1")
    assert (post.reads, post.likes, post.shares, post.comments, post.zaikan) == (60, 4, 2, 1, 3)
    assert list(post.stats.values_list("date", "reads")) == [
        (D(2026, 11, 20), 30),
        (D(2026, 11, 21), 52),
        (D(2026, 11, 22), 60),
    ]
    assert result["post_stats"] == {"posts_created": 0, "posts_updated": 1, "stat_rows": 3, "unmatched": 0}


def test_one_publish_day_per_call_over_the_last_30_days_and_never_today(world, wechat):
    assert collect(world)["error"] == ""
    calls = [c.json() for c in wechat.server.calls(DATACUBE)]
    assert len(calls) == 30
    assert all(c["begin_date"] == c["end_date"] for c in calls)
    assert calls[0]["begin_date"] == "2026-10-26" and calls[-1]["end_date"] == "2026-11-24"


def test_collecting_again_overwrites_the_counts_and_keeps_one_history_row_per_stat_date(world, wechat):
    row = datacube_row("2247490001_1", D(2026, 11, 20), days(D(2026, 11, 20), [30, 52]), publish_type=1)
    wechat.datacube[D(2026, 11, 20)] = [row]
    collect(world)
    # the same day again: WeChat's figures change once a day, so datacube is not asked again
    assert collect(world)["error"] == ""
    assert len(wechat.server.calls(DATACUBE)) == 30
    # the next day: yesterday's figure was revised and a new day was added
    row["detail_list"] = days(D(2026, 11, 20), [30, 55, 71])
    collect_next_day(world, wechat)
    post = Post.objects.get(platform_post_id="2247490001_1")
    assert post.reads == 71
    assert list(post.stats.values_list("date", "reads")) == [
        (D(2026, 11, 20), 30),
        (D(2026, 11, 21), 55),
        (D(2026, 11, 22), 71),
    ]
    assert Post.objects.count() == 3
    assert PostStat.objects.count() == 3


def test_a_delayed_datacube_day_is_asked_again_on_the_next_run(world, wechat):
    wechat.delayed.add(D(2026, 11, 24))
    collect(world)
    collect(world)
    assert len(wechat.server.calls(DATACUBE)) == 60
    wechat.delayed.clear()
    collect(world)
    collect(world)
    assert len(wechat.server.calls(DATACUBE)) == 90


def test_a_mass_sent_article_only_datacube_knows_becomes_a_post_once(world, wechat):
    wechat.articles = []  # everything went out as 群发: freepublish lists nothing
    wechat.datacube[D(2026, 11, 23)] = [
        datacube_row("2247499999_1", D(2026, 11, 23), days(D(2026, 11, 23), [3, 8]), publish_type=0)
    ]
    first = collect(world)
    assert first["error"] == "" and first["created"] == 1
    post = Post.objects.get()
    assert post.platform_post_id == "2247499999_1"
    assert post.title == "群发消息（msgid 2247499999_1）"
    assert post.published_at == dt.datetime(2026, 11, 23, tzinfo=CST)
    assert post.reads == 8 and post.stats.count() == 2
    assert post.source == "connector"
    second = collect_next_day(world, wechat)
    assert second["created"] == 0
    assert Post.objects.count() == 1


def test_an_account_that_only_mass_sends_is_not_silent_for_the_14_day_check(world, wechat):
    from govmedia.registry.models import MediaAccount
    from govmedia.supervision.monitoring import Rung, send_update_warnings

    def warned() -> set[int]:
        return {w.account_id for w in send_update_warnings(now=NOW, ladder=[Rung(14, "admin")])}

    MediaAccount.objects.filter(pk=world.account_a.pk).update(created_at=dt.datetime(2026, 10, 1, tzinfo=CST))
    assert world.account_a.pk in warned()  # nothing collected: silent since it was registered
    wechat.articles = []
    wechat.datacube[D(2026, 11, 23)] = [
        datacube_row("2247499999_1", D(2026, 11, 23), days(D(2026, 11, 23), [3]), publish_type=0)
    ]
    collect(world)
    assert world.account_a.pk not in warned()


def test_a_title_in_the_datacube_row_is_used(world, wechat):
    wechat.articles = []
    wechat.datacube[D(2026, 11, 23)] = [
        datacube_row(
            "2247499999_2", D(2026, 11, 23), days(D(2026, 11, 23), [3]), publish_type=0, title="秋季防火通告"
        )
    ]
    collect(world)
    assert Post.objects.get().title == "秋季防火通告"


def test_freepublish_and_datacube_give_the_same_article_the_same_id(world, wechat):
    wechat.datacube[D(2026, 11, 20)] = [
        datacube_row("2247490002_1", D(2026, 11, 20), days(D(2026, 11, 20), [9]), publish_type=1),
        # a 群发 article that freepublish will list later (WeChat changing its mind)
        datacube_row("2247490004_1", D(2026, 11, 20), days(D(2026, 11, 20), [5]), publish_type=0),
    ]
    collect(world)
    assert Post.objects.count() == 4
    assert Post.objects.get(platform_post_id="2247490002_1").reads == 9
    wechat.articles.append(article(4, title="真实标题"))
    collect_next_day(world, wechat)
    assert Post.objects.count() == 4
    post = Post.objects.get(platform_post_id="2247490004_1")
    assert post.title == "真实标题" and post.reads == 5
    assert post.url.startswith("https://mp.weixin.qq.com/s?")


def test_a_published_article_freepublish_no_longer_lists_is_not_brought_back(world, wechat):
    wechat.datacube[D(2026, 11, 20)] = [
        datacube_row("2247491111_1", D(2026, 11, 20), days(D(2026, 11, 20), [9]), publish_type=1)
    ]
    result = collect(world)
    assert Post.objects.count() == 3
    assert result["post_stats"]["unmatched"] == 1


def test_posts_stored_under_the_old_article_id_scheme_are_renamed_not_duplicated(world, wechat):
    old = Post.objects.create(
        account=world.account_a,
        platform_post_id="ART0001_1",
        published_at=dt.datetime.fromtimestamp(BASE_TS - 3600, tz=dt.UTC),
        title="青山县教育局发布第1号通知",
        url=article(1)["content"]["news_item"][0]["url"],
        content_hash="x",
        fetched_at=NOW,
    )
    Message.objects.create(
        account=world.account_a,
        platform_message_id="2247490001_0_7",
        post=old,
        received_at=NOW,
        text="请问何时报名？",
        fetched_at=NOW,
    )
    wechat.datacube[D(2026, 11, 20)] = [
        datacube_row("2247490001_1", D(2026, 11, 20), days(D(2026, 11, 20), [40]), publish_type=1)
    ]
    result = collect(world)
    assert result["error"] == "" and result["created"] == 2
    assert Post.objects.count() == 3
    old.refresh_from_db()
    assert old.platform_post_id == "2247490001_1" and old.reads == 40
    assert Message.objects.get().post_id == old.pk


def test_comments_of_a_mass_sent_post_are_fetched_through_its_id(world, wechat):
    wechat.articles = []
    wechat.datacube[D(2026, 11, 23)] = [
        datacube_row("2247499999_2", D(2026, 11, 23), days(D(2026, 11, 23), [3]), publish_type=0)
    ]
    wechat.comments[2247499999] = [
        {
            "user_comment_id": 5,
            "openid": "oXYZ",
            "create_time": BASE_TS,
            "content": "通知收到",
            "comment_type": 0,
        }
    ]
    collect(world)
    message = Message.objects.get()
    assert message.platform_message_id == "2247499999_1_5"  # index is 0-based: idx 2 → 1
    assert message.post.platform_post_id == "2247499999_2"
    sent = wechat.server.calls("/cgi-bin/comment/list")[-1].json()
    assert sent["msg_data_id"] == 2247499999 and sent["index"] == 1


def test_malformed_datacube_json_is_reported_and_no_stats_are_written(world, wechat):
    wechat.fail(DATACUBE, Reply(200, b'{"list": [{"msgid": "2247490001_1", "detail_li'))
    result = collect(world)
    assert "不是有效的 JSON" in result["error"]
    assert PostStat.objects.count() == 0
    assert Connection.objects.get(account=world.account_a).last_error_kind == "bad_response"


def test_a_datacube_row_without_its_msgid_is_a_bad_response(world, wechat):
    wechat.datacube[D(2026, 11, 20)] = [{"ref_date": "2026-11-20", "detail_list": []}]
    result = collect(world)
    assert "getarticletotaldetail" in result["error"] and "msgid" in result["error"]


def test_a_datacube_permission_error_is_stored_in_chinese(world, wechat):
    wechat.fail(DATACUBE, {"errcode": 48001, "errmsg": "api unauthorized"})
    result = collect(world)
    assert result["error"] == "公众号未认证或未获得该接口权限（48001）"
    assert Post.objects.count() == 3  # the articles collected before are kept
