"""Celery tasks for the schedule (thin: they call one service and return a short summary).

Schedule entries to declare in ``govmedia/schedule.py``:
``Entry("remind_overdue_rectifications", "govmedia.results.tasks.remind_overdue_rectifications", "0 9 * * *", 3600)``
``Entry("refresh_cleanup_candidates", "govmedia.results.tasks.refresh_cleanup_candidates", "0 3 * * 1", 6 * 3600)``
"""

from __future__ import annotations

from celery import shared_task

from govmedia.results import cleanup, services


@shared_task(acks_late=True)
def remind_overdue_rectifications() -> dict:
    return {"reminded": services.remind_overdue()}


@shared_task(acks_late=True)
def refresh_cleanup_candidates() -> dict:
    return cleanup.refresh_candidates()
