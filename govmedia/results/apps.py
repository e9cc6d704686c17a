from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "govmedia.results"
    label = "results"
    verbose_name = "整改通报"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "rectification.sent": "下发整改通知",
                "rectification.answered": "反馈整改情况",
                "rectification.accepted": "整改验收通过",
                "rectification.returned": "整改退回",
                "rectification.reminded": "整改逾期提醒",
                "bulletin.created": "生成通报",
                "bulletin.edited": "修改通报",
                "bulletin.approved": "审定通报",
                "bulletin.published": "发布通报",
                "bulletin.reopened": "通报退回修改",
                "assessment.run": "开展考核",
                "cleanup.refreshed": "刷新清理整合候选",
                "cleanup.dismissed": "排除清理整合候选",
                "cleanup.filing_requested": "通知主办单位发起注销备案",
            }
        )
