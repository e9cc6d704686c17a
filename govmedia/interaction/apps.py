from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "govmedia.interaction"
    label = "interaction"
    verbose_name = "留言办理"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "interaction.assigned": "分派留言",
                "interaction.replied": "答复留言",
                "interaction.forwarded": "转办留言",
                "interaction.forward_answered": "承办单位回复转办",
                "interaction.answered_offline": "线下答复留言",
                "interaction.closed": "办结留言",
                "interaction.reclassified": "修改留言分类",
                "interaction.answer_saved": "保存问答库条目",
                "interaction.answer_reviewed": "复核问答库条目",
                "interaction.rule_saved": "修改留言分类规则",
            }
        )
