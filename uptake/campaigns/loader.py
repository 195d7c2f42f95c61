"""The campaign file: YAML in, checked against its schema, written in one transaction.

Loading again updates the campaign in place. A unit that disappears from the file is no
longer expected from the next day on; its reports stay.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import field_validator, model_validator

from uptake.campaigns.models import Activity, Campaign, Group, Participation
from uptake.units.models import Unit

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class CampaignFileError(Exception):
    """The file is not a valid campaign; ``key`` names where (``units[2].reports``)."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.message = message


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class GroupSpec(Strict):
    name: Text
    target_percent: float = Field(ge=0, le=100)


class ActivitySpec(Strict):
    name: Text
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    daily_min: int | None = Field(default=None, ge=0)


class UnitSpec(Strict):
    code: Code
    name: Text
    kind: Unit.Kind
    reports: list[Key] = []
    activities: list[Key] = []
    units: list[UnitSpec] = []

    @field_validator("code", mode="before")
    @classmethod
    def code_is_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError('write the code in quotes, e.g. "870" (a number would lose zeros)')
        return value


class CampaignSpec(Strict):
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    app: Text
    title: Text
    timezone: str = "Asia/Ho_Chi_Minh"
    start: date
    target_date: date
    end: date | None = None
    report_due: str = "15:00"
    compile_at: str = "16:30"
    coordinator: Code
    groups: dict[Key, GroupSpec] = Field(min_length=1)
    activities: dict[Key, ActivitySpec] = {}
    units: list[UnitSpec] = Field(min_length=1, max_length=1)

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("report_due", "compile_at", mode="before")
    @classmethod
    def clock_time(cls, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError('write the time as "HH:MM" in quotes, e.g. "15:00"')
        return value

    @field_validator("start", "target_date", "end", mode="before")
    @classmethod
    def plain_date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            raise ValueError("give a date (YYYY-MM-DD), not a date and time")
        return value

    @model_validator(mode="after")
    def consistent(self) -> CampaignSpec:
        if self.end is None:
            self.end = self.target_date
        if self.target_date < self.start:
            raise ValueError("target_date is before start")
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


def _key(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "list[", "dict[")) or part in ("[key]",):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def parse(data: Any) -> CampaignSpec:
    if not isinstance(data, dict):
        raise CampaignFileError("", "a campaign file is a mapping of keys (slug, app, ...)")
    try:
        spec = CampaignSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        raise CampaignFileError(_key(err["loc"]), message) from None
    _check_tree(spec)
    return spec


def walk(units: list[UnitSpec], path: str = "units", parent: UnitSpec | None = None):
    """Every unit of the file, parents first, with its key path and its parent."""
    for i, unit in enumerate(units):
        here = f"{path}[{i}]"
        yield here, unit, parent
        yield from walk(unit.units, f"{here}.units", unit)


def _check_tree(spec: CampaignSpec) -> None:
    seen: dict[str, str] = {}
    for where, unit, _parent in walk(spec.units):
        if unit.code in seen:
            raise CampaignFileError(f"{where}.code", f"{unit.code!r} is already used at {seen[unit.code]}")
        seen[unit.code] = where
        for key in unit.reports:
            if key not in spec.groups:
                raise CampaignFileError(f"{where}.reports", f"unknown group {key!r}")
        if len(set(unit.reports)) != len(unit.reports):
            raise CampaignFileError(f"{where}.reports", "a group is listed twice")
        for key in unit.activities:
            if key not in spec.activities:
                raise CampaignFileError(f"{where}.activities", f"unknown activity {key!r}")
        if len(set(unit.activities)) != len(unit.activities):
            raise CampaignFileError(f"{where}.activities", "an activity is listed twice")
        if unit.activities and not unit.reports:
            raise CampaignFileError(f"{where}.activities", "only a unit that reports groups has activities")
    if spec.coordinator not in seen:
        raise CampaignFileError("coordinator", f"no unit with code {spec.coordinator!r} in the file")
    if not any(unit.reports for _w, unit, _p in walk(spec.units)):
        raise CampaignFileError("units", "no unit reports any group")


def read_file(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CampaignFileError("", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CampaignFileError("", f"{path} is not UTF-8 text") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CampaignFileError("", f"not valid YAML: {exc}") from None


def load_campaign(data: Any) -> tuple[Campaign, dict[str, int]]:
    """Create or update the campaign described by ``data``. All or nothing."""
    spec = parse(data)
    stats = {"units": 0, "participating": 0, "retired": 0}
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for _where, node, parent in walk(spec.units):
            units[node.code] = _upsert_unit(node, units[parent.code] if parent else None)
            stats["units"] += 1

        existing = Campaign.objects.filter(slug=spec.slug).first()
        fields = {
            "app": spec.app,
            "title": spec.title,
            "timezone": spec.timezone,
            "start": spec.start,
            "target_date": spec.target_date,
            "end": spec.end,
            "report_due": time.fromisoformat(spec.report_due),
            "compile_at": time.fromisoformat(spec.compile_at),
            "coordinator": units[spec.coordinator],
            "root": units[spec.units[0].code],
            "source": spec.model_dump(mode="json"),
            "loaded_at": timezone.now(),
        }
        campaign, created = Campaign.objects.update_or_create(slug=spec.slug, defaults=fields)

        for position, (key, group) in enumerate(spec.groups.items()):
            Group.objects.update_or_create(
                campaign=campaign,
                key=key,
                defaults={"name": group.name, "target_percent": group.target_percent, "position": position},
            )
        campaign.groups.exclude(key__in=list(spec.groups)).delete()
        for position, (key, activity) in enumerate(spec.activities.items()):
            Activity.objects.update_or_create(
                campaign=campaign,
                key=key,
                defaults={
                    "name": activity.name,
                    "unit": activity.unit,
                    "daily_min": activity.daily_min,
                    "position": position,
                },
            )
        campaign.activities.exclude(key__in=list(spec.activities)).delete()

        today = campaign.today()
        # A unit added to a running campaign is expected from today, not from day one.
        joins = campaign.start if existing is None else max(campaign.start, today)
        current = {p.unit_id: p for p in campaign.participations.all()}
        for _where, node, _parent in walk(spec.units):
            if not node.reports:
                continue
            unit = units[node.code]
            stats["participating"] += 1
            p = current.pop(unit.pk, None)
            if p is None:
                Participation.objects.create(
                    campaign=campaign,
                    unit=unit,
                    groups=node.reports,
                    activities=node.activities,
                    active_from=joins,
                )
            elif (p.groups, p.activities, p.active_until) != (node.reports, node.activities, None):
                p.groups, p.activities, p.active_until = node.reports, node.activities, None
                p.save(update_fields=["groups", "activities", "active_until"])
        for p in current.values():
            if p.active_until is None:
                p.active_until = today
                p.save(update_fields=["active_until"])
                stats["retired"] += 1
    return campaign, stats


def _upsert_unit(node: UnitSpec, parent: Unit | None) -> Unit:
    unit = Unit.objects.filter(code=node.code).first()
    if unit is None:
        unit = Unit(code=node.code)
    old_path = unit.path
    unit.name, unit.kind, unit.parent = node.name, node.kind, parent
    unit.save()
    if old_path and old_path != unit.path:
        # The unit moved: its descendants' paths follow (those in the file are saved again anyway).
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            child.save()
    return unit
