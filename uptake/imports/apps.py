from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "uptake.imports"
    verbose_name = "Nhập số liệu và tài khoản"
