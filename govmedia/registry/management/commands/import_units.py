from govmedia.registry.importing import import_units
from govmedia.registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "从 .xlsx/.csv 导入单位（全部成功或全部不导入）"
    kind_label = "单位导入"
    run = staticmethod(import_units)
