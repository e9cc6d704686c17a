"""Embedded-mode scheduler: the weekly full check (Mondays) and daily update warnings, in-process.

``--once`` runs whatever is due now and exits (both jobs are idempotent); without it the
command loops, checking every minute. The distributed mode uses Celery beat instead.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from govmedia.supervision import monitoring


def run_due(now) -> list[str]:
    local = timezone.localtime(now)
    done = []
    if local.weekday() == 0 and local.hour >= 1:
        inspections = monitoring.run_weekly_inspections(local.date())
        done.append(f"每周检查：{len(inspections)} 项")
    if local.hour >= 8:
        done.append(f"更新预警：{len(monitoring.send_update_warnings(now))} 条")
    return done


class Command(BaseCommand):
    help = "内嵌模式的定时任务：每周一全覆盖检查上周，每天发送更新预警"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行当前到期的任务后退出")
        parser.add_argument("--weekly-now", action="store_true", help="立即运行上周的全覆盖检查")

    def handle(self, *args, **options):
        if options["weekly_now"]:
            for inspection in monitoring.run_weekly_inspections():
                self.stdout.write(
                    f"检查 #{inspection.pk}：{inspection.account_count} 个账号，不合格 {inspection.failed_count} 个"
                )
            return
        while True:
            for line in run_due(timezone.now()):
                self.stdout.write(line)
            if options["once"]:
                return
            time.sleep(60)
