from django.core.management.base import BaseCommand, CommandError

from govmedia.content.services import recheck_posts


class Command(BaseCommand):
    help = "用最新词库重新检查已采集的发布内容，更新风险提示（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, help="只检查这个账号（账号编号）")
        parser.add_argument("--unchecked", action="store_true", help="只检查尚未检查过的内容")

    def handle(self, *args, account=None, unchecked=False, **options):
        result = recheck_posts(account_id=account, only_unchecked=unchecked)
        if result["error"]:
            raise CommandError(result["error"])
        self.stdout.write(f"已检查 {result['checked']} 条内容，其中 {result['flagged']} 条有风险提示")
