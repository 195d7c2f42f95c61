from django.apps import AppConfig
from django.core import checks


class NotifyConfig(AppConfig):
    name = "uptake.notify"
    verbose_name = "Nhắc việc và thông báo"

    def ready(self):
        checks.register(channels_check)


def channels_check(app_configs=None, **kwargs):
    """A channel half set up is off: say which settings it still needs."""
    from uptake.notify.channels import CHANNELS

    return [
        checks.Warning(
            f"the {key} channel is off: {', '.join(missing)} not set",
            hint="README, Channels: what an office needs to turn them on",
            id="notify.W001",
        )
        for key, channel in CHANNELS.items()
        if (missing := channel.half_set())
    ]
