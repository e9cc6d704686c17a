from govmedia.content.importing import import_messages
from govmedia.registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入留言（全部成功或全部不导入；重复导入不会重复）"
    kind_label = "留言导入"
    run = staticmethod(import_messages)
