from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "uptake.fieldwork"
    verbose_name = "Vận động tại hộ gia đình"
