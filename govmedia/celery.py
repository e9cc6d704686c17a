"""The Celery application for the distributed mode (PostgreSQL + Redis + any number of workers).

Without ``CELERY_BROKER_URL`` the same tasks run in-process and at once (embedded mode), so
every service gives identical results in both modes.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")

app = Celery("govmedia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_schedule(sender, **kwargs) -> None:
    from govmedia.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
