"""Replies to the public through WeChat comments, Weibo and Douyin, against local fakes.

Whatever the platform refuses, the reply is rolled back: the case stays open, the message
unanswered, no audit row — and the person sees the reason in Chinese.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from govmedia.content import services as content
from govmedia.content.models import Message, Post
from govmedia.core.models import AuditLog
from govmedia.interaction import services
from govmedia.interaction.models import Case, ReplyChannel, Status
from govmedia.registry.models import Platform
from tests.content.fakes import DouyinComments, Reply, WeiboComments, douyin_error, weibo_error
from tests.content.wechat_fake import BASE_TS, WeChatFake

TEXT = "您好，已转相关部门办理，请留意后续通知。"


def make_post(account, platform_post_id: str, url: str = "") -> Post:
    return Post.objects.create(
        account=account,
        platform_post_id=platform_post_id,
        published_at=timezone.now() - dt.timedelta(days=1),
        title="关于秋季学期报名的通知",
        url=url,
        content_hash="x",
        fetched_at=timezone.now(),
    )


def make_case(account, platform_message_id: str, *, post=None, kind="comment") -> Case:
    message = Message.objects.create(
        account=account,
        platform_message_id=platform_message_id,
        post=post,
        received_at=timezone.now() - dt.timedelta(hours=1),
        kind=kind,
        text="请问报名需要什么材料？",
        author="网友1a2b3c4d",
        fetched_at=timezone.now(),
    )
    services.open_cases(Message.objects.filter(pk=message.pk))
    return Case.objects.get(message=message)


def assert_not_replied(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == Status.NEW and case.reply_text == "" and case.answered_at is None
    message = Message.objects.get(pk=case.message_id)
    assert message.replied_at is None and message.reply_text == ""
    assert not AuditLog.objects.filter(action="interaction.replied").exists()


def refused(case: Case, user, text: str = TEXT) -> str:
    with pytest.raises(services.ReplyRefused) as error:
        services.do_reply(case, acting_user=user, text=text)
    return error.value.message


# ---------------------------------------------------------------- WeChat


@pytest.fixture
def wechat(fake, world):
    content.set_credentials(world.account_a, {"appid": "wx-app", "secret": "wx-secret"}, api_base=fake.url)
    wechat = WeChatFake(fake)
    wechat.comments[2247490001] = [
        {"user_comment_id": 1, "openid": "oABC", "create_time": BASE_TS, "content": "何时报名？"}
    ]
    return wechat


@pytest.fixture
def wechat_case(world, wechat):
    post = make_post(
        world.account_a, "2247490001_1", "https://mp.weixin.qq.com/s?__biz=MzA&mid=2247490001&idx=1"
    )
    return make_case(world.account_a, "2247490001_0_1", post=post)


def test_a_wechat_comment_is_answered_through_comment_reply_add(world, wechat, wechat_case):
    assert services.reply_route(wechat_case) == (ReplyChannel.PLATFORM, "将通过平台接口直接发送")
    services.do_reply(wechat_case, acting_user=world.editor_a, text=TEXT)
    wechat_case.refresh_from_db()
    assert wechat_case.status == Status.REPLIED and wechat_case.reply_channel == ReplyChannel.PLATFORM
    assert wechat.replies == [{"msg_data_id": 2247490001, "index": 0, "user_comment_id": 1, "content": TEXT}]
    assert Message.objects.get(pk=wechat_case.message_id).reply_text == TEXT


@pytest.mark.parametrize(
    ("errcode", "reason"),
    [
        (88000, "该公众号没有留言功能权限（88000）"),
        (88001, "该文章不存在或已被删除（88001）"),
        (88002, "该文章因安全原因被限制留言（88002）"),
        (88008, "该留言不存在或已被删除（88008）"),
        (45009, "已达到接口每日调用上限（45009），请明日再试或在公众平台清零调用次数"),
    ],
)
def test_a_wechat_refusal_is_shown_in_chinese_and_the_case_stays_open(
    world, wechat, wechat_case, errcode, reason
):
    wechat.fail("/cgi-bin/comment/reply/add", {"errcode": errcode, "errmsg": "refused rid: 66aa"})
    assert refused(wechat_case, world.editor_a) == f"平台发送失败：{reason}"
    assert_not_replied(wechat_case)


def test_a_comment_wechat_no_longer_has_is_refused_by_the_fake_itself(world, wechat, wechat_case):
    wechat.comments[2247490001] = []
    assert refused(wechat_case, world.editor_a) == "平台发送失败：该留言不存在或已被删除（88008）"
    assert_not_replied(wechat_case)


def test_a_busy_wechat_is_not_asked_twice_for_the_same_reply(world, wechat, wechat_case):
    wechat.fail("/cgi-bin/comment/reply/add", {"errcode": -1, "errmsg": "system busy"})
    reason = refused(wechat_case, world.editor_a)
    assert reason == "平台发送失败：微信平台系统繁忙（-1），无法确认答复是否已发出，请先到平台后台核实"
    assert len(wechat.server.calls("/cgi-bin/comment/reply/add")) == 1
    assert_not_replied(wechat_case)


def test_an_expired_wechat_token_is_refreshed_and_the_reply_sent_once(world, wechat, wechat_case):
    content.set_credentials(
        world.account_a,
        {"appid": "wx-app", "secret": "wx-secret", "access_token": "STALE", "token_expires_at": 9e9},
        api_base=wechat.server.url,
    )
    services.do_reply(wechat_case, acting_user=world.editor_a, text=TEXT)
    assert len(wechat.replies) == 1
    assert len(wechat.server.calls("/cgi-bin/comment/reply/add")) == 2  # 42001, then sent


def test_malformed_json_from_wechat_refuses_the_reply(world, wechat, wechat_case):
    wechat.fail("/cgi-bin/comment/reply/add", Reply(200, b'{"errcode": 0, "errm'))
    assert "不是有效的 JSON" in refused(wechat_case, world.editor_a)
    assert_not_replied(wechat_case)


def test_a_wechat_private_message_is_answered_by_hand_as_no_openid_is_kept(world, wechat):
    case = make_case(world.account_a, "wx:24000000001", kind="private")
    channel, why = services.reply_route(case)
    assert channel == ReplyChannel.MANUAL and "openid" in why and "公众平台后台" in why
    services.do_reply(case, acting_user=world.editor_a, text=TEXT)
    case.refresh_from_db()
    assert case.reply_channel == ReplyChannel.MANUAL
    assert wechat.server.calls("/cgi-bin/message/custom/send") == []


def test_a_wechat_message_not_from_the_comment_api_is_answered_by_hand(world, wechat):
    case = make_case(world.account_a, "import-17")
    channel, why = services.reply_route(case)
    assert channel == ReplyChannel.MANUAL and "不是通过公众号留言接口采集" in why


def test_an_account_without_credentials_is_answered_by_hand(world):
    case = make_case(world.account_a, "2247490001_0_1")
    channel, why = services.reply_route(case)
    assert channel == ReplyChannel.MANUAL and "未配置平台接口凭证" in why


def test_a_reply_sent_through_wechat_is_kept_when_comments_are_collected_again(world, wechat, wechat_case):
    services.do_reply(wechat_case, acting_user=world.editor_a, text=TEXT)
    content.collect_account(
        world.account_a.pk, since=timezone.now() - dt.timedelta(days=30), sleep=lambda s: None
    )
    message = Message.objects.get(pk=wechat_case.message_id)
    assert message.reply_text == TEXT and message.replied_at is not None


# ---------------------------------------------------------------- Weibo


@pytest.fixture
def weibo(fake, world):
    world.account_a.platform = Platform.WEIBO
    world.account_a.save()
    content.set_credentials(
        world.account_a, {"access_token": "2.00abc", "uid": "1404376560"}, api_base=fake.url
    )
    weibo = WeiboComments(fake)
    weibo.comments["77"] = "5001"
    return weibo


@pytest.fixture
def weibo_case(world, weibo):
    return make_case(world.account_a, "77", post=make_post(world.account_a, "5001"))


def test_a_weibo_comment_is_answered_through_comments_reply(world, weibo, weibo_case):
    assert services.reply_route(weibo_case)[0] == ReplyChannel.PLATFORM
    services.do_reply(weibo_case, acting_user=world.editor_a, text=TEXT)
    weibo_case.refresh_from_db()
    assert weibo_case.status == Status.REPLIED and weibo_case.reply_channel == ReplyChannel.PLATFORM
    (sent,) = weibo.replies
    assert (sent["cid"], sent["id"], sent["comment"]) == ("77", "5001", TEXT)


def test_a_weibo_reply_longer_than_140_chars_is_refused_before_sending(world, weibo, weibo_case):
    reason = refused(weibo_case, world.editor_a, text="您好" * 71)
    assert reason == "微博评论回复最多 140 字，当前 142 字，请精简后再发送"
    assert weibo.server.requests == []
    assert_not_replied(weibo_case)


def test_a_weibo_reply_of_exactly_140_chars_is_sent(world, weibo, weibo_case):
    services.do_reply(weibo_case, acting_user=world.editor_a, text="您好" * 70)
    assert len(weibo.replies) == 1


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            weibo_error(10023, "User requests out of rate limit!", "/2/comments/reply.json", 403),
            "微博接口调用次数超限（10023），请稍后再发送",
        ),
        (
            weibo_error(20016, "Out of limit!", "/2/comments/reply.json"),
            "发送过于频繁，已超过微博发布频率限制（20016），请稍后再发送",
        ),
        (
            weibo_error(20019, "Repeat content!", "/2/comments/reply.json"),
            "微博认为这是重复内容（20019），请修改后再发送",
        ),
        (
            weibo_error(21327, "expired_token", "/2/comments/reply.json", 401),
            "微博授权已过期或无效（21327），请账号管理员重新授权",
        ),
        (Reply(200, b'{"id": 1243849'), "微博接口返回的数据不完整或不是有效的 JSON（HTTP 200）"),
        (
            Reply(502, b"bad gateway"),
            "微博平台暂时不可用（HTTP 502），无法确认答复是否已发出，请先到平台后台核实",
        ),
    ],
)
def test_a_weibo_refusal_is_shown_in_chinese_and_the_case_stays_open(world, weibo, weibo_case, reply, reason):
    weibo.failures.append(reply)
    assert refused(weibo_case, world.editor_a) == f"平台发送失败：{reason}"
    assert len(weibo.server.requests) == 1  # never sent twice
    assert_not_replied(weibo_case)


def test_a_deleted_weibo_comment_is_reported(world, weibo, weibo_case):
    del weibo.comments["77"]
    assert refused(weibo_case, world.editor_a) == "平台发送失败：这条评论不存在或已被删除（20201）"


def test_a_weibo_reply_spends_the_daily_budget_and_stops_at_100(world, weibo, weibo_case):
    content.set_credentials(
        world.account_a,
        {
            "access_token": "2.00abc",
            "uid": "1404376560",
            "budget_date": timezone.localdate().isoformat(),
            "budget_used": 100,
        },
        api_base=weibo.server.url,
    )
    assert "今日微博接口额度已用完" in refused(weibo_case, world.editor_a)
    assert weibo.server.requests == []


def test_a_weibo_comment_whose_weibo_was_not_collected_is_answered_by_hand(world, weibo):
    case = make_case(world.account_a, "78")
    channel, why = services.reply_route(case)
    assert channel == ReplyChannel.MANUAL and "未找到这条评论所属的微博" in why


def test_a_weibo_private_message_is_answered_by_hand(world, weibo):
    case = make_case(world.account_a, "dm-1", kind="private")
    channel, why = services.reply_route(case)
    assert channel == ReplyChannel.MANUAL and "粉丝服务平台" in why


# ---------------------------------------------------------------- Douyin


@pytest.fixture
def douyin(fake, world):
    content.set_credentials(
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
    douyin = DouyinComments(fake)
    douyin.comments["c-1"] = "@8hxd1=="
    return douyin


@pytest.fixture
def douyin_case(world, douyin):
    return make_case(world.account_a2, "c-1", post=make_post(world.account_a2, "@8hxd1=="))


def test_a_douyin_comment_is_answered_through_video_comment_reply(world, douyin, douyin_case):
    assert services.reply_route(douyin_case)[0] == ReplyChannel.PLATFORM
    services.do_reply(douyin_case, acting_user=world.supervisor_a, text=TEXT)
    douyin_case.refresh_from_db()
    assert douyin_case.status == Status.REPLIED and douyin_case.reply_channel == ReplyChannel.PLATFORM
    assert douyin.replies == [{"item_id": "@8hxd1==", "comment_id": "c-1", "content": TEXT}]
    (call,) = douyin.server.calls("/video/comment/reply/")
    assert call.headers["access-token"] == "act.old" and call.query["open_id"] == "oid"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            28001012,
            "抖音账号未授权该能力（28001012），请重新授权并勾选评论管理（video.comment，仅企业号）权限",
        ),
        (28003017, "抖音接口调用额度已用完（28003017），请明日再试"),
        (
            28003018,
            "抖音接口调用过于频繁（28003018），无法确认答复是否已发出，请先到平台后台核实",
        ),
    ],
)
def test_a_douyin_refusal_is_shown_in_chinese_and_the_case_stays_open(
    world, douyin, douyin_case, code, reason
):
    douyin.failures.append(douyin_error(code, "refused"))
    assert refused(douyin_case, world.supervisor_a) == f"平台发送失败：{reason}"
    assert len(douyin.server.calls("/video/comment/reply/")) == 1
    assert_not_replied(douyin_case)


def test_an_expired_douyin_token_is_refreshed_and_the_reply_sent_once(world, douyin, douyin_case):
    def refresh(request):
        douyin.tokens.add("act.new")
        return {
            "data": {
                "access_token": "act.new",
                "expires_in": 1296000,
                "refresh_token": "rft.2",
                "error_code": 0,
            },
            "message": "success",
        }

    douyin.tokens = {"act.new"}  # the stored act.old has expired
    douyin.server.route("POST", "/oauth/refresh_token/", refresh)
    services.do_reply(douyin_case, acting_user=world.supervisor_a, text=TEXT)
    assert len(douyin.replies) == 1
    assert douyin.server.calls("/video/comment/reply/")[-1].headers["access-token"] == "act.new"


def test_a_douyin_answer_without_the_new_comment_id_is_not_taken_as_sent(world, douyin, douyin_case):
    douyin.failures.append({"data": {"error_code": 0, "description": ""}, "extra": {}})
    assert (
        refused(douyin_case, world.supervisor_a)
        == "平台发送失败：抖音未返回回复的评论 ID，无法确认答复已发送"
    )
    assert_not_replied(douyin_case)


def test_a_douyin_private_message_is_answered_by_hand(world, douyin):
    case = make_case(world.account_a2, "im-1", kind="private")
    channel, why = services.reply_route(case)
    assert channel == ReplyChannel.MANUAL and "抖音私信" in why


# ---------------------------------------------------------------- on the case page


def _page(response) -> str:
    return response.content.decode()


def test_the_case_page_says_why_a_wechat_private_message_is_answered_by_hand(world, wechat, login):
    case = make_case(world.account_a, "wx:24000000001", kind="private")
    page = _page(login(world.editor_a).get(reverse("interaction:case", args=[case.pk])))
    assert "不保存 openid" in page and "登记答复" in page


def test_the_case_page_shows_a_wechat_refusal_and_keeps_the_case_open(world, wechat, wechat_case, login):
    wechat.fail("/cgi-bin/comment/reply/add", {"errcode": 88002, "errmsg": "article is limit for safety"})
    response = login(world.editor_a).post(
        reverse("interaction:case", args=[wechat_case.pk]), {"action": "reply", "text": TEXT}
    )
    assert response.status_code == 200
    assert "平台发送失败：该文章因安全原因被限制留言（88002）" in _page(response)
    assert_not_replied(wechat_case)


def test_the_case_page_refuses_a_long_weibo_reply_on_the_text_field(world, weibo, weibo_case, login):
    response = login(world.editor_a).post(
        reverse("interaction:case", args=[weibo_case.pk]), {"action": "reply", "text": "您好" * 75}
    )
    assert "微博评论回复最多 140 字，当前 150 字，请精简后再发送" in _page(response)
    assert "您好您好" in _page(response)  # the text is kept for editing
    assert weibo.server.requests == []
    assert_not_replied(weibo_case)
