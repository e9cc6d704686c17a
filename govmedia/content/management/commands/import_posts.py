from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govmedia.content.importing import import_posts
from govmedia.registry.importing import ImportFailed


class Command(BaseCommand):
    help = "从 .csv/.xlsx 导入发布内容（逐行流式读取；任何一行有错则整个文件不导入；重复导入不会重复）"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".csv 或 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument(
            "--no-check", action="store_true", help="暂不做风险识别（之后用 recheck_posts 补查）"
        )
        parser.add_argument(
            "--no-parallel",
            action="store_true",
            help="风险识别不另起进程（默认：4 MB 以上的文件由第二个进程同时识别，结果相同）",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, file, dry_run, no_check, no_parallel, batch_size, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        try:
            report = import_posts(
                path,
                check=not no_check,
                batch_size=batch_size,
                dry_run=dry_run,
                parallel=False if no_parallel else None,
            )
        except ImportFailed as failed:
            for error in failed.report.errors:
                self.stderr.write(f"第 {error.row} 行 [{error.column}] {error.value!s:.40} — {error.reason}")
            for warning in failed.report.warnings:
                self.stderr.write(warning.reason)
            raise CommandError(failed.report.summary()) from None
        if dry_run:
            self.stdout.write(f"发布内容导入：检查通过，共 {report.created} 行，未写入数据库")
        else:
            self.stdout.write(f"发布内容导入：{report.summary()}")
