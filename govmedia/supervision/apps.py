from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "govmedia.supervision"
    label = "supervision"
    verbose_name = "检查考核"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "inspection.run": "运行检查",
                "inspection.published": "发布检查结果",
                "finding.status": "问题状态变更",
                "finding.confirmed": "确认问题",
                "indicator_set.loaded": "导入指标体系",
            }
        )
