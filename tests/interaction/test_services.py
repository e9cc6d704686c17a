"""Assigning, replying (with the risk check), forwarding, offline answers, classification, reminders."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from conftest import make_user
from govmedia.content.models import Message
from govmedia.core.models import AuditLog, Role
from govmedia.interaction import services
from govmedia.interaction.models import Case, Kind, KindRule, Notification, ReplyChannel, Status

from .conftest import at, make_case


def test_assigning_moves_the_case_and_notifies_the_assignee_once(world):
    case = make_case(world.account_a)
    services.do_assign(case, acting_user=world.supervisor_a, assignee=world.editor_a)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.assignee == world.editor_a
    assert Notification.objects.filter(user=world.editor_a).count() == 1
    assert AuditLog.objects.filter(action="interaction.assigned").count() == 1


def test_a_case_cannot_be_assigned_to_someone_of_another_county(world):
    case = make_case(world.account_a)
    with pytest.raises(services.CaseError) as refused:
        services.do_assign(case, acting_user=world.supervisor_a, assignee=world.supervisor_b)
    assert refused.value.field == "assignee" and "办理人" in refused.value.message


def test_a_reply_is_recorded_as_sent_by_hand_with_its_time_and_written_to_the_message(world):
    with time_machine.travel(at(2026, 11, 24, 15, 0), tick=False):
        case = make_case(world.account_a, received_at=at(2026, 11, 24, 10, 0))
        services.do_reply(
            case,
            acting_user=world.editor_a,
            text="您好，需携带户口簿和房产证明。",
            sent_at=at(2026, 11, 24, 14, 0),
        )
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.reply_channel == ReplyChannel.MANUAL
    assert case.answered_at == at(2026, 11, 24, 14, 0) and case.on_time
    message = Message.objects.get(pk=case.message_id)
    assert message.reply_text.startswith("您好") and message.replied_at == at(2026, 11, 24, 14, 0)


def test_a_reply_with_a_serious_error_is_refused_with_the_hits(world):
    case = make_case(world.account_a)
    with pytest.raises(services.ReplyRefused) as refused:
        services.do_reply(case, acting_user=world.editor_a, text="国务院总理李墙指出要做好教育工作。")
    assert "严重" in refused.value.message and refused.value.hits
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_a_reply_with_lesser_risks_needs_confirming(world):
    case = make_case(world.account_a)
    text = "详情请登录 http://bit.ly/abc 查看。"
    with pytest.raises(services.ReplyRefused) as refused:
        services.do_reply(case, acting_user=world.editor_a, text=text)
    assert "核对" in refused.value.message
    services.do_reply(case, acting_user=world.editor_a, text=text, risks_confirmed=True)
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.risk_hits[0]["rule"] == "link.short"


def test_an_empty_reply_and_a_sending_time_in_the_future_are_refused_naming_the_field(world):
    case = make_case(world.account_a)
    with pytest.raises(services.ReplyRefused) as empty:
        services.do_reply(case, acting_user=world.editor_a, text="  ")
    assert empty.value.field == "text"
    with pytest.raises(services.ReplyRefused) as future:
        services.do_reply(
            case,
            acting_user=world.editor_a,
            text="您好。",
            sent_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        )
    assert future.value.field == "sent_at" and "晚于现在" in future.value.message


def test_a_private_message_older_than_48_hours_cannot_go_through_the_platform(world, monkeypatch):
    class Sender:
        def send_reply(self, account, message, text):
            raise AssertionError("must not be called")

    monkeypatch.setattr(services, "connector_for", lambda platform: Sender)
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        fresh = make_case(world.account_a, kind="private")
        assert services.reply_route(fresh)[0] == ReplyChannel.PLATFORM
    with time_machine.travel(at(2026, 11, 26, 10, 1), tick=False):
        channel, why = services.reply_route(fresh)
        assert channel == ReplyChannel.MANUAL and "48 小时" in why


def test_a_reply_goes_through_the_platform_where_the_connector_can_send(world, monkeypatch):
    sent = []

    class Sender:
        def send_reply(self, account, message, text):
            sent.append((account.pk, message.pk, text))

    monkeypatch.setattr(services, "connector_for", lambda platform: Sender)
    monkeypatch.setattr("govmedia.content.services._make_connector", lambda connection: Sender())
    case = make_case(world.account_a, kind="private")
    services.do_reply(case, acting_user=world.editor_a, text="您好，已收到。")
    case.refresh_from_db()
    assert case.reply_channel == ReplyChannel.PLATFORM and sent == [
        (world.account_a.pk, case.message_id, "您好，已收到。")
    ]


def test_a_replied_case_cannot_be_replied_again_or_forwarded(world):
    case = make_case(world.account_a)
    services.do_reply(case, acting_user=world.editor_a, text="您好，已办理。")
    with pytest.raises(services.IllegalTransition) as again:
        services.do_reply(case, acting_user=world.editor_a, text="再次答复")
    assert "已答复" in again.value.message
    with pytest.raises(services.IllegalTransition):
        services.do_forward(case, acting_user=world.editor_a, unit=world.dept_a2, note="请办理")
    services.do_close(case, acting_user=world.editor_a)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_of_two_people_replying_at_once_only_one_wins(world):
    case = make_case(world.account_a)
    stale = Case.objects.get(pk=case.pk)
    services.do_reply(case, acting_user=world.editor_a, text="第一位的答复")
    with pytest.raises(services.IllegalTransition) as lost:
        services.do_reply(stale, acting_user=world.supervisor_a, text="第二位的答复")
    assert "刚被他人处理" in lost.value.message
    assert Case.objects.get(pk=case.pk).reply_text == "第一位的答复"


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_from_threads_leave_exactly_one_reply(world):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    case = make_case(world.account_a)
    results = []

    def reply(user, text):
        try:
            services.do_reply(Case.objects.get(pk=case.pk), acting_user=user, text=text)
            results.append("ok")
        except services.IllegalTransition:
            results.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=reply, args=(world.editor_a, f"答复{i}")) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost", "lost", "lost", "ok"]
    assert AuditLog.objects.filter(action="interaction.replied").count() == 1


def test_a_forwarded_case_is_answered_by_the_competent_unit_then_replied_by_the_owner(world):
    town_editor = make_user("town_editor", Role.EDITOR, world.town_a)
    case = make_case(world.account_a, "学校门口的道路什么时候修？")
    services.do_assign(case, acting_user=world.supervisor_a, assignee=world.editor_a)
    services.do_forward(case, acting_user=world.editor_a, unit=world.town_a, note="请石桥镇核实道路维修计划")
    assert Notification.objects.filter(user=town_editor).exists()
    assert list(services.forwarded_to_user(town_editor)) == [case]
    with pytest.raises(PermissionDenied):
        services.do_answer_forward(case, acting_user=world.editor_a, text="越权")
    services.do_answer_forward(case, acting_user=town_editor, text="计划下月施工")
    case.refresh_from_db()
    assert case.forward_answer == "计划下月施工" and case.status == Status.FORWARDED
    assert Notification.objects.filter(user=world.editor_a, key__startswith="case-forward-answered").exists()
    services.do_reply(case, acting_user=world.editor_a, text="您好，经石桥镇核实，道路计划下月施工。")
    assert Case.objects.get(pk=case.pk).status == Status.REPLIED


def test_forwarding_needs_a_unit_other_than_the_owner_and_a_note(world):
    case = make_case(world.account_a)
    with pytest.raises(services.CaseError) as no_unit:
        services.do_forward(case, acting_user=world.editor_a, unit=None, note="x")
    assert no_unit.value.field == "unit"
    with pytest.raises(services.CaseError) as own:
        services.do_forward(case, acting_user=world.editor_a, unit=world.dept_a, note="x")
    assert "本单位" in own.value.message
    with pytest.raises(services.CaseError) as no_note:
        services.do_forward(case, acting_user=world.editor_a, unit=world.dept_a2, note=" ")
    assert no_note.value.field == "note"


def test_a_sensitive_case_is_closed_as_answered_offline_with_its_reason(world):
    case = make_case(world.account_a, "我家孩子在学校被欺负，老师不管，我要投诉")
    with pytest.raises(services.CaseError) as no_reason:
        services.do_answer_offline(case, acting_user=world.editor_a, reason="")
    assert no_reason.value.field == "reason"
    services.do_answer_offline(case, acting_user=world.editor_a, reason="涉及未成年人隐私，已电话联系家长")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.reply_channel == ReplyChannel.OFFLINE
    assert case.answered_at is not None and case.offline_reason.startswith("涉及")
    assert Message.objects.get(pk=case.message_id).replied_at == case.answered_at


def test_read_only_roles_and_outsiders_cannot_handle_a_case(world):
    case = make_case(world.account_a2)
    for user in (world.reviewer_a, world.observer, world.editor_a, world.supervisor_b):
        with pytest.raises(PermissionDenied):
            services.do_answer_offline(case, acting_user=user, reason="越权操作测试")


@pytest.mark.parametrize(
    ("text", "platform_kind", "kind", "topic"),
    [
        ("请问孩子入学需要什么材料？", "comment", Kind.CONSULTATION, "教育"),
        ("建议增加到火车站的公交线路", "comment", Kind.SUGGESTION, "交通出行"),
        ("我要投诉卫生院乱收费", "comment", Kind.COMPLAINT, "医疗卫生"),
        ("辛苦了，点赞！", "comment", Kind.COMMENT, ""),
        ("社保卡丢了", "consultation", Kind.CONSULTATION, "社会保障"),
        ("今天天气不错", "private", Kind.OTHER, ""),
    ],
)
def test_kind_and_topic_are_suggested_by_keyword_rules(world, text, platform_kind, kind, topic):
    got_kind, got_topic, _ = services.classify(text, world.county_a, platform_kind)
    assert (got_kind, got_topic) == (kind, topic)


def test_a_supervisor_edited_rule_overrides_the_default_keywords(world):
    KindRule.objects.create(region=world.city, kind=Kind.COMPLAINT, keywords="反映，太慢")
    kind, _, _ = services.classify("办事窗口太慢了", world.county_a, "comment")
    assert kind == Kind.COMPLAINT


def test_reminders_fire_once_before_the_deadline_and_escalate_when_overdue(world):
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        case = make_case(world.account_a)
    with time_machine.travel(at(2026, 11, 25, 7, 0), tick=False):
        assert services.send_reply_reminders() == {"due_soon": 1, "overdue": 0}  # editor_a, 3 h left
        assert services.send_reply_reminders() == {"due_soon": 0, "overdue": 0}
    with time_machine.travel(at(2026, 11, 25, 10, 30), tick=False):
        assert services.send_reply_reminders() == {"due_soon": 0, "overdue": 2}  # editor + county supervisor
        assert services.send_reply_reminders()["overdue"] == 0
    keys = set(Notification.objects.values_list("user__username", "key"))
    assert ("sup_a", f"case-overdue-{case.pk}") in keys and ("editor_a", f"case-due-{case.pk}") in keys


def test_an_extra_channel_receives_reminders_after_commit(
    world, settings, django_capture_on_commit_callbacks
):
    received = []

    class Fake:
        name = "fake"

        def send(self, user, text, url):
            received.append((user.username, text))

    settings.GOVMEDIA_NOTIFY_CHANNELS = ["tests.interaction.test_services.FakeChannel"]
    FakeChannel.sink = received
    case = make_case(world.account_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_assign(case, acting_user=world.supervisor_a, assignee=world.editor_a)
    assert received and received[0][0] == "editor_a"


class FakeChannel:
    name = "fake"
    sink: list = []

    def send(self, user, text, url):
        self.sink.append((user.username, text))


def test_a_default_topic_keeps_matching_after_its_row_is_created(world):
    first = make_case(world.account_a, "学校什么时候放寒假？")
    second = make_case(world.account_a, "学校食堂收费标准是什么？")
    assert first.topic.name == second.topic.name == "教育"


def test_a_supervisor_edits_topics_kinds_and_reply_hours_of_its_region(world):
    services.do_save_topic(world.county_a, acting_user=world.supervisor_a, name="教育", keywords="校车，学校")
    services.do_save_topic(world.county_a, acting_user=world.supervisor_a, name="校车安全", keywords="校车")
    assert services.classify("校车晚点了", world.county_a)[1] in {"教育", "校车安全"}
    assert services.classify("校车晚点了", world.county_b)[1] == ""
    services.do_save_policy(world.county_a, acting_user=world.supervisor_a, hours=12, holiday_hours=24)
    assert services.policy_for(world.township_a) == (12, 24)
    with pytest.raises(services.CaseError) as loose:
        services.do_save_policy(world.county_a, acting_user=world.supervisor_a, hours=36, holiday_hours=48)
    assert loose.value.field == "hours"
    for user in (world.editor_a, world.supervisor_b):
        with pytest.raises(PermissionDenied):
            services.do_save_kind_rule(world.county_a, acting_user=user, kind="complaint", keywords="差评")
