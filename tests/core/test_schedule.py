import pytest

from govmedia.schedule import SCHEDULE, beat_schedule


def test_every_scheduled_task_exists_and_expires():
    from govmedia.celery import app

    app.loader.import_default_modules()
    for name, entry in beat_schedule(environ={}).items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] > 0


def test_an_entry_can_be_moved_or_turned_off_by_environment():
    schedule = beat_schedule(
        environ={"GOVMEDIA_SCHEDULE_COLLECT_WEIBO": "5 6 * * 1", "GOVMEDIA_SCHEDULE_RECHECK_POSTS": "off"}
    )
    assert "recheck_posts" not in schedule
    assert schedule["collect_weibo"]["schedule"].hour == {6}
    assert len(schedule) == len(SCHEDULE) - 1


def test_a_malformed_override_is_a_clear_error():
    with pytest.raises(ValueError, match="5 段 crontab"):
        beat_schedule(environ={"GOVMEDIA_SCHEDULE_COLLECT_WEIBO": "every hour"})


@pytest.mark.django_db
def test_in_process_mode_runs_the_same_fan_out_and_returns_the_summary(world):
    from govmedia.content.tasks import recheck_all
    from tests.distributed.test_celery import _posts

    _posts(world, 10)
    summary = recheck_all()
    assert summary["accounts"] == 5 and summary["checked"] == 10 and summary["flagged"] >= 5


def test_an_entry_is_due_once_its_crontab_slot_has_come():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from govmedia.schedule import due

    tz = ZoneInfo("Asia/Shanghai")
    entries = beat_schedule(environ={})
    monday_0030 = dt.datetime(2026, 11, 30, 0, 30, tzinfo=tz)
    last_runs: dict = {}
    assert "weekly_inspection" not in due(entries, last_runs, monday_0030)  # first sight: wait for a slot
    monday_0101 = dt.datetime(2026, 11, 30, 1, 1, tzinfo=tz)
    assert "weekly_inspection" in due(entries, last_runs, monday_0101)
    last_runs["weekly_inspection"] = monday_0101
    assert "weekly_inspection" not in due(entries, last_runs, monday_0101 + dt.timedelta(hours=3))


@pytest.mark.django_db
def test_the_scheduler_command_starts_and_checks_once(capsys):
    from django.core.management import call_command

    call_command("scheduler", "--once")
    assert "定时任务调度已启动" in capsys.readouterr().out
