"""Celery tasks for the schedule (thin: open cases for new messages, remind, escalate).

Schedule entry to declare in ``govmedia/schedule.py``:
``Entry("reply_reminders", "govmedia.interaction.tasks.reply_reminders", "*/15 * * * *", 900)``
"""

from __future__ import annotations

from celery import shared_task

from govmedia.interaction import services


@shared_task(acks_late=True)
def reply_reminders() -> dict:
    opened = services.open_cases()
    return {"opened": opened, **services.send_reply_reminders()}
