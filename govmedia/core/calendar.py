"""Working days per the State Council's holiday schedules (节假日安排), with 调休 work days.

Built-in data comes from ``chinesecalendar`` (through 2026); an administrator adds a later
year as data (``CalendarYear`` + ``HolidayOverride``) and may override any single day.
A date in a year nobody entered is an explicit error, never a guess: deadlines in the
policies are counted in working days (e.g. 002_…txt 备案 "开设后7个工作日内", 003_…txt
关停 "不少于15个工作日") and a wrong count would be a wrong deadline.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import chinese_calendar

_BUILTIN_YEARS = set(range(2004, 2027))


class CalendarMissing(LookupError):
    """The holiday schedule of a year is unknown."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入：请系统管理员在“基础设置 › 节假日年度”中录入"
            f"{year}年国务院办公厅发布的放假和调休安排后再计算工作日。"
        )


@dataclass
class WorkingCalendar:
    """An immutable snapshot of the calendar data; cheap to query many times."""

    overrides: dict[dt.date, bool] = field(default_factory=dict)
    entered_years: frozenset[int] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.entered_years:
            return day.weekday() < 5
        if day.year not in _BUILTIN_YEARS:
            raise CalendarMissing(day.year)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarMissing(day.year) from None

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start`` (``start`` itself not counted)."""
        if n < 0:
            raise ValueError("工作日数不能为负数")
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval (start, end]; negative if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def add_working_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """Advance a clock that runs only on working days (a working day has 24 hours).

        A clock started on a holiday starts at 00:00 of the next working day.
        """
        remaining = dt.timedelta(hours=hours)
        current = moment
        while True:
            midnight = dt.datetime.combine(current.date() + dt.timedelta(days=1), dt.time(), current.tzinfo)
            if self.is_working_day(current.date()):
                available = midnight - current
                if remaining <= available:
                    return current + remaining
                remaining -= available
            current = midnight


_lock = threading.Lock()
_cached: tuple[float, WorkingCalendar] | None = None
_TTL_SECONDS = 60.0


def current_calendar() -> WorkingCalendar:
    """The calendar with the administrator's data, cached; saving that data clears the cache."""
    global _cached
    with _lock:
        if _cached and time.monotonic() - _cached[0] < _TTL_SECONDS:
            return _cached[1]
    from govmedia.core.models import CalendarYear, HolidayOverride

    calendar = WorkingCalendar(
        overrides=dict(HolidayOverride.objects.values_list("date", "is_working_day")),
        entered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )
    with _lock:
        _cached = (time.monotonic(), calendar)
    return calendar


def clear_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current_calendar().working_days_between(start, end)


def add_working_hours(moment: dt.datetime, hours: float) -> dt.datetime:
    return current_calendar().add_working_hours(moment, hours)


def reply_deadline(received_at: dt.datetime, *, hours: float = 24, holiday_hours: float = 48) -> dt.datetime:
    """When a message from the public must be answered (003_…txt §三: "24小时内进行答复，节假日不得晚于48小时").

    Clock hours from the moment received: ``hours`` if it came on a working day (local date),
    ``holiday_hours`` if it came on a weekend or holiday. Regions may configure both numbers.
    """
    local = received_at.astimezone(_local_zone()) if received_at.tzinfo else received_at
    window = hours if is_working_day(local.date()) else holiday_hours
    return received_at + dt.timedelta(hours=window)


def _local_zone():
    from django.utils import timezone

    return timezone.get_default_timezone()
