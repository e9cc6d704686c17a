import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govmedia.core import calendar
from govmedia.core.calendar import CalendarMissing, WorkingCalendar
from govmedia.core.models import CalendarYear, HolidayOverride

D = dt.date
TZ = ZoneInfo("Asia/Shanghai")
builtin = WorkingCalendar()


def test_national_day_2025_is_a_holiday_and_its_make_up_sunday_is_a_working_day():
    assert not builtin.is_working_day(D(2025, 10, 1))
    assert not builtin.is_working_day(D(2025, 10, 8))
    assert builtin.is_working_day(D(2025, 9, 28))  # Sunday, 调休上班
    assert builtin.is_working_day(D(2025, 10, 11))  # Saturday, 调休上班


def test_spring_festival_2026_holiday_and_make_up_days():
    assert not builtin.is_working_day(D(2026, 2, 17))  # 春节
    assert builtin.is_working_day(D(2026, 2, 14))  # Saturday, 调休上班
    assert builtin.is_working_day(D(2026, 2, 28))  # Saturday, 调休上班


def test_five_working_days_from_the_eve_of_national_day_2025_land_after_the_holiday():
    # 9-30 Tue → holidays 10-1..10-8 → 10-9 Thu, 10-10 Fri, 10-11 Sat (调休), 10-13 Mon, 10-14 Tue
    assert builtin.add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)


def test_working_days_between_counts_the_half_open_interval_across_new_year_2026():
    # 1-1..1-3 off, 1-4 (Sunday) 调休上班, 1-5 Monday
    assert builtin.working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 2
    assert builtin.working_days_between(D(2026, 1, 5), D(2025, 12, 31)) == -2


def test_fifteen_working_days_notice_before_closing_an_account():
    """003_…txt: 关停前 ≥ 15 个工作日公告; across Labour Day 2026."""
    # 5-1..5-5 off, 5-9 (Saturday) 调休上班
    assert builtin.add_working_days(D(2026, 4, 24), 15) == D(2026, 5, 19)


def test_a_24_hour_reply_clock_started_on_friday_evening_runs_through_monday():
    friday = dt.datetime(2026, 3, 13, 18, 0, tzinfo=TZ)
    assert builtin.add_working_hours(friday, 24) == dt.datetime(2026, 3, 16, 18, 0, tzinfo=TZ)


def test_a_clock_started_on_a_holiday_starts_at_midnight_of_the_next_working_day():
    holiday = dt.datetime(2025, 10, 3, 10, 0, tzinfo=TZ)
    assert builtin.add_working_hours(holiday, 24) == dt.datetime(2025, 10, 10, 0, 0, tzinfo=TZ)


def test_a_year_without_a_schedule_is_an_explicit_error_naming_the_year():
    with pytest.raises(CalendarMissing, match="2027年的节假日安排尚未录入"):
        builtin.is_working_day(D(2027, 3, 1))


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        builtin.add_working_days(D(2026, 3, 2), -1)


@pytest.mark.django_db
def test_an_administrator_enters_2027_and_overrides_apply_at_once():
    with pytest.raises(CalendarMissing):
        calendar.is_working_day(D(2027, 1, 1))
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕示例号")
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    assert not calendar.is_working_day(D(2027, 1, 1))
    assert calendar.is_working_day(D(2027, 1, 4))
    assert not calendar.is_working_day(D(2027, 1, 9))  # plain Saturday


@pytest.mark.django_db
def test_an_override_beats_the_built_in_schedule():
    assert calendar.is_working_day(D(2026, 3, 2))
    HolidayOverride.objects.create(date=D(2026, 3, 2), is_working_day=False, name="地方防汛停工")
    assert not calendar.is_working_day(D(2026, 3, 2))


@pytest.mark.django_db
def test_a_message_on_a_working_day_is_due_in_24_hours_and_on_a_holiday_in_48():
    friday_night = dt.datetime(2026, 3, 13, 23, 0, tzinfo=TZ)
    assert calendar.reply_deadline(friday_night) == dt.datetime(2026, 3, 14, 23, 0, tzinfo=TZ)
    national_day = dt.datetime(2025, 10, 2, 9, 30, tzinfo=TZ)
    assert calendar.reply_deadline(national_day) == dt.datetime(2025, 10, 4, 9, 30, tzinfo=TZ)
    utc_sunday_evening = dt.datetime(2026, 3, 15, 16, 30, tzinfo=dt.UTC)  # Monday 00:30 in Shanghai
    assert calendar.reply_deadline(utc_sunday_evening) == utc_sunday_evening + dt.timedelta(hours=24)
    assert calendar.reply_deadline(friday_night, hours=12, holiday_hours=36) == friday_night + dt.timedelta(
        hours=12
    )
