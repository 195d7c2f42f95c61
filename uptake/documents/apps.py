from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "uptake.documents"
    verbose_name = "Báo cáo tổng hợp"
