from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "uptake.quality"
    verbose_name = "Kiểm tra, chất lượng số liệu"

    def ready(self):
        # Its pages in the campaign menu (uptake.campaigns.menu).
        from uptake.quality import menu  # noqa: F401
