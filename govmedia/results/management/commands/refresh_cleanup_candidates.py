from django.core.management.base import BaseCommand

from govmedia.results.cleanup import refresh_candidates


class Command(BaseCommand):
    help = "刷新清理整合候选账号（浙江省政务新媒体运维规范7.5的六种情形；建议每周执行）"

    def handle(self, *args, **options):
        r = refresh_candidates()
        self.stdout.write(
            f"清理整合候选：新增 {r['added']} 个，更新 {r['updated']} 个，移除 {r['removed']} 个"
        )
