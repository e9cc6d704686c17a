"""Celery tasks for the schedule (thin: match collected posts, remind, mark missed).

Schedule entry to declare in ``govmedia/schedule.py``:
``Entry("dispatch_run", "govmedia.dispatch.tasks.run", "5,35 * * * *", 1800)``
"""

from __future__ import annotations

from celery import shared_task

from govmedia.dispatch import services


@shared_task(acks_late=True)
def run() -> dict:
    return services.run()
