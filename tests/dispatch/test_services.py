"""Issuing directives to the right accounts, acknowledging, confirming by hand, reminders and missed tasks."""

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.core.models import AuditLog
from govmedia.dispatch import services
from govmedia.dispatch.models import Task, TaskReminder, TaskStatus
from govmedia.registry.models import AccountStatus, Platform

from .conftest import at, issue


def _accounts(directive):
    return set(directive.tasks.values_list("account__name", flat=True))


def test_a_county_directive_reaches_every_active_account_of_the_county(world):
    world.town_account.status = AccountStatus.SUSPENDED
    world.town_account.save()
    directive = issue(world.supervisor_a, now=at(2026, 11, 24, 10, 0))
    assert _accounts(directive) == {"青山教育", "青山民政"}
    assert AuditLog.objects.filter(action="dispatch.issued").count() == 1


def test_targets_narrow_by_unit_and_platform(world):
    by_unit = issue(world.supervisor_a, units=[world.dept_a2], now=at(2026, 11, 24, 10, 0))
    assert _accounts(by_unit) == {"青山民政"}
    by_platform = issue(
        world.city_supervisor, platforms=[Platform.WECHAT_SUBSCRIPTION], now=at(2026, 11, 24, 10, 0)
    )
    assert _accounts(by_platform) == {"青山教育", "青山县石桥镇", "临河教育"}
    by_gov = issue(world.supervisor_a, units=[world.gov_a], now=at(2026, 11, 24, 10, 0))
    assert "青山县石桥镇" in _accounts(by_gov)


def test_only_supervisors_issue_and_only_inside_their_scope(world):
    with pytest.raises(PermissionDenied):
        issue(world.editor_a, now=at(2026, 11, 24, 10, 0))
    with pytest.raises(services.DispatchError) as outside:
        issue(world.supervisor_a, units=[world.dept_b], now=at(2026, 11, 24, 10, 0))
    assert outside.value.field == "units"
    with pytest.raises(services.DispatchError) as account:
        issue(world.supervisor_a, accounts=[world.account_b], now=at(2026, 11, 24, 10, 0))
    assert account.value.field == "accounts"


def test_bad_input_names_the_field(world):
    with pytest.raises(services.DispatchError) as past:
        issue(world.supervisor_a, deadline=at(2026, 11, 20, 10, 0), now=at(2026, 11, 24, 10, 0))
    assert past.value.field == "deadline" and "晚于现在" in past.value.message
    with pytest.raises(services.DispatchError) as empty:
        issue(world.supervisor_a, title=" ", now=at(2026, 11, 24, 10, 0))
    assert empty.value.field == "title"
    with pytest.raises(services.DispatchError) as nothing:
        issue(world.supervisor_a, source_url="", text="", now=at(2026, 11, 24, 10, 0))
    assert nothing.value.field == "source_url"


def test_acknowledging_and_confirming_by_hand_with_evidence(world, directive_a):
    task = Task.objects.get(directive=directive_a, account=world.account_a)
    services.do_acknowledge(task, acting_user=world.editor_a)
    assert task.status == TaskStatus.ACKNOWLEDGED
    with pytest.raises(services.DispatchError) as no_evidence:
        services.do_confirm(task, acting_user=world.editor_a)
    assert no_evidence.value.field == "evidence_url"
    services.do_confirm(task, acting_user=world.editor_a, evidence_url="https://example.com/screenshot.png")
    task.refresh_from_db()
    assert (
        task.status == TaskStatus.DONE
        and task.match_method == "manual"
        and task.confirmed_by == world.editor_a
    )
    with pytest.raises(services.DispatchError):
        services.do_confirm(task, acting_user=world.editor_a, note="再次确认")


def test_another_units_editor_and_read_only_roles_cannot_touch_a_task(world, directive_a):
    task = Task.objects.get(directive=directive_a, account=world.account_a2)
    for user in (world.editor_a, world.reviewer_a, world.supervisor_b):
        with pytest.raises(PermissionDenied):
            services.do_acknowledge(task, acting_user=user)


def test_an_information_directive_is_done_when_acknowledged(world):
    directive = issue(world.supervisor_a, kind="info", now=at(2026, 11, 24, 10, 0))
    task = directive.tasks.get(account=world.account_a)
    services.do_acknowledge(task, acting_user=world.editor_a)
    assert task.status == TaskStatus.DONE


def test_reminders_fire_once_a_day_before_and_missed_tasks_are_marked_once(world, directive_a):
    assert services.send_reminders(at(2026, 11, 25, 12, 0)) == 0  # 30 hours left
    assert services.send_reminders(at(2026, 11, 25, 20, 0)) == 3
    assert services.send_reminders(at(2026, 11, 26, 8, 0)) == 0
    services.do_confirm(
        Task.objects.get(directive=directive_a, account=world.account_a),
        acting_user=world.editor_a,
        note="已转发",
        done_at=at(2026, 11, 26, 9, 0),
    )
    assert services.mark_missed(at(2026, 11, 26, 18, 30)) == 2
    assert services.mark_missed(at(2026, 11, 26, 19, 0)) == 0
    assert TaskReminder.objects.filter(kind="missed").count() == 2
    rows = services.missed_directives(since=at(2026, 11, 1, 0, 0), until=at(2026, 12, 1, 0, 0))
    assert {r["account_id"] for r in rows} == {world.account_a2.pk, world.town_account.pk}


def test_run_is_idempotent(world, directive_a):
    first = services.run(at(2026, 11, 26, 19, 0))
    assert first["missed"] == 3
    assert services.run(at(2026, 11, 26, 19, 0)) == {"completed": 0, "reminded": 0, "missed": 0}


def test_completion_counts_done_on_time_and_missed(world, directive_a):
    services.do_confirm(
        Task.objects.get(directive=directive_a, account=world.account_a),
        acting_user=world.editor_a,
        note="已转发",
        done_at=at(2026, 11, 25, 9, 0),
    )
    services.mark_missed(at(2026, 11, 27, 9, 0))
    c = services.completion(directive_a)
    assert (c.total, c.done, c.on_time, c.missed) == (3, 1, 1, 2)
    assert round(c.share, 2) == 0.33


def test_a_hand_confirmation_cannot_be_dated_before_the_directive(world, directive_a):
    task = Task.objects.get(directive=directive_a, account=world.account_a)
    with pytest.raises(services.DispatchError) as early:
        services.do_confirm(task, acting_user=world.editor_a, note="x", done_at=at(2026, 11, 1, 9, 0))
    assert early.value.field == "done_at"
