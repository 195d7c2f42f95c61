from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "uptake.notify"
    verbose_name = "Nhắc việc và thông báo"
