"""Celery tasks for the schedule (thin: they call monitoring and return a short summary).

Schedule entries to declare in ``govmedia/schedule.py``:
``Entry("weekly_inspection", "govmedia.supervision.tasks.weekly_inspection", "0 1 * * 1", 6 * 3600)``
``Entry("update_warnings", "govmedia.supervision.tasks.update_warnings", "0 8 * * *", 3600)``
"""

from __future__ import annotations

from celery import shared_task

from govmedia.supervision import monitoring


@shared_task(acks_late=True)
def weekly_inspection() -> dict:
    inspections = monitoring.run_weekly_inspections()
    return {"inspections": [i.pk for i in inspections]}


@shared_task(acks_late=True)
def update_warnings() -> dict:
    return {"warnings": len(monitoring.send_update_warnings())}
