from django.apps import AppConfig


class RiskcheckConfig(AppConfig):
    """The Django side of the risk-check engine: a region's own dictionary rows and the check page."""

    name = "govmedia.riskcheck"
    label = "riskcheck"
    verbose_name = "风险辅助识别"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update({"riskcheck.term_saved": "修改本地词库"})
