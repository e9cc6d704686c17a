from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "govmedia.filings"
    label = "filings"
    verbose_name = "账号备案"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "filings.created": "创建备案",
                "filings.updated": "修改备案",
                "filings.submitted": "提交备案",
                "filings.resubmitted": "重新提交备案",
                "filings.withdrawn": "撤回备案",
                "filings.step_approved": "审批环节同意",
                "filings.approved": "备案审批办结",
                "filings.returned": "退回修改",
                "filings.rejected": "不予同意",
                "filings.registered_nationally": "登记国家、省系统备案",
                "filings.chain_configured": "配置备案审批流程",
            }
        )
