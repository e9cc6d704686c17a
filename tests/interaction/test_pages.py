"""The inbox pages: scope, filters, the reply form, the answer bank pages and the WeChat callback."""

import hashlib
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from govmedia.content.models import Message
from govmedia.content.services import issue_push_token
from govmedia.core.models import Role
from govmedia.interaction.models import Answer, Case, Status

from .conftest import at, make_case, make_message


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_inbox_lists_the_scope_only_sorted_by_deadline_with_overdue_marked(world, login):
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        make_message(world.account_a, "请问青山教育第一条", received_at=at(2026, 11, 23, 9, 0))
        make_message(world.account_a2, "请问青山民政第二条", received_at=at(2026, 11, 24, 9, 0))
        make_message(world.account_b, "请问临河教育第三条", received_at=at(2026, 11, 24, 9, 0))
        page = _text(login(world.supervisor_a).get(reverse("interaction:inbox")))
    assert "临河教育第三条" not in page
    assert page.index("青山教育第一条") < page.index("青山民政第二条")
    assert 'class="errors overdue"' in page and "已超时" in page
    editor_page = _text(login(world.editor_a).get(reverse("interaction:inbox")))
    assert "青山教育第一条" in editor_page and "青山民政第二条" not in editor_page


def test_the_inbox_filters_by_account_kind_status_and_overdue(world, login):
    case = make_case(world.account_a, "建议增加公交线路")
    make_case(world.account_a2, "请问低保怎么申请")
    client = login(world.supervisor_a)
    page = _text(client.get(reverse("interaction:inbox"), {"account": world.account_a2.pk}))
    assert "低保" in page and "公交" not in page
    page = _text(client.get(reverse("interaction:inbox"), {"kind": "suggestion"}))
    assert "公交" in page and "低保" not in page
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    assert "公交" not in _text(client.get(reverse("interaction:inbox")))
    assert "公交" in _text(client.get(reverse("interaction:inbox"), {"status": "closed"}))


def test_the_inbox_query_count_stays_flat_as_messages_grow(world, login):
    client = login(world.supervisor_a)
    for i in range(3):
        make_case(world.account_a, f"请问第{i}条")
    client.get(reverse("interaction:inbox"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("interaction:inbox"))
    for i in range(30):
        make_case(world.account_a2 if i % 2 else world.account_a, f"请问更多第{i}条")
    client.get(reverse("interaction:inbox"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("interaction:inbox"))
    assert len(many) == len(few)


def test_outsiders_get_404_on_a_case(world, login, case_a2):
    other_editor = make_user("editor_b", Role.EDITOR, world.dept_b)
    url = reverse("interaction:case", args=[case_a2.pk])
    assert login(world.supervisor_a).get(url).status_code == 200
    for user in (world.supervisor_b, world.editor_a, other_editor):
        assert login(user).get(url).status_code == 404
        assert login(user).post(url, {"action": "offline", "reason": "越权操作测试"}).status_code == 404
    assert Case.objects.get(pk=case_a2.pk).status == Status.NEW


def test_replying_through_the_page_with_a_suggested_answer(world, login):
    answer = Answer.objects.create(
        owner=world.dept_a, question="新生入学需要什么材料？", answer="需携带户口簿和房产证明。"
    )
    case = make_case(world.account_a, "孩子入学报名要什么材料")
    client = login(world.editor_a)
    url = reverse("interaction:case", args=[case.pk])
    page = _text(client.get(url))
    assert "问答库推荐答复" in page and "需携带户口簿和房产证明。" in page
    prefilled = _text(client.get(url, {"use": answer.pk}))
    assert f'name="answer" value="{answer.pk}"' in prefilled
    response = client.post(
        url, {"action": "reply", "text": "您好，需携带户口簿和房产证明。", "answer": answer.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.answer_used == answer
    assert Answer.objects.get(pk=answer.pk).times_used == 1


def test_a_risky_reply_on_the_page_shows_the_marks_and_keeps_the_text(world, login):
    case = make_case(world.account_a)
    response = login(world.editor_a).post(
        reverse("interaction:case", args=[case.pk]), {"action": "reply", "text": "国务院总理李墙强调……"}
    )
    page = _text(response)
    assert response.status_code == 200 and "严重表述问题" in page and '<mark class="sev-serious"' in page
    assert "李墙强调" in page


def test_a_bad_sending_time_names_the_field(world, login):
    case = make_case(world.account_a)
    page = _text(
        login(world.editor_a).post(
            reverse("interaction:case", args=[case.pk]),
            {"action": "reply", "text": "您好。", "sent_at": "昨天"},
        )
    )
    assert "发送时间格式不正确" in page


def test_the_answer_bank_pages_create_and_scope_entries(world, login):
    client = login(world.editor_a)
    response = client.post(
        reverse("interaction:answer_new"),
        {
            "owner": world.dept_a.pk,
            "question": "教师资格证怎么认定？",
            "answer": "网上申请后现场确认。",
            "valid_from": "2026-01-01",
            "active": "on",
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get(question="教师资格证怎么认定？")
    bad = _text(
        client.post(
            reverse("interaction:answer_new"),
            {"owner": world.dept_b.pk, "question": "x", "answer": "y", "valid_from": "2026-01-01"},
        )
    )
    assert "请选择您管理范围内的答复单位" in bad
    assert "教师资格证" in _text(client.get(reverse("interaction:answers")))
    assert "教师资格证" not in _text(login(world.supervisor_b).get(reverse("interaction:answers")))
    assert login(world.supervisor_b).get(reverse("interaction:answer", args=[answer.pk])).status_code == 404


def test_the_report_counts_on_time_replies_per_unit(world, login):
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        case = make_case(world.account_a)
    with time_machine.travel(at(2026, 11, 24, 12, 0), tick=False):
        from govmedia.interaction.services import do_reply

        do_reply(case, acting_user=world.editor_a, text="您好，已办理。")
        page = _text(login(world.supervisor_a).get(reverse("interaction:report")))
    assert "青山县教育局" in page and "100.0%" in page and "2.0 小时" in page


def _signed(token, *, ts: str | None = None, **extra):
    import time

    ts, nonce = ts or str(int(time.time())), "abc"
    sig = hashlib.sha1("".join(sorted([token, ts, nonce])).encode()).hexdigest()
    return {"timestamp": ts, "nonce": nonce, "signature": sig, **extra}


XML = (
    "<xml><ToUserName><![CDATA[gh_qs]]></ToUserName><FromUserName><![CDATA[oUser123]]></FromUserName>"
    "<CreateTime>1795489200</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[请问小学入学报名需要什么材料？]]></Content><MsgId>8888</MsgId></xml>"
)


def test_a_pushed_wechat_message_becomes_a_case_and_gets_an_acknowledgement(world, client):
    token = issue_push_token(world.account_a)
    url = reverse("interaction:wechat_push", args=[token])
    assert client.get(url, _signed(token, echostr="hello")).content == b"hello"
    query = "&".join(f"{k}={v}" for k, v in _signed(token).items())
    response = client.post(f"{url}?{query}", XML, content_type="text/xml")
    assert response.status_code == 200 and "您的留言已收到" in response.content.decode()
    assert "<ToUserName><![CDATA[oUser123]]>" in response.content.decode()
    message = Message.objects.get(account=world.account_a)
    assert message.kind == "private" and message.author != "oUser123"
    case = Case.objects.get(message=message)
    assert case.kind == "consultation" and case.topic.name == "教育"
    client.post(f"{url}?{query}", XML, content_type="text/xml")  # WeChat retries: still one
    assert Message.objects.count() == 1 and Case.objects.count() == 1


@pytest.mark.parametrize("tamper", ["signature", "token"])
def test_a_push_with_a_bad_signature_or_token_is_refused(world, client, tamper):
    token = issue_push_token(world.account_a)
    params = _signed(token)
    if tamper == "signature":
        params["signature"] = "0" * 40
    url = reverse("interaction:wechat_push", args=[token if tamper == "signature" else "gm_wrong"])
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.post(f"{url}?{query}", XML, content_type="text/xml")
    assert response.status_code == 403 and not Message.objects.exists()


def test_a_malformed_push_is_refused_in_chinese(world, client):
    token = issue_push_token(world.account_a)
    query = "&".join(f"{k}={v}" for k, v in _signed(token).items())
    response = client.post(
        f"{reverse('interaction:wechat_push', args=[token])}?{query}", "<xml><oops", content_type="text/xml"
    )
    assert response.status_code == 403 and "XML" in response.content.decode()


def test_the_rules_page_saves_a_topic_and_names_a_bad_field(world, login):
    client = login(world.supervisor_a)
    client.post(
        reverse("interaction:rules"), {"action": "topic", "name": "校车安全", "keywords": "校车、接送"}
    )
    page = _text(client.get(reverse("interaction:rules")))
    assert "校车安全" in page and "校车、接送" in page
    bad = _text(
        client.post(
            reverse("interaction:rules"),
            {"action": "policy", "hours": "30", "holiday_hours": "48"},
            follow=True,
        )
    )
    assert "工作日时限：工作日答复时限应在 1 到 24 小时之间" in bad
    assert (
        login(world.editor_a)
        .post(reverse("interaction:rules"), {"action": "topic", "name": "x", "keywords": "y"})
        .status_code
        == 403
    )


def _post_push(client, token, body, **signed):
    query = "&".join(f"{k}={v}" for k, v in _signed(token, **signed).items())
    return client.post(
        f"{reverse('interaction:wechat_push', args=[token])}?{query}", body, content_type="text/xml"
    )


def test_a_replayed_push_with_an_old_timestamp_is_refused(world, client):
    token = issue_push_token(world.account_a)
    response = _post_push(client, token, XML, ts="1764200000")
    assert response.status_code == 403 and "重放" in response.content.decode()
    assert not Message.objects.exists()


def test_xml_entity_expansion_in_a_push_is_refused_without_expanding(world, client):
    token = issue_push_token(world.account_a)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        "<xml><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>"
    )
    response = _post_push(client, token, bomb)
    assert response.status_code == 403 and "实体" in response.content.decode()
    external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>'
    assert _post_push(client, token, external).status_code == 403
    assert not Message.objects.exists()
