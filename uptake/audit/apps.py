from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "uptake.audit"
    verbose_name = "Nhật ký thay đổi"
