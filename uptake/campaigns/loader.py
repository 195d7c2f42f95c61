"""The campaign file: YAML in, checked against its schema, written in one transaction.

Loading again updates the campaign in place. A unit that disappears from the file is no
longer expected from the next day on; its reports stay.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import types
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from uptake.campaigns.models import Activity, Campaign, Coordination, Group, Participation
from uptake.units.models import Unit

# No "/": it separates the codes of a unit's path, on which every scope check relies.
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^/]+$")
]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class CampaignFileError(Exception):
    """The file is not a valid campaign. ``errors`` holds every error found, in the file's
    order, as ``(key, message)``: ``key`` names where (``units[2].reports``, "" for the whole
    file). ``key`` and ``message`` are the first error's."""

    def __init__(self, key: str = "", message: str = "", *, errors=None):
        self.errors: list[tuple[str, str]] = list(errors) if errors else [(key, message)]
        self.key, self.message = self.errors[0]
        super().__init__("\n".join(f"{k}: {m}" if k else m for k, m in self.errors))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class GroupSpec(Strict):
    name: Text
    target_percent: float = Field(ge=0, le=100)


class ActivitySpec(Strict):
    name: Text
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    daily_min: int | None = Field(default=None, ge=0)


class SignerSpec(Strict):
    """Who signs the compiled report (#3): "KT. TRƯỞNG PHÒNG" / "PHÓ TRƯỞNG PHÒNG" / name."""

    authority: Text  # thẩm quyền ký: "KT. TRƯỞNG PHÒNG", "TM. ỦY BAN NHÂN DÂN"
    capacity: Text  # chức vụ: "PHÓ TRƯỞNG PHÒNG"
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""  # "ThS."
    name: Text


class RecipientSpec(Strict):
    name: Text  # as it reads under "Nơi nhận:": "Sở Thông tin và Truyền thông tỉnh Đồng Tháp"
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None

    @field_validator("email")
    @classmethod
    def valid_email(cls, value: str | None) -> str | None:
        from django.core.exceptions import ValidationError as DjangoValidationError
        from django.core.validators import validate_email

        if value in (None, ""):
            return None
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(f"{value!r} is not a valid e-mail address") from None
        return value


class DocumentSpec(Strict):
    """The compiled report as an official document (#3, Decree 30/2020/NĐ-CP)."""

    issuer: Text  # "PHÒNG VĂN HÓA VÀ THÔNG TIN"
    parent_issuer: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    place: Text  # "Hồng Ngự", as in "Hồng Ngự, ngày 17 tháng 8 năm 2020"
    symbol: str  # "BC-VHTT", as in "Số: 05/BC-VHTT"
    signer: SignerSpec
    recipients: list[RecipientSpec] = Field(default=[], max_length=50)

    @field_validator("symbol")
    @classmethod
    def document_symbol(cls, value: str) -> str:
        if not re.fullmatch(r"[A-ZĐ0-9][A-ZĐ0-9.&-]{0,39}", value):
            raise ValueError('write the symbol in capitals without spaces, e.g. "BC-VHTT"')
        return value


class UnitSpec(Strict):
    code: Code
    name: Text
    kind: Unit.Kind
    reports: list[Key] = []
    activities: list[Key] = []
    households: int | None = Field(default=None, ge=0)  # hamlets only: households registered
    # A coordinating level below the top (#14): the office that compiles this unit's own report
    # ("871-VHTT"), and optionally its time, its recipients, its letterhead, automatic sending.
    coordinator: Code | None = None
    compile_at: str | None = None
    recipients: list[RecipientSpec] | None = Field(default=None, max_length=50)
    auto_send: bool | None = None
    document: DocumentSpec | None = None
    units: list[UnitSpec] = []

    @field_validator("compile_at", mode="before")
    @classmethod
    def clock_time(cls, value: Any) -> Any:
        if value is not None and (
            not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value)
        ):
            raise ValueError('write the time as "HH:MM" in quotes, e.g. "16:30"')
        return value

    @field_validator("code", mode="before")
    @classmethod
    def code_is_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError('write the code in quotes, e.g. "870" (a number would lose zeros)')
        if "/" in value:
            raise ValueError('a code cannot contain "/"')
        return value


class StoreLinks(Strict):
    """The app's store pages, printed as QR codes on the door-to-door flyers (#4)."""

    android: HttpUrl
    ios: HttpUrl


# The scheduler's daily jobs (#6): also the event names a webhook may choose.
JOB_KEYS = (
    "morning_reminder",
    "afternoon_reminder",
    "overdue",
    "compile",
    "send",
    "leaders_summary",
)


class JobsSpec(Strict):
    """When the scheduler (#6) runs each daily job: "HH:MM" in the campaign's time zone."""

    morning_reminder: str = "08:00"  # today's reminder to every unit's reporters
    afternoon_reminder: str = "14:00"  # to the units that have not reported yet
    overdue: str | None = None  # missing units, and the coordinator's list; default report_due
    compile: str | None = None  # the draft compilation (#3); default compile_at
    leaders_summary: str = "17:00"  # the day's summary for leaders (viewers)

    @field_validator("*", mode="before")
    @classmethod
    def clock_time(cls, value: Any) -> Any:
        if value is not None and (
            not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value)
        ):
            raise ValueError('write the time as "HH:MM" in quotes, e.g. "08:00"')
        return value


class WebhookSpec(Strict):
    """Where the scheduler (#6) POSTs its events as JSON, signed with HMAC-SHA256 of ``secret``."""

    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
    secret: str
    events: list[str] | None = Field(default=None, min_length=1)  # absent: every event

    @field_validator("url")
    @classmethod
    def public_https_url(cls, value: str) -> str:
        """https:// to a public address (#15); sending checks again after resolving the name."""
        from uptake.lib.netguard import UnsafeAddress, check_url

        try:
            check_url(value, resolve=False)
        except UnsafeAddress as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("secret")
    @classmethod
    def long_secret(cls, value: str) -> str:
        if len(value) < 16:
            raise ValueError("the secret must be at least 16 characters long")
        return value

    @field_validator("events")
    @classmethod
    def known_events(cls, value: list[str] | None) -> list[str] | None:
        for event in value or ():
            if event not in JOB_KEYS:
                raise ValueError(f"unknown event {event!r}; events are {', '.join(JOB_KEYS)}")
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
    # The stored unit the file's top unit lies under (#14): "87" for a district's campaign. It
    # must exist; without it, the top unit keeps the parent it has.
    parent: Code | None = None
    groups: dict[Key, GroupSpec] = Field(min_length=1)
    activities: dict[Key, ActivitySpec] = {}
    units: list[UnitSpec] = Field(min_length=1, max_length=1)
    store_links: StoreLinks | None = None
    document: DocumentSpec | None = None  # the compiled report's letterhead (#3)
    jobs: JobsSpec = Field(default_factory=JobsSpec)  # the scheduler's times (#6)
    webhooks: list[WebhookSpec] = Field(default=[], max_length=20)  # the scheduler's events (#6)
    # Send an approved report without the coordinator pressing "Send": the scheduler does, at
    # compile_at at the earliest (#13). Off by default: approving is not sending.
    auto_send: bool = False

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
    def default_end(self) -> CampaignSpec:
        if self.end is None:
            self.end = self.target_date
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
    """The file checked whole: a CampaignFileError lists every error of it at once (#19).

    The schema's errors first (all of them); only a file that passes the schema has its
    dates, units and levels checked, and then every one of those errors is listed too.
    """
    if not isinstance(data, dict):
        raise CampaignFileError("", "a campaign file is a mapping of keys (slug, app, ...)")
    try:
        spec = CampaignSpec.model_validate(data)
    except ValidationError as exc:
        raise CampaignFileError(errors=_schema_errors(exc.errors())) from None
    errors: list[tuple[str, str]] = []
    _check_dates(spec, errors)
    _check_tree(spec, errors)
    if errors:
        raise CampaignFileError(errors=errors)
    return spec


def _schema_errors(found: list[dict]) -> list[tuple[str, str]]:
    """pydantic's errors as (key, message). A misspelt key ("target_percnt") is reported as
    itself with the known key it is close to, not as the "Field required" of the key it
    misses, which is dropped: "unknown key 'target_percnt' — did you mean 'target_percent'?"."""
    missing = {_plain(err["loc"]): i for i, err in enumerate(found) if err["type"] == "missing"}
    out: dict[int, tuple[str, str]] = {}  # by the place in pydantic's order
    for i, err in enumerate(found):
        loc = _plain(err["loc"])
        if err["type"] != "extra_forbidden" or not loc:
            continue
        unknown, parent = str(loc[-1]), loc[:-1]
        message = f"unknown key {unknown!r}"
        known = _known_keys(parent)
        # The keys it may stand for: those missing here first, then any known key.
        absent = [k for k in known if parent + (k,) in missing]
        close = difflib.get_close_matches(unknown, absent, n=1, cutoff=0.6) or (
            difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
        )
        if close:
            message += f" — did you mean {close[0]!r}?"
            j = missing.get(parent + (close[0],))
            if j is not None and j not in out:
                i = j  # in the place of the missing key it stands for, which is dropped
        out[i] = (_key(err["loc"]), message)
    for i, err in enumerate(found):
        if i not in out and err["type"] != "extra_forbidden":
            out[i] = (_key(err["loc"]), err["msg"].removeprefix("Value error, "))
    return [out[i] for i in sorted(out)]


def _plain(loc: tuple) -> tuple:
    """A pydantic location without its validators' steps (``function-after[...]``)."""
    return tuple(
        p for p in loc if isinstance(p, int) or not p.startswith(("function-", "list[", "dict["))
    )


def _known_keys(loc: tuple) -> list[str]:
    """The keys the file's schema knows at ``loc`` (``("groups", "residents")``: a group's)."""
    model: type[BaseModel] | None = CampaignSpec
    skip = 0  # list indexes and mapping keys between a field and the model of its items
    for part in loc:
        if skip:
            skip -= 1
            continue
        if model is None or part not in model.model_fields:
            return []
        model, skip = _model_in(model.model_fields[part].annotation)
    return list(model.model_fields) if model is not None and not skip else []


def _model_in(annotation: Any) -> tuple[type[BaseModel] | None, int]:
    """The schema model inside a field's type, and how many lists or mappings wrap it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, 0
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _model_in(args[0])
    if origin in (list, dict) and args:
        model, depth = _model_in(args[-1])
        return model, depth + 1
    if origin in (Union, types.UnionType):
        for arg in args:
            model, depth = _model_in(arg)
            if model is not None:
                return model, depth
    return None, 0


def locate(text: str, key: str) -> int | None:
    """The line (from 1) of ``key`` (``units[0].units[2].code``) in the YAML ``text``: the
    line of the key itself, or of the nearest mapping above it that the file has (a missing
    key is reported where it should be). None when the text is not YAML."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if isinstance(node, yaml.SequenceNode) and part.startswith("["):
            index = int(part[1:-1])
            if index >= len(node.value):
                break
            node = node.value[index]
        elif isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == part]
            if not found:
                break
            node = found[0][1]
            line = found[0][0].start_mark.line
            continue
        else:
            break
        line = node.start_mark.line
    return line + 1


def _check_dates(spec: CampaignSpec, errors: list[tuple[str, str]]) -> None:
    # Checked here rather than in a model validator, whose errors carry no key.
    if spec.target_date < spec.start:
        errors.append(("target_date", f"{spec.target_date} is before start ({spec.start})"))
    if spec.end < spec.start:
        errors.append(("end", f"{spec.end} is before start ({spec.start})"))


def walk(units: list[UnitSpec], path: str = "units", parent: UnitSpec | None = None):
    """Every unit of the file, parents first, with its key path and its parent."""
    for i, unit in enumerate(units):
        here = f"{path}[{i}]"
        yield here, unit, parent
        yield from walk(unit.units, f"{here}.units", unit)


def _check_tree(spec: CampaignSpec, errors: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    folded: dict[str, tuple[str, str]] = {}  # lower-cased code: (code, where)
    for where, unit, parent in walk(spec.units):
        if unit.households is not None and unit.kind != Unit.Kind.HAMLET:
            errors.append((f"{where}.households", "only a hamlet has households"))
        if unit.kind == Unit.Kind.HAMLET and (
            parent is None or parent.kind not in (Unit.Kind.COMMUNE, Unit.Kind.TOWN, Unit.Kind.WARD)
        ):
            errors.append((f"{where}.kind", "a hamlet lies under a commune, town or ward"))
        # Codes that differ only in case ("KA", "ka") are one code to people, and were one to
        # SQLite's LIKE (#15): refused, like a code used twice.
        same = folded.get(unit.code.lower())
        if unit.code in seen:
            errors.append((f"{where}.code", f"{unit.code!r} is already used at {seen[unit.code]}"))
        elif same is not None:
            errors.append(
                (
                    f"{where}.code",
                    f"{unit.code!r} differs only in case from {same[0]!r} at {same[1]}",
                )
            )
        else:
            seen[unit.code] = where
            folded[unit.code.lower()] = (unit.code, where)
        for key in unit.reports:
            if key not in spec.groups:
                errors.append((f"{where}.reports", f"unknown group {key!r}"))
        if len(set(unit.reports)) != len(unit.reports):
            errors.append((f"{where}.reports", "a group is listed twice"))
        for key in unit.activities:
            if key not in spec.activities:
                errors.append((f"{where}.activities", f"unknown activity {key!r}"))
        if len(set(unit.activities)) != len(unit.activities):
            errors.append((f"{where}.activities", "an activity is listed twice"))
        if unit.activities and not unit.reports:
            errors.append((f"{where}.activities", "only a unit that reports groups has activities"))
    if spec.coordinator not in seen:
        errors.append(("coordinator", f"no unit with code {spec.coordinator!r} in the file"))
    _check_levels(spec, seen, errors)
    if not any(unit.reports for _w, unit, _p in walk(spec.units)):
        errors.append(("units", "no unit reports any group"))


LEVEL_KEYS = ("compile_at", "recipients", "auto_send", "document")


def _check_levels(spec: CampaignSpec, seen: dict[str, str], errors: list[tuple[str, str]]) -> None:
    """A unit's ``coordinator`` names an office of the file inside that unit; the keys of a
    coordinating level go with it; the top unit's office is the top-level ``coordinator``."""
    top = spec.units[0]
    for where, unit, _parent in walk(spec.units):
        if unit.coordinator is None:
            for key in LEVEL_KEYS:
                if getattr(unit, key) is not None:
                    errors.append(
                        (f"{where}.{key}", "only a unit with its own coordinator has this key")
                    )
            continue
        if unit is top:
            errors.append(
                (
                    f"{where}.coordinator",
                    "the top unit's office is the file's top-level coordinator key",
                )
            )
            continue
        inside = {node.code for _w, node, _p in walk([unit])} - {unit.code}
        if unit.coordinator not in seen:
            errors.append(
                (f"{where}.coordinator", f"no unit with code {unit.coordinator!r} in the file")
            )
        elif unit.coordinator not in inside:
            errors.append(
                (
                    f"{where}.coordinator",
                    f"{unit.coordinator!r} is not a unit under {unit.code!r} in the file",
                )
            )


# libyaml's parser where PyYAML has it (its wheels do): the same documents, ten times faster
# than the pure-Python one on a nation's file (#7).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_file(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CampaignFileError("", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CampaignFileError("", f"{path} is not UTF-8 text") from None
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise CampaignFileError("", f"not valid YAML: {exc}") from None


def load_campaign(data: Any) -> tuple[Campaign, dict[str, int]]:
    """Create or update the campaign described by ``data``. All or nothing.

    Rows are written in bulk and only when they change: loading the same file again writes
    nothing (a nation's 20,000 units load in seconds, #7).
    """
    spec = parse(data)
    stats = {"units": 0, "participating": 0, "retired": 0}
    with transaction.atomic():
        units = _upsert_units(spec)
        stats["units"] = len(units)

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
            "source": _source(spec),
        }
        if existing is None:
            campaign = Campaign.objects.create(slug=spec.slug, loaded_at=timezone.now(), **fields)
        else:
            campaign = existing
            if _differs(campaign, fields):
                for name, value in fields.items():
                    setattr(campaign, name, value)
                campaign.loaded_at = timezone.now()  # when the file last changed the campaign
                campaign.save()

        groups = {
            key: {
                "name": group.name,
                "target_percent": Decimal(str(group.target_percent)).quantize(Decimal("0.01")),
                "position": position,
            }
            for position, (key, group) in enumerate(spec.groups.items())
        }
        _sync_options(campaign, campaign.groups, Group, groups)
        activities = {
            key: {
                "name": activity.name,
                "unit": activity.unit,
                "daily_min": activity.daily_min,
                "position": position,
            }
            for position, (key, activity) in enumerate(spec.activities.items())
        }
        _sync_options(campaign, campaign.activities, Activity, activities)

        today = campaign.today()
        # A unit added to a running campaign is expected from today, not from day one.
        joins = campaign.start if existing is None else max(campaign.start, today)
        current = {p.unit_id: p for p in campaign.participations.all()}
        new, changed = [], []
        for _where, node, _parent in walk(spec.units):
            if not node.reports:
                continue
            unit = units[node.code]
            stats["participating"] += 1
            p = current.pop(unit.pk, None)
            if p is None:
                new.append(
                    Participation(
                        campaign=campaign,
                        unit=unit,
                        groups=node.reports,
                        activities=node.activities,
                        active_from=joins,
                    )
                )
            elif (p.groups, p.activities, p.active_until) != (node.reports, node.activities, None):
                p.groups, p.activities, p.active_until = node.reports, node.activities, None
                changed.append(p)
        Participation.objects.bulk_create(new, batch_size=BATCH)
        Participation.objects.bulk_update(
            changed, ["groups", "activities", "active_until"], batch_size=BATCH
        )
        retired = [p for p in current.values() if p.active_until is None]
        for p in retired:
            p.active_until = today
        Participation.objects.bulk_update(retired, ["active_until"], batch_size=BATCH)
        stats["retired"] = len(retired)
        stats["levels"] = _sync_levels(campaign, spec, units)
    return campaign, stats


def _sync_levels(campaign: Campaign, spec: CampaignSpec, units: dict[str, Unit]) -> int:
    """The campaign's coordinating levels as in the file (#14): the top unit with the top-level
    ``coordinator`` and ``document``, and every unit with a ``coordinator`` of its own. The
    reports they made stay when a level leaves the file (they name their unit and office)."""
    top_document = spec.document.model_dump(mode="json") if spec.document else {}
    wanted = {
        campaign.root_id: {
            "office": units[spec.coordinator],
            "compile_at": None,
            "auto_send": bool(getattr(spec, "auto_send", False)),
            "document": top_document,
        }
    }
    for _where, node, _parent in walk(spec.units):
        if node.coordinator is None:
            continue
        document = node.document.model_dump(mode="json") if node.document else {}
        if node.recipients is not None:
            document["recipients"] = [r.model_dump(mode="json") for r in node.recipients]
        wanted[units[node.code].pk] = {
            "office": units[node.coordinator],
            "compile_at": time.fromisoformat(node.compile_at) if node.compile_at else None,
            "auto_send": bool(node.auto_send),
            "document": document,
        }
    current = {level.unit_id: level for level in campaign.coordinations.all()}
    for unit_id, values in wanted.items():
        level = current.pop(unit_id, None)
        if level is None:
            Coordination.objects.create(campaign=campaign, unit_id=unit_id, **values)
        elif _differs(level, values):
            for name, value in values.items():
                setattr(level, name, value)
            level.save()
    if current:
        Coordination.objects.filter(pk__in=[level.pk for level in current.values()]).delete()
    return len(wanted)


def _source(spec: CampaignSpec) -> dict:
    """The file as loaded, for the sections that read its keys (document, jobs, webhooks...),
    with its unit tree as a count and a digest: the tree itself is the units and participations,
    and a nation's (#7: 20,000 units, megabytes of JSON) would weigh on every query that reads
    a campaign. The digest still changes whenever the tree does."""
    source = spec.model_dump(mode="json", exclude={"units"})
    tree = json.dumps(
        spec.model_dump(mode="json", include={"units"})["units"], sort_keys=True, ensure_ascii=False
    )
    count = sum(1 for _unit in walk(spec.units))
    source["units"] = {"count": count, "sha256": hashlib.sha256(tree.encode()).hexdigest()}
    return source


BATCH = 500  # rows per statement in bulk writes (and codes per IN list), within SQLite's limits


def _differs(obj, fields: dict[str, Any]) -> bool:
    for name, value in fields.items():
        if isinstance(value, Unit):
            if getattr(obj, f"{name}_id") != value.pk:
                return True
        elif getattr(obj, name) != value:
            return True
    return False


def _sync_options(campaign: Campaign, related, model, wanted: dict[str, dict]) -> None:
    """The campaign's groups (or activities) as in the file: created, updated, removed."""
    current = {row.key: row for row in related.all()}
    for key, values in wanted.items():
        row = current.pop(key, None)
        if row is None:
            model.objects.create(campaign=campaign, key=key, **values)
        elif _differs(row, values):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    if current:
        related.filter(key__in=list(current)).delete()


UNIT_FIELDS = ("name", "kind", "parent", "households", "path", "search_name")


def _upsert_units(spec: CampaignSpec) -> dict[str, Unit]:
    """Every unit of the file by code: created or updated in bulk, level by level (a new unit's
    parent has its id), unchanged ones untouched."""
    nodes = list(walk(spec.units))
    codes = [node.code for _where, node, _parent in nodes]
    units: dict[str, Unit] = {}
    for i in range(0, len(codes), BATCH):
        units.update((u.code, u) for u in Unit.objects.filter(code__in=codes[i : i + BATCH]))
    _check_stored_case(nodes)
    top_parent = _top_parent(spec, units)
    _check_no_move(nodes, units)
    levels: dict[int, list[tuple[UnitSpec, UnitSpec | None]]] = {}
    depth: dict[str, int] = {}
    for _where, node, parent in nodes:
        depth[node.code] = depth[parent.code] + 1 if parent else 0
        levels.setdefault(depth[node.code], []).append((node, parent))

    moved: list[str] = []  # old paths of units that moved
    for level in sorted(levels):
        new, changed = [], []
        for node, parent_node in levels[level]:
            unit = units.get(node.code)
            if unit is None:
                unit = units[node.code] = Unit(code=node.code)
                new.append(unit)
            before = (unit.name, unit.kind, unit.parent_id, unit.households, unit.path)
            unit.name, unit.kind = node.name, node.kind
            unit.parent = units[parent_node.code] if parent_node else top_parent
            unit.households = node.households
            unit.set_derived()
            after = (unit.name, unit.kind, unit.parent_id, unit.households, unit.path)
            if unit.pk is not None and before != after:
                changed.append(unit)
                if before[4] and before[4] != unit.path:
                    moved.append(before[4])
        Unit.objects.bulk_create(new, batch_size=BATCH)
        Unit.objects.bulk_update(changed, UNIT_FIELDS, batch_size=BATCH)

    # A unit that moved takes its descendants along; those in the file are already in place.
    for old_path in sorted(moved, key=len):
        for child in Unit.objects.filter(path__startswith=old_path).order_by("path"):
            if child.code not in units:
                child.save()
    return units


def _check_stored_case(nodes: list) -> None:
    """Refuse a code that differs only in case from a unit already stored ("ka" when "KA" is):
    two such units would be one to people, and their subtrees were one to SQLite (#15)."""
    wanted = {node.code.lower(): (where, node.code) for where, node, _parent in nodes}
    keys = list(wanted)
    for i in range(0, len(keys), BATCH):
        stored = (
            Unit.objects.annotate(folded=Lower("code"))
            .filter(folded__in=keys[i : i + BATCH])
            .values_list("code", flat=True)
        )
        for code in stored:
            where, given = wanted.get(code.lower(), (None, code))
            if where is not None and given != code:
                raise CampaignFileError(
                    f"{where}.code",
                    f"{given!r} differs only in case from the stored unit {code!r}; "
                    f"write it {code!r}",
                )


def _stored_parent_code(unit: Unit) -> str | None:
    """The code of the unit's parent, read off its path ("87/870/870-TTT/" → "870")."""
    parts = unit.path.split("/")[:-1]
    return parts[-2] if len(parts) > 1 else None


def _top_parent(spec: CampaignSpec, units: dict[str, Unit]) -> Unit | None:
    """The parent of the file's top unit: the file's ``parent`` (which must exist), else the one
    it already has. One unit tree (#14): a file never moves a unit that has a parent."""
    top = spec.units[0]
    stored = units.get(top.code)
    parent = None
    if spec.parent is not None:
        parent = Unit.objects.filter(code=spec.parent).first()
        if parent is None:
            raise CampaignFileError("parent", f"no unit with code {spec.parent!r}")
        if any(node.code == parent.code for _w, node, _p in walk(spec.units)):
            raise CampaignFileError("parent", f"{spec.parent!r} is a unit of this file")
    if stored is not None and stored.parent_id is not None:
        if parent is not None and parent.pk != stored.parent_id:
            raise CampaignFileError(
                "parent",
                f"{top.code!r} lies under {_stored_parent_code(stored)!r} in the unit tree, "
                f"not under {parent.code!r}; a campaign file never moves a unit",
            )
        return stored.parent
    if parent is not None and stored is not None and parent.is_within(stored):
        raise CampaignFileError("parent", f"{parent.code!r} lies under {top.code!r}")
    return parent


def _check_no_move(nodes: list, units: dict[str, Unit]) -> None:
    """Refuse the whole file when a unit inside it lies under another parent in the stored tree.
    A unit stored at the top of the tree (a district loaded on its own first) may be placed
    under its parent: that adds to the tree and moves nothing away from another parent."""
    for where, node, parent_node in nodes:
        if parent_node is None:
            continue
        unit = units.get(node.code)
        if unit is None or unit.pk is None:
            continue
        stored = _stored_parent_code(unit)
        if stored is not None and stored != parent_node.code:
            raise CampaignFileError(
                f"{where}.code",
                f"unit {node.code!r} lies under {stored!r} in the unit tree, the file puts it "
                f"under {parent_node.code!r}; a campaign file never moves a unit",
            )
