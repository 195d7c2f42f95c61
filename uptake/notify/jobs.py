"""The campaigns' daily jobs: what each does for one campaign and one day, and when.

Each job is a function of a claimed ``JobRun``; it may run again after a crash, so it only ever
creates rows keyed by the run (a notification per user and its deliveries, a webhook delivery
per URL) and calls actions that are themselves safe to repeat. The messages are sent after the
job, from those rows, by the one sending loop (outbox.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from uptake.accounts.models import Profile, Role
from uptake.campaigns.models import Campaign, Coordination, Status
from uptake.campaigns.scope import Scope
from uptake.notify.links import link
from uptake.notify.messages import short_list
from uptake.notify.models import Job, JobRun, Kind
from uptake.notify.outbox import notify_users, queue_event
from uptake.reports.models import percent
from uptake.reports.summary import UnitRow, build_summary
from uptake.units.models import Unit

# Times of the jobs a campaign file does not set; overdue and compile follow report_due and
# compile_at. Sending has no time: it follows approval (see scheduler.plan_sending).
DEFAULT_TIMES = {
    Job.MORNING_REMINDER: "08:00",
    Job.AFTERNOON_REMINDER: "14:00",
    Job.LEADERS_SUMMARY: "17:00",
}


def job_times(campaign: Campaign) -> dict[str, time]:
    """The clock time of each timed job of ``campaign``, in the campaign's time zone."""
    chosen = (campaign.source or {}).get("jobs") or {}

    def at(job: str, default: time | str) -> time:
        value = chosen.get(job) or default
        return time.fromisoformat(value) if isinstance(value, str) else value

    return {
        Job.MORNING_REMINDER: at(Job.MORNING_REMINDER, DEFAULT_TIMES[Job.MORNING_REMINDER]),
        Job.AFTERNOON_REMINDER: at(Job.AFTERNOON_REMINDER, DEFAULT_TIMES[Job.AFTERNOON_REMINDER]),
        Job.OVERDUE: at(Job.OVERDUE, campaign.report_due),
        Job.COMPILE: at(Job.COMPILE, campaign.compile_at),
        Job.LEADERS_SUMMARY: at(Job.LEADERS_SUMMARY, DEFAULT_TIMES[Job.LEADERS_SUMMARY]),
    }


def job_plan(campaign: Campaign) -> list[tuple[str, str, time]]:
    """Every daily run of ``campaign``: (job, level, time). The compilation runs once a day for
    each coordinating level (#14), at its own ``compile_at`` (the top level's may be moved by
    the file's ``jobs.compile``); the other jobs once for the campaign, under its top unit."""
    times = job_times(campaign)
    top = campaign.root.code
    plan = [(job, top, at) for job, at in times.items() if job != Job.COMPILE]
    for level in Scope.system(campaign).levels:
        at = times[Job.COMPILE] if level.unit_id == campaign.root_id else level.compile_time()
        plan.append((Job.COMPILE, level.unit.code, at))
    return plan


# --- who is concerned --------------------------------------------------------------------


def prefixes(path: str) -> list[str]:
    """ "87/870/870-TTT/" → ["87/", "87/870/", "87/870/870-TTT/"]: a unit and its ancestors."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def profiles(campaign: Campaign, role: str, within: str | None = None) -> list[Profile]:
    """Active users of ``role`` whose units overlap the campaign's tree (or hold ``within``)."""
    if within is not None:
        overlap = Q(units__path__in=prefixes(within))
    else:
        root = campaign.root.path
        overlap = Q(units__path__startswith=root) | Q(units__path__in=prefixes(root))
    pks = Profile.objects.filter(overlap, role=role, user__is_active=True).values("pk")
    return list(
        Profile.objects.filter(pk__in=pks)
        .select_related("user")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.only("path", "name", "code")))
        .order_by("user__username")
    )


def compilers(campaign: Campaign, level: Coordination | None = None) -> list[Profile]:
    """The coordinators who make and approve a level's report (#3, #14; the top level by
    default), as the Scope decides."""
    level = level or Scope.system(campaign).top
    found = {
        p.pk: p
        for p in profiles(campaign, Role.COORDINATOR, within=level.unit.path)
        + profiles_in(campaign, level)
    }
    return [p for p in found.values() if Scope(campaign, p).may_compile(level)]


def profiles_in(campaign: Campaign, level: Coordination) -> list[Profile]:
    """Coordinators whose units are the level's office (they compile it too)."""
    pks = Profile.objects.filter(
        units=level.office, role=Role.COORDINATOR, user__is_active=True
    ).values("pk")
    return list(Profile.objects.filter(pk__in=pks).select_related("user"))


class RowsByUnit:
    """The rows of a summary, found by any unit above them: a user's rows in one lookup each."""

    def __init__(self, campaign: Campaign, rows: Iterable[UnitRow]):
        self.campaign = campaign
        self.rows_under: dict[str, list[UnitRow]] = defaultdict(list)
        for row in rows:
            for prefix in prefixes(row.unit.path):
                self.rows_under[prefix].append(row)

    def rows_for(self, profile: Profile) -> list[UnitRow]:
        seen: dict[int, UnitRow] = {}
        for unit in profile.units.all():
            for row in self.rows_under.get(unit.path, ()):
                seen.setdefault(row.unit.pk, row)
        return sorted(seen.values(), key=lambda row: row.unit.path)

    def name_for(self, profile: Profile) -> str:
        """What the user oversees in this campaign: their units, or the campaign's top unit."""
        root = self.campaign.root
        names = []
        for unit in profile.units.all():
            if unit.path.startswith(root.path):
                names.append(unit.name)
            elif root.path.startswith(unit.path):
                names.append(root.name)
        return ", ".join(dict.fromkeys(names)) or root.name


# --- helpers -----------------------------------------------------------------------------


def base_params(campaign: Campaign, day: date) -> dict:
    return {
        "campaign": campaign.title,
        "slug": campaign.slug,
        "date": day.isoformat(),
        "due": campaign.report_due.strftime("%H:%M"),
    }


def unit_list(rows: list[UnitRow]) -> list[dict]:
    return [{"code": r.unit.code, "name": r.unit.name, "status": r.status} for r in rows]


def by_status(rows: list[UnitRow]) -> dict:
    out = {}
    for key in (Status.MISSING, Status.LATE, Status.ON_TIME):
        out[str(key)] = short_list([r.unit.name for r in rows if r.status == key])
    return out


def _remind(run: JobRun, kind: str, rows: list[UnitRow]) -> int:
    """Tell each reporter about their units among ``rows``; how many were told."""
    campaign, day = run.campaign, run.day
    scope = RowsByUnit(campaign, rows)
    url = link("reports-report", campaign.slug)
    items = []
    for profile in profiles(campaign, Role.REPORTER):
        mine = scope.rows_for(profile)
        if mine:
            params = {
                **base_params(campaign, day),
                "units": short_list([r.unit.name for r in mine]),
            }
            items.append((profile.user, kind, params, url))
    return notify_users(run, items)


# --- the jobs ----------------------------------------------------------------------------


class Context:
    """What a job may ask of the scheduler running it: to keep its claim alive."""

    def __init__(self, beat: Callable[[], None] | None = None):
        self._beat = beat

    def beat(self) -> None:
        if self._beat is not None:
            self._beat()


def _missing(run: JobRun) -> list[UnitRow]:
    """The units expected on the run's day that have not reported it yet: only those are
    reminded (a unit that has reported is nobody's worry)."""
    return [r for r in build_summary(run.campaign, run.day).rows if r.status == Status.MISSING]


def _remind_missing(run: JobRun, ctx: Context, kind: str) -> dict:
    rows = _missing(run)
    ctx.beat()
    notified = _remind(run, kind, rows)
    webhooks = 0
    if rows:  # no message goes out with an empty list
        params = {
            **base_params(run.campaign, run.day),
            "units": short_list([r.unit.name for r in rows]),
        }
        webhooks = queue_event(run, kind, params, {"units": unit_list(rows)})
    return {"missing": len(rows), "notified": notified, "webhooks": webhooks}


def morning_reminder(run: JobRun, ctx: Context) -> dict:
    """08:00: today's reminder to the reporters of the units that have not reported yet."""
    return _remind_missing(run, ctx, Kind.MORNING_REMINDER)


def afternoon_reminder(run: JobRun, ctx: Context) -> dict:
    """14:00: a reminder to the reporters of the units that have not reported yet, only them."""
    return _remind_missing(run, ctx, Kind.AFTERNOON_REMINDER)


def overdue(run: JobRun, ctx: Context) -> dict:
    """At the deadline: the missing units are told; the coordinators get who is where."""
    campaign, day = run.campaign, run.day
    summary = build_summary(campaign, day)
    ctx.beat()
    missing = [r for r in summary.rows if r.status == Status.MISSING]
    reporters = _remind(run, Kind.OVERDUE, missing)
    scope = RowsByUnit(campaign, summary.rows)
    url = link("reports-status", campaign.slug, query=f"?date={day.isoformat()}")
    items = []
    for profile in profiles(campaign, Role.COORDINATOR):
        mine = scope.rows_for(profile)
        if mine:
            params = {
                **base_params(campaign, day),
                "scope": scope.name_for(profile),
                **by_status(mine),
            }
            items.append((profile.user, Kind.STATUS_LIST, params, url))
    coordinators = notify_users(run, items)
    everyone = {
        **base_params(campaign, day),
        "scope": campaign.root.name,
        **by_status(summary.rows),
    }
    if summary.rows:
        queue_event(run, Kind.STATUS_LIST, everyone, {"units": unit_list(summary.rows)})
    return {"reporters": reporters, "coordinators": coordinators, **_counts(summary.rows)}


def run_level(run: JobRun) -> Coordination | None:
    """The coordinating level a compile or send run is for (runs planned before #14 carry
    none: the top level)."""
    scope = Scope.system(run.campaign)
    code = run.level or run.campaign.root.code
    return next((lv for lv in scope.levels if lv.unit.code == code), None)


def compile_draft(run: JobRun, ctx: Context) -> dict:
    """At a level's compile time: its draft compilation of the day (#3, #14), and a word to
    its coordinators."""
    from uptake.notify import documents

    campaign, day = run.campaign, run.day
    level = run_level(run)
    if level is None:
        return {"made": False, "reason": f"{run.level} coordinates nothing in the campaign now"}
    compilation, made = documents.make_draft(campaign, day, level)
    ctx.beat()
    if not compilation.is_draft:
        # Approved (or sent) already: there is no draft to announce.
        return {
            "compilation": compilation.pk,
            "state": compilation.state,
            "made": False,
            "notified": 0,
        }
    counts = compilation.snapshot.get("reporting") or {}
    params = {
        **base_params(campaign, day),
        "reported": counts.get("on_time", 0) + counts.get("late", 0),
        "expected": counts.get("expected", 0),
    }
    url = documents.compilation_url(compilation)
    items = [(p.user, Kind.DRAFT_READY, params, url) for p in compilers(campaign, level)]
    notified = notify_users(run, items)
    queue_event(
        run,
        Kind.DRAFT_READY,
        params,
        {"state": compilation.state, "url": url, "unit": level.unit.code},
    )
    return {
        "compilation": compilation.pk,
        "state": compilation.state,
        "made": made,
        "notified": notified,
    }


def send_compilation(run: JobRun, ctx: Context) -> dict:
    """After approval: the compilation goes to its recipients (#3); the coordinators are told."""
    from uptake.notify import documents

    campaign, day = run.campaign, run.day
    level = run_level(run)
    if level is None:
        return {"sent": False, "reason": f"{run.level} coordinates nothing in the campaign now"}
    try:
        compilation, dispatch = documents.send_approved(campaign, day, level)
    except documents.NothingToSend as exc:
        return {"sent": False, "reason": str(exc)}
    if dispatch is None:
        state = compilation.state if compilation else None
        return {"sent": False, "reason": f"nothing to send (state {state})"}
    ctx.beat()
    names = [r.get("name") or r.get("email", "") for r in dispatch.recipients]
    params = {
        **base_params(campaign, day),
        "number": compilation.reference,
        "recipients": short_list(names),
    }
    url = documents.compilation_url(compilation)
    items = [(p.user, Kind.SENT, params, url) for p in compilers(campaign, level)]
    notified = notify_users(run, items)
    queue_event(
        run,
        Kind.SENT,
        params,
        {"number": compilation.reference, "url": url, "unit": level.unit.code},
    )
    return {
        "compilation": compilation.pk,
        "sent": True,
        "dispatch": dispatch.pk,
        "recipients": len(dispatch.recipients),
        "notified": notified,
    }


def _group_figures(summary, rows: list[UnitRow]) -> list[dict]:
    out = []
    for group in summary.groups:
        phones = installed = 0
        for row in rows:
            figures = row.groups.get(group.key)
            if figures and figures.with_smartphone is not None and figures.installed is not None:
                phones += figures.with_smartphone
                installed += figures.installed
        value = percent(installed, phones)
        target = float(group.target_percent)
        out.append(
            {
                "key": group.key,
                "name": group.name,
                "with_smartphone": phones,
                "installed": installed,
                "percent": value,
                "target": target,
                "met": value is not None and value >= target,
            }
        )
    return out


def _counts(rows: list[UnitRow]) -> dict:
    counts = {"expected": len(rows), "on_time": 0, "late": 0, "missing": 0}
    for row in rows:
        counts[str(row.status)] += 1
    return counts


def leaders_summary(run: JobRun, ctx: Context) -> dict:
    """At the campaign's chosen time: each leader's units, how many reported, how far to target."""
    campaign, day = run.campaign, run.day
    summary = build_summary(campaign, day)
    scope = RowsByUnit(campaign, summary.rows)
    url = link("reports-status", campaign.slug, query=f"?date={day.isoformat()}")
    items = []
    for profile in profiles(campaign, Role.VIEWER):
        mine = scope.rows_for(profile)
        if mine:
            roots = Scope(campaign, profile).roots
            params = {
                **base_params(campaign, day),
                "scope": scope.name_for(profile),
                "counts": _counts(mine),
                "groups": _group_figures(summary, mine),
                # The day on one page (#17), sent with the summary: the leader's top unit.
                "brief": {"unit": roots[0].code if roots else campaign.root.code},
            }
            items.append((profile.user, Kind.LEADERS_SUMMARY, params, url))
    ctx.beat()
    notified = notify_users(run, items)
    everyone = {
        **base_params(campaign, day),
        "scope": campaign.root.name,
        "counts": _counts(summary.rows),
        "groups": _group_figures(summary, summary.rows),
    }
    if summary.rows:
        queue_event(run, Kind.LEADERS_SUMMARY, everyone, {"units": unit_list(summary.rows)})
    return {"notified": notified, **_counts(summary.rows)}


JOBS: dict[str, Callable[[JobRun, Context], dict]] = {
    Job.MORNING_REMINDER: morning_reminder,
    Job.AFTERNOON_REMINDER: afternoon_reminder,
    Job.OVERDUE: overdue,
    Job.COMPILE: compile_draft,
    Job.SEND: send_compilation,
    Job.LEADERS_SUMMARY: leaders_summary,
}


def run_job(run: JobRun, ctx: Context | None = None) -> dict:
    """Do ``run``'s work; the result is recorded on the run (what was done, for the admin)."""
    result = JOBS[run.job](run, ctx or Context())
    result.setdefault("at", timezone.now().isoformat())
    return result


# --- a coordinator's reminder, now (#17) -------------------------------------------------

REMIND_AGAIN_AFTER = timedelta(hours=1)
MANUAL_LEVEL = "manual"  # the level of a pressed reminder's run: "manual <time> <user>"


@dataclass
class ManualReminder:
    reminded: list[UnitRow]  # the units whose reporters were told now
    too_soon: list[tuple[UnitRow, datetime]]  # reminded within the hour: when that was
    notified: int  # how many people were told

    @property
    def next_at(self) -> datetime | None:
        """When the earliest of the units reminded too recently may be reminded again."""
        times = [at for _row, at in self.too_soon]
        return min(times) + REMIND_AGAIN_AFTER if times else None


# The scheduler's runs that remind every unit missing when they run.
SCHEDULED_REMINDERS = (Job.MORNING_REMINDER, Job.AFTERNOON_REMINDER, Job.OVERDUE)


def recently_reminded(
    campaign: Campaign, day: date, now: datetime, missing: Iterable[str]
) -> dict[str, datetime]:
    """The units among ``missing`` (codes of units not reported ``day``) reminded within the
    hour, each with the last time it was: by hand (a pressed reminder names its units), or by
    the scheduler (its reminders and the overdue notice tell every unit then missing, and a
    unit missing now was missing then)."""
    found: dict[str, datetime] = {}
    since, missing = now - REMIND_AGAIN_AFTER, set(missing)
    runs = JobRun.objects.filter(
        campaign=campaign,
        job=Job.AFTERNOON_REMINDER,
        level__startswith=f"{MANUAL_LEVEL} ",
        started_at__gt=since,
    ).values_list("result", "started_at")
    for result, started_at in runs:
        for code in (result or {}).get("units", []):
            if code in missing and (code not in found or found[code] < started_at):
                found[code] = started_at
    scheduled = (
        JobRun.objects.filter(
            campaign=campaign,
            day=day,
            job__in=SCHEDULED_REMINDERS,
            state=JobRun.State.DONE,
            finished_at__gt=since,
        )
        .exclude(level__startswith=f"{MANUAL_LEVEL} ")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if scheduled is not None:
        for code in missing:
            if code not in found or found[code] < scheduled:
                found[code] = scheduled
    return found


def remind_now(campaign: Campaign, day: date, rows: list[UnitRow], by) -> ManualReminder:
    """The "remind the units not reported" button, pressed on the status page by ``by``: the
    afternoon reminder's message (``_remind``, the scheduler's own function) to the reporters of the
    units among ``rows`` that have not reported ``day``, except those reminded this way within
    the hour. It is a job run of its own, done at once (the scheduler never claims it), whose
    notifications the sending loop sends like any run's; the audit trail says who pressed.
    A unit reminded within the hour, by hand or by the scheduler, is left out and said so."""
    with transaction.atomic():
        # Two coordinators pressing at the same moment: the second waits for the first's
        # reminder, then sees it (the campaign's row locked; SQLite's IMMEDIATE transactions
        # take its one write lock at the start).
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        return _remind_now(campaign, day, rows, by)


def _remind_now(campaign: Campaign, day: date, rows: list[UnitRow], by) -> ManualReminder:
    from uptake.audit.models import log_action

    now = timezone.now()
    missing = [r for r in rows if r.status == Status.MISSING]
    recent = recently_reminded(campaign, day, now, [r.unit.code for r in missing])
    too_soon = [(r, recent[r.unit.code]) for r in missing if r.unit.code in recent]
    due = [r for r in missing if r.unit.code not in recent]
    if not due:
        return ManualReminder([], too_soon, 0)
    codes = [r.unit.code for r in due]
    run = JobRun.objects.create(
        campaign=campaign,
        job=Job.AFTERNOON_REMINDER,
        day=day,
        level=f"{MANUAL_LEVEL} {now:%Y%m%dT%H%M%S.%f} {by.pk}"[:64],
        due_at=now,
        next_attempt_at=now,
        state=JobRun.State.DONE,
        attempts=1,
        started_at=now,
        finished_at=now,
        locked_by=f"user {by.get_username()}"[:100],
        result={"units": codes, "by": by.get_username()},
    )
    notified = _remind(run, Kind.AFTERNOON_REMINDER, due)
    JobRun.objects.filter(pk=run.pk).update(
        result={"units": codes, "by": by.get_username(), "notified": notified}
    )
    log_action(
        by,
        "reminder.send",
        "campaign",
        campaign.slug,
        after={"day": day.isoformat(), "units": codes, "notified": notified, "run": run.pk},
        at=now,
    )
    return ManualReminder(due, too_soon, notified)
