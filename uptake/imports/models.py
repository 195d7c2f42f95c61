"""What the imports keep: an upload waiting for its confirmation, the moment a phone says a
queued report was pressed, and the accounts created from a file (with their phone numbers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from uptake.campaigns.models import Campaign
from uptake.reports.models import Revision


class Upload(models.Model):
    """A workbook or a pasted message checked on the import page, kept until the coordinator
    confirms it (it is then checked again, and stored all or nothing) or for a day at most."""

    class Kind(models.TextChoices):
        FILE = "file", _("workbook")
        TEXT = "text", _("message")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    filename = models.CharField(max_length=200, blank=True)
    data = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The daily clean-up of uploads never confirmed: created_at < a day ago.
            models.Index(fields=["created_at"], name="imports_upload_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} {self.day}"


class QueuedReceipt(models.Model):
    """A report sent from the offline form: when the phone says "Gửi" was pressed (the revision's
    submitted_at is when the server received it, which decides on time or late)."""

    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, related_name="queued")
    pressed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.revision} pressed {self.pressed_at:%Y-%m-%d %H:%M}"


class AccountImport(models.Model):
    """One file of accounts, created all at once (``manage.py importusers`` or the admin)."""

    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200, blank=True)
    created = models.PositiveIntegerField(_("accounts created"), default=0)
    usernames = models.TextField(_("user names"), blank=True)

    class Meta:
        verbose_name = _("account import")
        verbose_name_plural = _("account imports")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} · {self.filename} · {self.created}"


class Contact(models.Model):
    """The phone number an account was created with (the user model has no field for it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact"
    )
    phone = models.CharField(max_length=32, blank=True)
    batch = models.ForeignKey(
        AccountImport, null=True, on_delete=models.SET_NULL, related_name="contacts"
    )

    def __str__(self) -> str:
        return f"{self.user} {self.phone}"
