from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "uptake.accounts"
    verbose_name = "Người dùng"
