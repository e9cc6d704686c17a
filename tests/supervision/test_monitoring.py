"""The weekly full check and the early warnings before the 14-day veto."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from govmedia.registry.models import Contact
from govmedia.supervision.management.commands.supervision_schedule import run_due
from govmedia.supervision.models import Inspection, WarningLog
from govmedia.supervision.monitoring import (
    parse_ladder,
    previous_week,
    run_weekly_inspections,
    send_update_warnings,
)
from tests.supervision.conftest import at, post


def test_the_weekly_check_covers_last_monday_to_sunday_once(world):
    assert previous_week(dt.date(2026, 11, 23)) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert previous_week(dt.date(2026, 11, 29)) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    first = run_weekly_inspections(dt.date(2026, 11, 23))
    again = run_weekly_inspections(dt.date(2026, 11, 23))
    assert first == again and Inspection.objects.count() == 1
    inspection = first[0]
    assert inspection.scope_unit == world.city_gov and inspection.account_count == 5
    assert inspection.kind == "full" and inspection.indicator_set.code == "demo-city-2026"


def test_the_in_process_scheduler_runs_the_weekly_check_on_monday_mornings_only(world):
    sunday = dt.datetime(2026, 12, 13, 9, tzinfo=at(1, 1).tzinfo)  # nobody ever posted: 2 rungs × 5 accounts
    assert run_due(sunday) == ["更新预警：10 条"]
    assert not Inspection.objects.exists()
    assert run_due(sunday + dt.timedelta(hours=17)) == [
        "每周检查：1 项"
    ]  # Monday 02:00: warnings wait for 08:00
    assert Inspection.objects.get().period_start == dt.date(2026, 12, 7)


def test_warnings_go_to_the_operator_at_10_days_and_the_deputy_at_12_once_each(world):
    Contact.objects.create(
        account=world.account_a, role=Contact.Role.ADMIN, name="李四", mobile="13900000000"
    )
    Contact.objects.create(
        account=world.account_a, role=Contact.Role.DEPUTY, name="王五", mobile="13700000000"
    )
    for account in (world.city_account, world.account_a2, world.town_account, world.account_b):
        post(account, at(11, 20), "动态")
    post(world.account_a, at(11, 10, 9), "动态")
    ladder = parse_ladder("10:admin,12:deputy")

    eleven_days = send_update_warnings(at(11, 21, 10), ladder)
    assert [(w.days, w.recipient_role, w.recipient) for w in eleven_days] == [
        (10, "admin", "李四 13900000000")
    ]
    assert "已11天未更新" in eleven_days[0].message
    assert send_update_warnings(at(11, 21, 12), ladder) == []
    thirteen = send_update_warnings(at(11, 23, 10), ladder)
    assert [(w.days, w.recipient_role) for w in thirteen] == [(12, "deputy")]
    post(world.account_a, at(11, 24), "恢复更新")
    assert send_update_warnings(at(11, 28, 10), ladder) == []
    assert WarningLog.objects.count() == 2


def test_a_malformed_ladder_is_refused_in_chinese():
    with pytest.raises(ValueError, match="预警阶梯"):
        parse_ladder("10:boss")


@pytest.mark.slow
def test_a_weekly_check_of_the_demo_region_runs_in_seconds(db):
    from govmedia.content.demo import build_demo_content
    from govmedia.registry.demo import build_demo_region

    build_demo_region()
    build_demo_content()
    started = time.perf_counter()
    inspections = run_weekly_inspections(timezone.localdate())
    elapsed = time.perf_counter() - started
    assert len(inspections) == 1 and inspections[0].account_count > 400  # 网信办 has no accounts: no check
    assert inspections[0].result["units"], "the demo region has 县区 and 市直部门 to rank"
    assert elapsed < 10, elapsed
