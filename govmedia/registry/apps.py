from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "govmedia.registry"
    label = "registry"
    verbose_name = "账号台账"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "registry.account_created": "新增账号",
                "registry.account_updated": "修改账号",
                "registry.unit_created": "新增单位",
                "registry.unit_updated": "修改单位",
            }
        )
