from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "uptake.fieldwork"
    verbose_name = "Vận động tại hộ gia đình"

    def ready(self):
        # Its pages in the campaign menu (uptake.campaigns.menu).
        from uptake.fieldwork import menu  # noqa: F401
