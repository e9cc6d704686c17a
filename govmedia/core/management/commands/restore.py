from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govmedia.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份恢复数据库和上传文件（覆盖当前数据），并校验逐表行数与校验和"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 命令生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据")

    def handle(self, *args, archive, yes, **options):
        if not yes:
            raise CommandError("恢复会覆盖当前全部数据；确认无误后加 --yes 再执行")
        try:
            result = restore_backup(Path(archive))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"恢复完成并已校验：{result['tables']} 张表、{result['rows']} 行")
