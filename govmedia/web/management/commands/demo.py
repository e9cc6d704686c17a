from django.core.management.base import BaseCommand

from govmedia.content.demo import build_demo_content
from govmedia.dispatch.demo import build_demo_dispatch
from govmedia.filings.demo import build_demo_filings
from govmedia.interaction.demo import build_demo_interaction
from govmedia.registry.demo import DEMO_PASSWORD, DEMO_USERS, build_demo_region
from govmedia.results.demo import build_demo_results
from govmedia.review.demo import build_demo_review
from govmedia.security.demo import build_demo_security

# Each app's demo builder, run in order after the registry; each must be idempotent.
DEMO_BUILDERS: list = []
DEMO_BUILDERS.append(build_demo_content)
DEMO_BUILDERS.append(build_demo_filings)
DEMO_BUILDERS.append(build_demo_interaction)
DEMO_BUILDERS.append(build_demo_dispatch)
DEMO_BUILDERS.append(build_demo_security)
DEMO_BUILDERS.append(build_demo_review)
DEMO_BUILDERS.append(build_demo_results)


class Command(BaseCommand):
    help = "建立演示地区“示例市”（可重复执行，不会重复创建）"

    def handle(self, *args, **options):
        result = build_demo_region()
        verb = "已建立" if result["created"] else "已存在"
        self.stdout.write(
            f"演示地区{verb}：{result['regions']} 个行政区划、{result['units']} 个单位、"
            f"{result['accounts']} 个账号、{result['users']} 个用户"
        )
        for builder in DEMO_BUILDERS:
            self.stdout.write(builder())
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.description}")
