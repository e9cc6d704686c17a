"""Load indicator sets from YAML files (each loads as a new version only if it changed)."""

from django.core.management.base import BaseCommand, CommandError

from govmedia.supervision.indicators import IndicatorSetError, builtin_files, load_file


class Command(BaseCommand):
    help = "导入指标体系（YAML），内容有变化时生成新版本；不带参数时导入全部内置指标体系"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="YAML 文件路径")

    def handle(self, *args, **options):
        files = options["files"] or builtin_files()
        for path in files:
            try:
                indicator_set, created = load_file(path)
            except (IndicatorSetError, OSError) as exc:
                raise CommandError(f"{path}：{exc}") from None
            state = "已导入" if created else "无变化"
            self.stdout.write(
                f"{indicator_set.code} 第{indicator_set.version}版 {state}：{indicator_set.name}"
            )
