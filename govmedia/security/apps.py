from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "govmedia.security"
    label = "security"
    verbose_name = "安全管理"

    def ready(self) -> None:
        from govmedia.core.models import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "security.register_saved": "修改账号安全登记",
                "security.password_changed": "登记密码修改",
                "security.duty_saved": "排定值班",
                "security.duty_removed": "删除值班",
                "security.incident_reported": "登记安全事件",
                "security.incident_event": "记录安全事件处置",
                "security.takedown_updated": "更新仿冒账号处置状态",
                "security.incident_closed": "安全事件结案",
            }
        )
