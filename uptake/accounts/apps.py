from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "uptake.accounts"
    verbose_name = "Người dùng"

    def ready(self):
        from uptake.accounts import signals  # noqa: F401  (tokens revoked on a change of role)
        from uptake.lib import sqlite

        # Scopes are path prefixes: exact on SQLite too, whatever the case (#15).
        sqlite.install()
