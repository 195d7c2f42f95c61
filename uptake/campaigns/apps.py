from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "uptake.campaigns"
    verbose_name = "Chiến dịch"
