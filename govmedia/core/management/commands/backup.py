from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govmedia.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和上传文件（含逐表行数与校验和）"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.DATA_DIR) / "backups"), help="备份目录")

    def handle(self, *args, output, **options):
        try:
            archive = create_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"备份完成：{archive}")
