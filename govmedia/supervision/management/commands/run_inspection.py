"""Run an inspection from the command line and optionally write its JSON (issue 6's exact shape)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from govmedia.core.params import is_id
from govmedia.registry.models import Unit
from govmedia.supervision.indicators import IndicatorSetError, resolve
from govmedia.supervision.services import InspectionError, run_inspection


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "按指标体系检查账号并评分（全覆盖检查或抽查）"

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="检查期间起 YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="检查期间止 YYYY-MM-DD（含当天）")
        parser.add_argument("--indicator-set", required=True, help="指标体系代码或 YAML 文件")
        parser.add_argument("--scope", help="检查范围：单位名称或ID（含下级单位）")
        parser.add_argument("--sample-ratio", type=float, help="抽查比例，如 0.15")
        parser.add_argument("--sample-count", type=int, help="抽查数量")
        parser.add_argument("--seed", type=int, help="抽样随机种子（可复现）")
        parser.add_argument("--count-unconfirmed", action="store_true", help="试算：未经人工确认的问题也计分")
        parser.add_argument("--title", default="", help="检查名称")
        parser.add_argument("--json", dest="json_out", help="把结果写入 JSON 文件（- 为标准输出）")

    def handle(self, *args, **o):
        start, end = _date(o["start"]), _date(o["end"])
        try:
            indicator_set = resolve(o["indicator_set"])
        except IndicatorSetError as exc:
            raise CommandError(str(exc)) from None
        scope = None
        if o["scope"]:
            value = o["scope"]
            scope = (
                Unit.objects.filter(pk=int(value)) if is_id(value) else Unit.objects.filter(name=value)
            ).first()
            if scope is None:
                raise CommandError(f"找不到单位：{value}")
        try:
            inspection = run_inspection(
                start=start,
                end=end,
                indicator_set=indicator_set,
                scope_unit=scope,
                sample_ratio=o["sample_ratio"],
                sample_count=o["sample_count"],
                seed=o["seed"],
                count_unconfirmed=o["count_unconfirmed"],
                title=o["title"],
            )
        except (InspectionError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(inspection.result, ensure_ascii=False, indent=2)
        if o["json_out"] == "-":
            self.stdout.write(text)
        elif o["json_out"]:
            with open(o["json_out"], "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        rate = inspection.pass_rate
        self.stderr.write(
            f"检查 #{inspection.pk}：{inspection.account_count} 个账号，不合格 {inspection.failed_count} 个，"
            f"合格率 {'—' if rate is None else f'{rate:.2%}'}"
            + (f"；抽样种子 {inspection.seed}（可复现）" if inspection.seed is not None else "")
        )
