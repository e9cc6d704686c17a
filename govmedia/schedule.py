"""The schedule, declared once (paperless-ngx ``parse_beat_schedule``).

Each entry runs a task on a crontab; ``GOVMEDIA_SCHEDULE_<NAME>`` overrides its crontab
("minute hour day_of_month month day_of_week", e.g. "30 6 * * *") or turns it off ("off").
``expires`` drops a run that waited too long in the queue instead of piling runs up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from celery.schedules import crontab


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    cron: str  # minute hour day_of_month month day_of_week
    expires_seconds: int
    kwargs: dict | None = None


SCHEDULE: list[Entry] = [
    Entry(
        "collect_wechat",
        "govmedia.content.tasks.collect_platform",
        "0 */2 * * *",
        3600,
        {"platforms": ["wechat_subscription", "wechat_service"]},
    ),
    Entry(
        "collect_weibo",
        "govmedia.content.tasks.collect_platform",
        "20 */3 * * *",
        3600,
        {"platforms": ["weibo"]},
    ),
    Entry(
        "collect_video",
        "govmedia.content.tasks.collect_platform",
        "40 */3 * * *",
        3600,
        {"platforms": ["douyin", "kuaishou"]},
    ),
    Entry(
        "collect_feeds",
        "govmedia.content.tasks.collect_platform",
        "10 */4 * * *",
        3600,
        {"platforms": ["toutiao", "baijiahao", "wechat_channels", "app", "other"]},
    ),
    Entry("recheck_posts", "govmedia.content.tasks.recheck_all", "30 2 * * *", 6 * 3600),
    # 003_…txt: "每周将对全市政务新媒体运维情况开展全覆盖检查" — Monday night, for the previous week.
    Entry("weekly_inspection", "govmedia.supervision.tasks.weekly_inspection", "0 1 * * 1", 6 * 3600),
    Entry("update_warnings", "govmedia.supervision.tasks.update_warnings", "0 8 * * *", 3600),
    Entry("reply_reminders", "govmedia.interaction.tasks.reply_reminders", "*/15 * * * *", 900),
    Entry("dispatch_run", "govmedia.dispatch.tasks.run", "5,35 * * * *", 1800),
    Entry("password_reminders", "govmedia.security.tasks.password_reminders", "0 8 * * *", 3600),
    Entry("expire_stale_reviews", "review.expire_stale", "15 * * * *", 3600),
    Entry(
        "remind_overdue_rectifications",
        "govmedia.results.tasks.remind_overdue_rectifications",
        "0 9 * * *",
        3600,
    ),
    Entry(
        "refresh_cleanup_candidates",
        "govmedia.results.tasks.refresh_cleanup_candidates",
        "0 3 * * 1",
        6 * 3600,
    ),
]


def _crontab(expression: str) -> crontab:
    minute, hour, day_of_month, month, day_of_week = expression.split()
    return crontab(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month, day_of_week=day_of_week
    )


def beat_schedule(entries: list[Entry] | None = None, environ: dict | None = None) -> dict:
    environ = os.environ if environ is None else environ
    schedule = {}
    for entry in entries if entries is not None else SCHEDULE:
        cron = environ.get(f"GOVMEDIA_SCHEDULE_{entry.name.upper()}", entry.cron).strip()
        if cron.lower() == "off":
            continue
        if len(cron.split()) != 5:
            raise ValueError(
                f"GOVMEDIA_SCHEDULE_{entry.name.upper()} 应为 5 段 crontab 表达式，实际为 {cron!r}"
            )
        schedule[entry.name] = {
            "task": entry.task,
            "schedule": _crontab(cron),
            "kwargs": entry.kwargs or {},
            "options": {"expires": entry.expires_seconds},
        }
    return schedule


def due(entries: dict, last_runs: dict, now) -> list[str]:
    """Names of the schedule entries whose crontab slot has come since their last run."""
    names = []
    for name, entry in entries.items():
        schedule = entry["schedule"]
        schedule.nowfun = lambda: now
        if schedule.is_due(last_runs.setdefault(name, now)).is_due:
            names.append(name)
    return names
