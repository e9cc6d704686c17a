from django.core.management.base import BaseCommand

from govmedia.interaction import services


class Command(BaseCommand):
    help = "为新留言建立办理记录，发送即将超时提醒和超时督办通知（可重复运行）"

    def handle(self, *args, **options):
        opened = services.open_cases()
        sent = services.send_reply_reminders()
        self.stdout.write(
            f"新建办理记录 {opened} 条；即将超时提醒 {sent['due_soon']} 条，超时督办 {sent['overdue']} 条"
        )
