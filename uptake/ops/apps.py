from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running uptake safely: backups and restores, and the log of who downloaded what."""

    name = "uptake.ops"
    verbose_name = "Operations"
