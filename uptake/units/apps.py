from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "uptake.units"
    verbose_name = "Đơn vị hành chính"
