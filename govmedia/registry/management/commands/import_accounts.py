from govmedia.registry.importing import import_accounts
from govmedia.registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入政务新媒体账号（全部成功或全部不导入）"
    kind_label = "账号导入"
    run = staticmethod(import_accounts)
