from django.core.management.base import BaseCommand, CommandError

from govmedia.core.audit import MIN_RETENTION_DAYS, purge


class Command(BaseCommand):
    help = f"清理超过保留期的操作日志（保留期不少于 {MIN_RETENTION_DAYS} 天）"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=365)

    def handle(self, *args, older_than_days, **options):
        try:
            deleted = purge(older_than_days=older_than_days)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已清理 {deleted} 条超过 {older_than_days} 天的操作日志")
