from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "uptake.api"
    verbose_name = "API"
