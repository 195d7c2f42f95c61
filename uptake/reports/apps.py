from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "uptake.reports"
    verbose_name = "Báo cáo"
