"""The administrative tree: province, district, offices, communes, towns, wards, hamlets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from uptake.lib.text import fold


class Unit(models.Model):
    class Kind(models.TextChoices):
        NATION = "nation", _("Nation")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        OFFICE = "office", _("Office")
        COMMUNE = "commune", _("Commune")
        TOWN = "town", _("Town")
        WARD = "ward", _("Ward")
        HAMLET = "hamlet", _("Hamlet")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Hamlets only: the number of households registered there (the campaign file's
    # ``households``), against which door-to-door visits are counted.
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    # Materialised path of codes, "870/870-TTT/", so that a subtree is one indexed prefix query.
    path = models.CharField(max_length=1000, editable=False, db_index=False)
    # The name folded to lower case without diacritics, for search ("thuong thoi tien").
    search_name = models.CharField(max_length=200, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            # Subtree queries: path__startswith=<unit.path> (scope checks, summaries by root).
            # PostgreSQL uses a b-tree for LIKE 'prefix%' only with the pattern operator class
            # (or the C collation); other databases ignore opclasses.
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"]),
            # Name search without diacritics: search_name__contains.
            models.Index(fields=["search_name"], name="unit_search_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.set_derived()
        super().save(*args, **kwargs)

    def set_derived(self) -> None:
        """Compute ``path`` and ``search_name`` (save does; bulk writers call it themselves)."""
        self.search_name = fold(self.name)
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)

    @classmethod
    def search(cls, query: str):
        """Units whose name contains every word of ``query``, with or without diacritics."""
        qs = cls.objects.all()
        for word in fold(query).split():
            qs = qs.filter(search_name__contains=word)
        return qs


# The units that hold hamlets and report for their residents (door to door, suggestions).
COMMUNE_KINDS = (Unit.Kind.COMMUNE, Unit.Kind.TOWN, Unit.Kind.WARD)
