from django.core.management.base import BaseCommand

from govmedia.dispatch import services


class Command(BaseCommand):
    help = "比对采集内容认定调度任务完成，发送到期提醒，标记逾期任务（可重复运行）"

    def handle(self, *args, **options):
        r = services.run()
        self.stdout.write(
            f"认定完成 {r['completed']} 个任务；到期提醒 {r['reminded']} 条；逾期 {r['missed']} 个"
        )
