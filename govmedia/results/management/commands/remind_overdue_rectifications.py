from django.core.management.base import BaseCommand

from govmedia.results.services import remind_overdue


class Command(BaseCommand):
    help = "提醒逾期未整改的单位（每份整改通知只提醒一次；建议每个工作日执行）"

    def handle(self, *args, **options):
        self.stdout.write(f"逾期整改提醒：{remind_overdue()} 份")
