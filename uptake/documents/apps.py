from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "uptake.documents"
    verbose_name = "Báo cáo tổng hợp"

    def ready(self):
        # Its pages in the campaign menu (uptake.campaigns.menu).
        from uptake.documents import menu  # noqa: F401
