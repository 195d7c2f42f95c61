from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "uptake.reports"
    verbose_name = "Báo cáo"

    def ready(self):
        # Its pages in the campaign menu (uptake.campaigns.menu).
        from uptake.reports import menu  # noqa: F401
