from django.core.management.base import BaseCommand

from govmedia.security import services


class Command(BaseCommand):
    help = "账号密码满 90 天未修改或未登记保管人时提醒（每个周期只提醒一次）"

    def handle(self, *args, **options):
        r = services.send_password_reminders()
        self.stdout.write(f"密码到期提醒 {r['password']} 条；未登记提醒 {r['unregistered']} 条")
