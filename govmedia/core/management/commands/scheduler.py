"""The embedded-mode scheduler: the same declared schedule as Celery beat, run in this process."""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from govmedia.celery import app
from govmedia.core.jobs import try_claim
from govmedia.schedule import beat_schedule, due

log = logging.getLogger("govmedia.scheduler")


class Command(BaseCommand):
    help = "嵌入式模式的定时任务调度（与分布式模式的 Celery beat 使用同一份任务表）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="检查一次到期任务后退出")
        parser.add_argument("--interval", type=int, default=30, help="检查间隔（秒）")

    def handle(self, *args, once, interval, **options):
        app.loader.import_default_modules()
        entries, last_runs = beat_schedule(), {}
        self.stdout.write(f"定时任务调度已启动：{len(entries)} 项（{'、'.join(entries)}）")
        while True:
            now = timezone.now()
            for name in due(entries, last_runs, now):
                last_runs[name] = now
                # One run per slot even if several schedulers run against the same database.
                if not try_claim(
                    f"schedule:{name}:{now:%Y%m%d%H%M}", owner="scheduler", ttl=timezone.timedelta(hours=2)
                ):
                    continue
                entry = entries[name]
                try:
                    result = app.tasks[entry["task"]].apply(kwargs=entry["kwargs"]).get()
                    self.stdout.write(f"{now:%Y-%m-%d %H:%M} {name}：{result}")
                except Exception:  # one failing job must not stop the others
                    log.exception("scheduled job %s failed", name)
            if once:
                return
            time.sleep(interval)
