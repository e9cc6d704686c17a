from django.core.management.base import BaseCommand

from govmedia.review import services


class Command(BaseCommand):
    help = "使超过有效期的审核意见失效（稿件须重新提交审核）；可重复执行"

    def handle(self, *args, **options):
        expired = services.do_expire_stale()
        self.stdout.write(f"已使 {expired} 篇稿件的审核意见失效")
