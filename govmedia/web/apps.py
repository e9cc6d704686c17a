from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "govmedia.web"
    label = "web"
    verbose_name = "页面"
