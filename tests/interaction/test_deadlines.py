"""The reply clock (003_…txt: 24 小时内答复，节假日不得晚于 48 小时) and overdue detection."""

import datetime as dt

import time_machine

from govmedia.interaction import reports, services
from govmedia.interaction.models import Case, ReplyPolicy, Status

from .conftest import at, make_case


def test_a_message_on_a_working_day_is_due_24_hours_later(world):
    case = make_case(world.account_a, received_at=at(2026, 11, 24, 10, 0))  # Tuesday
    assert case.deadline == at(2026, 11, 25, 10, 0)


def test_a_message_on_a_saturday_is_due_48_hours_later(world):
    case = make_case(world.account_a, received_at=at(2026, 11, 28, 21, 30))
    assert case.deadline == at(2026, 11, 30, 21, 30)


def test_a_message_on_friday_evening_keeps_the_24_hour_clock_across_the_weekend(world):
    case = make_case(world.account_a, received_at=at(2026, 11, 27, 18, 0))
    assert case.deadline == at(2026, 11, 28, 18, 0)


def test_a_message_during_the_national_day_holiday_gets_48_hours(world):
    case = make_case(world.account_a, received_at=at(2026, 10, 5, 9, 0))  # Monday, but a holiday
    assert case.deadline == at(2026, 10, 7, 9, 0)


def test_a_message_on_a_make_up_working_saturday_gets_24_hours(world):
    case = make_case(world.account_a, received_at=at(2026, 10, 10, 9, 0))  # 调休上班
    assert case.deadline == at(2026, 10, 11, 9, 0)


def test_midnight_is_read_in_beijing_time_not_utc(world):
    # 2026-10-08 00:30 Beijing is still 2026-10-07 in UTC (a holiday); Beijing's date is a working day
    case = make_case(world.account_a, received_at=at(2026, 10, 8, 0, 30))
    assert case.deadline == at(2026, 10, 9, 0, 30)


def test_a_region_can_set_its_own_reply_hours_and_counties_inherit_them(world):
    ReplyPolicy.objects.create(region=world.city, hours=12, holiday_hours=36)
    case = make_case(world.account_a, received_at=at(2026, 11, 24, 10, 0))
    assert case.deadline == at(2026, 11, 24, 22, 0)
    ReplyPolicy.objects.create(region=world.county_b, hours=8, holiday_hours=24)
    case_b = make_case(world.account_b, received_at=at(2026, 11, 28, 10, 0))
    assert case_b.deadline == at(2026, 11, 29, 10, 0)


def test_open_cases_is_idempotent(world):
    make_case(world.account_a)
    assert services.open_cases() == 0
    assert Case.objects.count() == 1


def test_a_message_already_answered_on_the_platform_opens_as_replied(world):
    case = make_case(
        world.account_a,
        received_at=at(2026, 11, 24, 10, 0),
        reply_text="已转相关部门",
        replied_at=at(2026, 11, 24, 15, 0),
    )
    assert case.status == Status.REPLIED and case.on_time


def test_overdue_cases_are_those_open_past_their_deadline(world):
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        late = make_case(world.account_a, "请问一")
        answered = make_case(world.account_a, "请问二")
        services.do_reply(answered, acting_user=world.editor_a, text="您好，已为您办理。")
        fresh_later = None
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        fresh_later = make_case(world.account_a, "请问三")
    with time_machine.travel(at(2026, 11, 25, 10, 1), tick=False):
        late.refresh_from_db()
        assert late.is_overdue()
        assert not fresh_later.is_overdue()
        rows = reports.late_replies()
        assert [r["case_id"] for r in rows] == [late.pk]
        answered.refresh_from_db()
        assert answered.on_time is True


def test_a_reply_after_the_deadline_counts_as_late(world):
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        case = make_case(world.account_a)
    with time_machine.travel(at(2026, 11, 26, 10, 0), tick=False):
        services.do_reply(case, acting_user=world.editor_a, text="您好，已为您办理。")
        case.refresh_from_db()
        assert case.on_time is False
        assert [r["case_id"] for r in reports.late_replies(account_ids=[world.account_a.pk])] == [case.pk]
        assert reports.late_replies(account_ids=[world.account_b.pk]) == []


def test_response_stats_give_mean_p90_and_share_on_time_per_unit(world):
    with time_machine.travel(at(2026, 11, 24, 8, 0), tick=False):
        cases = [make_case(world.account_a, f"请问{i}") for i in range(10)]
    hours = [2, 4, 6, 8, 10, 12, 14, 16, 18, 25]  # the last one misses the 24-hour deadline
    for case, h in zip(cases, hours, strict=True):
        with time_machine.travel(at(2026, 11, 24, 8, 0) + dt.timedelta(hours=h), tick=False):
            services.do_reply(case, acting_user=world.editor_a, text="您好，已为您办理。")
    with time_machine.travel(at(2026, 11, 26, 8, 0), tick=False):
        make_case(world.account_b, received_at=at(2026, 11, 24, 8, 0))  # open and overdue
        rows = {r["name"]: r for r in reports.response_stats(Case.objects.all())}
    a = rows["青山县教育局"]
    assert a["total"] == 10 and a["answered"] == 10
    assert a["mean_hours"] == 11.5 and a["p90_hours"] == 18.0
    assert a["on_time_share"] == 0.9
    b = rows["临河区教育局"]
    assert b["answered"] == 0 and b["on_time_share"] == 0.0 and b["mean_hours"] is None
