from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "govmedia.content"
    label = "content"
    verbose_name = "内容采集"
