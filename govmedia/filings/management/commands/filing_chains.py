from django.core.management.base import BaseCommand, CommandError

from govmedia.filings.chains import DEMO_CHAINS, ChainFileError, load_chains


class Command(BaseCommand):
    help = "从 YAML 文件载入各地区的账号备案审批流程（默认载入演示地区的流程）"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEMO_CHAINS))

    def handle(self, *args, path, **options):
        try:
            chains = load_chains(path)
        except (ChainFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for chain in chains:
            steps = " → ".join(s.name for s in chain.steps.all())
            self.stdout.write(f"{chain.region.name}：{chain.name}（{steps}）")
