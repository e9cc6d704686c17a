from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "govmedia.dispatch"
    label = "dispatch"
    verbose_name = "指挥调度"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "dispatch.issued": "下发调度指令",
                "dispatch.closed": "结束调度指令",
                "dispatch.acknowledged": "签收调度任务",
                "dispatch.completed": "调度任务自动比对完成",
                "dispatch.confirmed": "人工确认调度任务完成",
                "dispatch.missed": "调度任务逾期未完成",
            }
        )
