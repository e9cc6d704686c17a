from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govmedia.core"
    label = "core"
    verbose_name = "基础设置"

    def ready(self) -> None:
        from govmedia import celery  # noqa: F401  (makes our app the current one for shared tasks)
        from govmedia.core import signals  # noqa: F401
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {"core.password_changed": "修改密码", "core.second_factor_enabled": "开启两步验证"}
        )
