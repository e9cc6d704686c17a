"""Weibo, Douyin, Kuaishou and feeds against local fakes speaking their documented shapes."""

import datetime as dt

import pytest

from govmedia.content import services
from govmedia.content.models import Connection, Health, Message, Post
from govmedia.registry.models import FollowerCount, Platform
from tests.content.fakes import Reply, reply_json

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
TS = int(dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC).timestamp())


def collect(account, **kwargs):
    return services.collect_account(account.pk, since=SINCE, now=NOW, sleep=lambda s: None, **kwargs)


def health(account):
    return Connection.objects.get(account=account)


# ---------------------------------------------------------------- Weibo


def status(n, retweet=False):
    item = {
        "created_at": "Fri Nov 20 10:00:00 +0800 2026",
        "id": 5000 + n,
        "idstr": str(5000 + n),
        "mid": str(9000 + n),
        "text": f"示例发布：第{n}条权威信息",
        "reposts_count": 8,
        "comments_count": 9,
        "attitudes_count": 12,
        "user": {"id": 1404376560, "screen_name": "示例发布", "followers_count": 1204},
    }
    if retweet:
        item["retweeted_status"] = {"id": 1, "text": "原文", "user": {"screen_name": "人民日报"}}
    return item


@pytest.fixture
def weibo(fake, world):
    services.set_credentials(
        world.city_account, {"access_token": "2.00abc", "uid": "1404376560"}, api_base=fake.url
    )
    fake.route(
        "GET",
        "/2/statuses/user_timeline.json",
        lambda r: {
            "statuses": [status(1), status(2, retweet=True)],
            "previous_cursor": 0,
            "next_cursor": 0,
            "total_number": 2,
        },
    )
    fake.route("GET", "/2/users/show.json", lambda r: {"id": 1404376560, "followers_count": 54321})
    fake.route(
        "GET",
        "/2/comments/to_me.json",
        lambda r: {
            "comments": [
                {
                    "created_at": "Fri Nov 20 11:00:00 +0800 2026",
                    "id": 77,
                    "text": "点赞",
                    "user": {"id": 42},
                    "status": {"id": 5001},
                }
            ],
            "total_number": 1,
        },
    )
    return fake


def test_weibo_posts_reposts_followers_and_comments_are_collected(world, weibo):
    result = collect(world.city_account)
    assert result["error"] == "" and result["created"] == 2
    repost = Post.objects.get(platform_post_id="5002")
    assert repost.is_original is False and repost.repost_source == "人民日报"
    assert repost.likes == 12 and repost.shares == 8 and repost.reads is None
    assert repost.url == "https://weibo.com/1404376560/9002"
    assert FollowerCount.objects.get(account=world.city_account).followers == 54321
    assert Message.objects.get().post.platform_post_id == "5001"


def test_a_weibo_rate_limit_answer_is_stored_in_chinese(world, weibo):
    weibo.route(
        "GET",
        "/2/statuses/user_timeline.json",
        lambda r: reply_json(
            {
                "request": "/2/statuses/user_timeline.json",
                "error_code": "10023",
                "error": "User requests out of rate limit!",
            },
            403,
        ),
    )
    result = collect(world.city_account)
    assert result["error"] == "微博接口调用次数超限（10023），稍后自动重试"
    assert health(world.city_account).last_error_kind == "rate_limit"


def test_an_expired_weibo_authorisation_asks_for_a_new_one(world, weibo):
    weibo.route(
        "GET",
        "/2/statuses/user_timeline.json",
        lambda r: reply_json({"error_code": 21327, "error": "expired_token"}, 401),
    )
    assert "请账号管理员重新授权" in collect(world.city_account)["error"]


def test_the_weibo_daily_budget_of_100_requests_is_never_overspent(world, weibo):
    from django.utils import timezone

    services.set_credentials(
        world.city_account,
        {
            "access_token": "2.00abc",
            "uid": "1404376560",
            "budget_date": timezone.localdate().isoformat(),
            "budget_used": 99,
        },
        api_base=weibo.url,
    )
    result = collect(world.city_account)
    assert "今日微博接口额度已用完" in result["error"]
    assert len(weibo.requests) == 1  # the 100th request was spent, the 101st never sent
    assert Post.objects.count() == 2


# ---------------------------------------------------------------- Douyin


def video(n, ts=TS):
    return {
        "item_id": f"@8hxd{n}==",
        "title": f"青山民政短视频{n}",
        "create_time": ts,
        "share_url": f"https://www.iesdouyin.com/share/video/{n}",
        "media_type": 4,
        "video_status": 1,
        "statistics": {
            "play_count": 100 * n,
            "digg_count": 10,
            "comment_count": 2,
            "share_count": 1,
            "forward_count": 0,
        },
    }


@pytest.fixture
def douyin(fake, world):
    services.set_credentials(
        world.account_a2,
        {
            "client_key": "ck",
            "open_id": "oid",
            "access_token": "act.old",
            "refresh_token": "rft.1",
            "token_expires_at": 9e9,
        },
        api_base=fake.url,
    )
    state = {"valid": {"act.old"}}

    def video_list(request):
        if request.headers.get("access-token") not in state["valid"]:
            return {
                "data": {"error_code": 28001008, "description": "access_token过期"},
                "extra": {"error_code": 28001008},
            }
        if request.query["cursor"] == "0":
            return {
                "data": {"list": [video(1), video(2)], "cursor": 1001, "has_more": True, "error_code": 0},
                "extra": {},
            }
        return {"data": {"list": [video(3)], "cursor": 1002, "has_more": False, "error_code": 0}, "extra": {}}

    def refresh(request):
        assert request.form()["refresh_token"] == "rft.1"
        state["valid"].add("act.new")
        return {
            "data": {
                "access_token": "act.new",
                "expires_in": 1296000,
                "refresh_token": "rft.2",
                "error_code": 0,
            },
            "message": "success",
        }

    fake.route("GET", "/api/douyin/v1/video/video_list/", video_list)
    fake.route("POST", "/oauth/refresh_token/", refresh)
    fake.route(
        "GET",
        "/data/external/user/fans/",
        lambda r: {
            "data": {
                "result_list": [{"date": "2026-11-24", "new_fans": 3, "total_fans": 1200}],
                "error_code": 0,
            }
        },
    )
    fake.state = state
    return fake


def test_douyin_videos_are_collected_across_cursor_pages_with_their_play_counts(world, douyin):
    result = collect(world.account_a2)
    assert result["error"] == "" and result["created"] == 3
    assert Post.objects.get(platform_post_id="@8hxd3==").reads == 300
    assert FollowerCount.objects.get(account=world.account_a2).followers == 1200


def test_an_expired_douyin_token_is_refreshed_and_the_new_refresh_token_kept(world, douyin):
    douyin.state["valid"] = set()
    result = collect(world.account_a2)
    assert result["error"] == "" and result["created"] == 3
    creds = services.creds.decrypt(health(world.account_a2).credentials_encrypted)
    assert creds["access_token"] == "act.new" and creds["refresh_token"] == "rft.2"


def test_douyin_rate_limit_28003018_is_retried_with_backoff(world, douyin):
    calls = {"n": 0}
    original = douyin.routes[("GET", "/api/douyin/v1/video/video_list/")]

    def limited(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return {
                "data": {"error_code": 28003018, "description": "rate"},
                "extra": {"error_code": 28003018},
            }
        return original(request)

    douyin.route("GET", "/api/douyin/v1/video/video_list/", limited)
    slept = []
    result = services.collect_account(world.account_a2.pk, since=SINCE, now=NOW, sleep=slept.append)
    assert result["error"] == "" and slept == [1]


def test_a_douyin_answer_without_data_is_a_bad_response(world, douyin):
    douyin.route("GET", "/api/douyin/v1/video/video_list/", lambda r: Reply(200, b'{"extra": {}}'))
    assert collect(world.account_a2)["error"] == "抖音接口返回的数据不完整（缺少 data）"


# ---------------------------------------------------------------- Kuaishou


@pytest.fixture
def kuaishou_account(world, fake):
    world.account_a2.platform = Platform.KUAISHOU
    world.account_a2.save()
    services.set_credentials(
        world.account_a2,
        {"app_id": "ks", "app_secret": "s", "access_token": "t1", "refresh_token": "r1"},
        api_base=fake.url,
    )
    items = [
        {
            "photo_id": f"ph{n}",
            "caption": f"快手作品{n}",
            "create_time": TS * 1000,
            "like_count": 3,
            "comment_count": 1,
            "view_count": 99,
        }
        for n in range(25)
    ]

    def photo_list(request):
        if request.query["access_token"] != "t1":
            return {"result": 100200100, "error_msg": "access_token expired"}
        start = 0
        if request.query.get("cursor"):
            start = [i["photo_id"] for i in items].index(request.query["cursor"]) + 1
        return {"result": 1, "video_list": items[start : start + int(request.query["count"])]}

    fake.route("GET", "/openapi/photo/list", photo_list)
    fake.route(
        "GET", "/openapi/user_info", lambda r: {"result": 1, "user_info": {"name": "青山民政", "fan": 880}}
    )
    return world.account_a2


def test_kuaishou_photos_are_collected_page_by_page(world, kuaishou_account):
    result = collect(kuaishou_account)
    assert result["error"] == "" and result["created"] == 25
    assert Post.objects.get(platform_post_id="ph0").reads == 99
    assert FollowerCount.objects.get(account=kuaishou_account).followers == 880


def test_a_kuaishou_error_is_reported_in_chinese(world, kuaishou_account, fake):
    fake.route("GET", "/openapi/photo/list", lambda r: {"result": 100100402, "error_msg": "rate"})
    result = collect(kuaishou_account)
    assert result["error"] == "快手接口调用过于频繁（100100402），已重试 3 次"


# ---------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>青山头条</title>
<item><title>青山县召开防汛工作会议</title><link>https://www.toutiao.com/article/1/</link><guid>tt-1</guid>
<description>&lt;p&gt;会议部署了防汛工作。&lt;/p&gt;</description><pubDate>Fri, 20 Nov 2026 02:00:00 GMT</pubDate></item>
<item><title>转发</title><link>https://www.toutiao.com/article/2/</link><guid>tt-2</guid>
<description>转发 @人民日报: 原文</description><pubDate>Thu, 19 Nov 2026 02:00:00 GMT</pubDate></item>
</channel></rss>"""


@pytest.fixture
def feed_account(world, fake):
    account = world.town_account
    account.platform = Platform.TOUTIAO
    account.save()
    connection = services.connection_of(account)
    connection.method, connection.feed_url = Connection.Method.FEED, f"{fake.url}/toutiao/user/1"
    connection.save()
    return account


def test_an_rss_feed_is_collected_and_an_unchanged_feed_costs_one_304(world, fake, feed_account):
    def feed(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"")
        return Reply(200, RSS.encode(), {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    fake.route("GET", "/toutiao/user/1", feed)
    first = collect(feed_account)
    assert first["error"] == "" and first["created"] == 2
    assert Post.objects.get(platform_post_id="tt-1").body == "会议部署了防汛工作。"
    assert Post.objects.get(platform_post_id="tt-2").is_original is False
    assert Post.objects.get(platform_post_id="tt-1").source == "feed"
    second = collect(feed_account)
    assert second["error"] == "" and second["created"] == 0
    assert health(feed_account).health == Health.OK


def test_a_json_feed_is_collected(world, fake, feed_account):
    fake.route(
        "GET",
        "/toutiao/user/1",
        lambda r: {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "x",
            "items": [
                {
                    "id": "j1",
                    "url": "https://example.com/1",
                    "title": "百家号文章",
                    "content_html": "<p>正文</p>",
                    "date_published": "2026-11-20T10:00:00+08:00",
                }
            ],
        },
    )
    assert collect(feed_account)["created"] == 1


def test_a_truncated_feed_is_reported_and_keeps_the_stored_posts(world, fake, feed_account):
    fake.route("GET", "/toutiao/user/1", lambda r: Reply(200, RSS.encode()))
    collect(feed_account)
    fake.route("GET", "/toutiao/user/1", lambda r: Reply(200, b'{"version": "1.1", "items": [{"id": "j'))
    result = collect(feed_account)
    assert result["error"] == "订阅源内容不是有效的 JSON Feed（可能被截断）"
    assert Post.objects.count() == 2


def test_a_platform_without_api_or_feed_is_a_broken_connection_not_an_empty_one(world):
    world.town_account.platform = Platform.BAIJIAHAO
    world.town_account.save()
    result = collect(world.town_account)
    assert "没有开放的内容接口" in result["error"]
    assert health(world.town_account).health == Health.BROKEN
