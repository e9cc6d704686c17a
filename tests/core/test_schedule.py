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
