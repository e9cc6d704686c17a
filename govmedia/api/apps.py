from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "govmedia.api"
    label = "api"
    verbose_name = "接口"
