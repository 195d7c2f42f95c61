"""Who downloaded or exported what: every document, spreadsheet, flyer and checklist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DownloadLog(models.Model):
    """One file or printable page taken out of uptake: by whom, what, of which campaign, when
    and from where. Written by ``uptake.ops.downloads.log_download`` in every export view."""

    at = models.DateTimeField(_("at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)  # kept if the user is deleted
    # What was taken: "compilation.xlsx", "roster.xlsx", "roster-template.xlsx", "flyer.pdf",
    # "flyer", "sample-checklist", ...
    what = models.CharField(_("what"), max_length=40)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    # Which one: a day ("2020-08-17"), a unit or hamlet code, a sample's number.
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    via = models.CharField(max_length=8, default="web")  # web | api
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ("-at",)
        indexes = [
            # The admin's list of a campaign's downloads, newest first.
            models.Index(fields=["campaign", "at"], name="download_campaign_at_idx"),
            # A user's downloads (who took what).
            models.Index(fields=["user", "at"], name="download_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.what} {self.subject} {self.at:%Y-%m-%d %H:%M}"
