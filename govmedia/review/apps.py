from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Three-level pre-publication review of drafts (三审, 分级签发, 先审后发; 004 §9.2)."""

    name = "govmedia.review"
    label = "review"
    verbose_name = "稿件审核"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "review.created": "新建稿件",
                "review.edited": "修改稿件",
                "review.reset": "稿件修改后退回一审",
                "review.submitted": "提交审核",
                "review.step_approved": "审核通过",
                "review.approved": "终审通过（签发）",
                "review.returned": "退回修改",
                "review.rejected": "审核不通过",
                "review.expired": "审核意见过期",
                "review.published": "登记发布",
                "review.flag_dismissed": "确认风险提示不是问题",
                "review.attachment_added": "上传附件",
                "review.attachment_removed": "删除附件",
            }
        )
