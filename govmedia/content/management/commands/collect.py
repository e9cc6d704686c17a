import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govmedia.content.services import collect_all
from govmedia.registry.models import MediaAccount, Platform


class Command(BaseCommand):
    help = "从各平台接口和订阅源采集发布内容、粉丝数和留言（可重复执行，不会重复入库）"

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, help="只采集这个账号（账号编号）")
        parser.add_argument("--platform", choices=Platform.values, help="只采集这个平台的账号")
        parser.add_argument("--since", help="从这一天起采集（YYYY-MM-DD），默认从上次成功采集前 3 天起")

    def handle(self, *args, account=None, platform=None, since=None, **options):
        since_at = None
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since 的格式应为 YYYY-MM-DD，如 2026-03-01") from None
            since_at = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        if account and not MediaAccount.objects.filter(pk=account).exists():
            raise CommandError(f"账号编号 {account} 不存在")
        result = collect_all(platform=platform or "", account_id=account, since=since_at)
        names = dict(
            MediaAccount.objects.filter(pk__in=[r["account"] for r in result["results"]]).values_list(
                "pk", "name"
            )
        )
        for r in result["results"]:
            name = names.get(r["account"], r["account"])
            if r.get("skipped"):
                self.stdout.write(f"{name}：跳过（{r['skipped']}）")
            elif r.get("error"):
                self.stdout.write(f"{name}：失败 — {r['error']}")
            else:
                self.stdout.write(
                    f"{name}：新增 {r['created']} 条、更新 {r['updated']} 条、留言新增 {r['messages_created']} 条"
                )
        self.stdout.write(
            f"共 {result['accounts']} 个账号，失败 {result['failed']} 个；内容新增 {result['created']} 条、更新 {result['updated']} 条"
        )
