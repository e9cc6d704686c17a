"""Shared body of the import_units and import_accounts commands (the same service as the upload page)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govmedia.registry.importing import ImportFailed


class ImportCommand(BaseCommand):
    kind_label = ""
    run = None

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并显示将发生的变化，不写入数据库")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            report = type(self).run(path.read_bytes(), path.name, dry_run=dry_run)
        except ImportFailed as failed:
            for error in failed.report.errors:
                self.stderr.write(f"第 {error.row} 行 [{error.column}] {error.value!s:.40} — {error.reason}")
            raise CommandError(failed.report.summary()) from None
        for warning in report.warnings[:200]:
            self.stdout.write(f"提示：第 {warning.row} 行 [{warning.column}] {warning.reason}")
        self.stdout.write(f"{self.kind_label}：{report.summary()}")
