from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "govmedia.filings"
    label = "filings"
    verbose_name = "账号备案"
