"""Celery tasks for the schedule.

Schedule entry to declare in ``govmedia/schedule.py``:
``Entry("password_reminders", "govmedia.security.tasks.password_reminders", "0 8 * * *", 3600)``
"""

from __future__ import annotations

from celery import shared_task

from govmedia.security import services


@shared_task(acks_late=True)
def password_reminders() -> dict:
    return services.send_password_reminders()
