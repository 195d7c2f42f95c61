"""The pages of daily reporting: home, a unit's report, the status page, a unit's history and
the entry of figures on behalf of a unit.

Every page of a campaign runs in the campaign's time zone (``campaign_view``), so that dates,
times and deadlines read as they do on the unit's wall clock. Access to a unit goes through one
helper per use (``_get_unit_for_user``, ``_get_unit_for_entry``, ...), never inline checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from uptake.accounts.models import Profile, Role, profile_of
from uptake.campaigns import menu
from uptake.campaigns.models import Activity, Campaign, Group, Participation, Status
from uptake.campaigns.scope import OutOfScope, Scope
from uptake.lib.dbrouter import read_only_db
from uptake.quality.actions import flags_for
from uptake.reports.actions import ReportInvalid, recent_reports, submit_report
from uptake.reports.exports import SHOW, StatusFilter, day_param, render_status
from uptake.reports.forms import EntryForm, ReportForm
from uptake.reports.history import (
    Arrival,
    Change,
    arrival,
    daily_history,
    duration_text,
    expected_on,
    last_day,
    revision_changes,
)
from uptake.reports.models import Report, Revision
from uptake.reports.suggestions import compare_with_latest, initial_values, starting_points
from uptake.reports.summary import GroupFigures, Section, UnitRow, build_summary
from uptake.units.models import Unit


def campaign_view(view):
    """Loads the campaign named by the URL's slug (404) and renders in its time zone."""

    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        campaign = get_object_or_404(Campaign.objects.select_related("root"), slug=slug)
        with timezone.override(campaign.tz):
            return view(request, campaign, **kwargs)

    return wrapper


def _campaigns_for(profile: Profile):
    """The campaigns the user takes part in: a participation under one of their units."""
    return menu.campaigns_for(profile.user)


def _render(request, template: str, campaign: Campaign, profile: Profile, **context):
    return render(
        request,
        template,
        {"campaign": campaign, "profile": profile, "today": campaign.today(), **context},
    )


@login_required
@require_GET
def home(request):
    profile = profile_of(request.user)
    campaigns = list(_campaigns_for(profile))
    landing = menu.landing_for(request.user) if not campaigns else None
    if landing:
        # A door-to-door volunteer: no unit of their own, only their team's hamlets.
        return redirect(landing)
    running = [c for c in campaigns if c.start <= c.today() <= c.end]
    if len(running) == 1:
        page = "reports-report" if profile.role == Role.REPORTER else "reports-status"
        return redirect(page, running[0].slug)
    return render(
        request,
        "reports/home.html",
        {"campaigns": campaigns, "profile": profile, "is_reporter": profile.role == Role.REPORTER},
    )


# --- a unit's own report ------------------------------------------------------------------


def _get_own_participation(profile: Profile, campaign: Campaign, code: str) -> Participation:
    """The participation of one of the user's own units, for a submission from the report page."""
    if profile.role == Role.VIEWER:
        raise PermissionDenied("viewers do not submit reports")
    for participation in Scope.of(profile.user, campaign).own_participations():
        if participation.unit.code == code:
            return participation
    raise Http404("not one of the user's reporting units")


@dataclass
class Deadline:
    at: datetime
    now: datetime

    @property
    def passed(self) -> bool:
        return self.now > self.at

    @property
    def minutes_left(self) -> int:
        """Whole minutes to the deadline, rounded up (30 seconds left is "1 min")."""
        return 0 if self.passed else math.ceil((self.at - self.now).total_seconds() / 60)

    @property
    def left(self) -> str:
        """The time left as read: "39 min" under an hour, "5 h 0 min" from one hour."""
        return duration_text(self.minutes_left)


@dataclass
class UnitSection:
    """One unit on the report page: today's form, today's result and the history."""

    participation: Participation
    form: ReportForm | None
    today_report: Report | None
    result: list[tuple[Group, GroupFigures]]
    history: list

    @property
    def unit(self) -> Unit:
        return self.participation.unit


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def report(request, campaign: Campaign):
    profile = profile_of(request.user)
    participations = Scope.of(profile.user, campaign).own_participations()
    if request.method == "POST":
        posted = _get_own_participation(profile, campaign, request.POST.get("unit", ""))
    elif not participations:
        # Coordinators, viewers, admins and reporters over units below theirs: the status page.
        return redirect("reports-status", campaign.slug)
    else:
        posted = None

    today = campaign.today()
    open_today = campaign.start <= today <= campaign.end
    groups = list(campaign.groups.all())
    activities = list(campaign.activities.all())
    sections = []
    for p in participations:
        reports = list(Report.objects.filter(campaign=campaign, unit=p.unit).order_by("date"))
        today_report = next((r for r in reports if r.date == today), None)
        form = None
        if open_today and expected_on(p, today):
            data = request.POST if posted is not None and posted.pk == p.pk else None
            use = request.GET.get("use") if request.GET.get("unit") == p.unit.code else None
            suggestions = starting_points(campaign, p, today)
            form = _report_form(
                p, groups, activities, reports, today, today_report, data, suggestions, use
            )
            if data is not None and form.is_valid():
                try:
                    saved = submit_report(
                        campaign=campaign,
                        unit=p.unit,
                        day=today,
                        user=request.user,
                        **form.submission(),
                    )
                except ReportInvalid as exc:
                    form.add_report_errors(exc.errors)
                else:
                    messages.success(request, _saved_message(saved, p.unit))
                    url = reverse("reports-report", args=[campaign.slug])
                    return redirect(f"{url}#u-{p.unit.code}")
        sections.append(
            UnitSection(
                participation=p,
                form=form,
                today_report=today_report,
                result=_result(today_report, groups, p),
                history=daily_history(campaign, p, groups, reports),
            )
        )
    if posted is not None and not any(s.form is not None and s.form.is_bound for s in sections):
        messages.error(request, _("There is no report to make today."))
        return redirect("reports-report", campaign.slug)

    return _render(
        request,
        "reports/report.html",
        campaign,
        profile,
        sections=sections,
        groups=groups,
        open_today=open_today,
        deadline=Deadline(campaign.deadline(today), timezone.now()),
    )


def _report_form(
    p, groups, activities, reports, today, today_report, data=None, suggestions=(), use=None
) -> ReportForm:
    """Today's form, filled with the latest figures sent (today's report when there is one),
    then with the starting points that apply (the roster's staff figures, today's households
    visited) or that the reporter asked for (``?use=visits``): nothing is filed until sent."""
    previous = next((r for r in reversed(reports) if r.date <= today), None)
    initial = {}
    if today_report is not None:
        # Not the note: a note explains one submission, and a correction needs its own.
        initial = {f"activity__{k}": v for k, v in today_report.activities.items()}
    suggestions = list(suggestions)
    if data is None:
        initial.update(
            initial_values(
                suggestions, latest=previous, reported_today=today_report is not None, use=use
            )
        )
    else:
        compare_with_latest(suggestions, previous)
    return ReportForm(
        data,
        participation=p,
        groups=groups,
        activities=activities,
        previous=previous,
        suggestions=suggestions,
        initial=initial,
        prefix=p.unit.code,
    )


def _result(report: Report | None, groups: list[Group], p: Participation):
    """Today's report against the targets: (group, figures) for each group of the unit."""
    if report is None:
        return []
    return [
        (
            g,
            GroupFigures(
                g.key, n.get("with_smartphone"), n.get("installed"), float(g.target_percent)
            ),
        )
        for g in groups
        if g.key in p.groups and (n := report.figures.get(g.key)) is not None
    ]


def _saved_message(report: Report, unit: Unit) -> str:
    values = {
        "unit": unit.name,
        "day": date_format(report.date, "d/m/Y"),
        "revision": report.revision,
        "status": Status(report.status).label,
    }
    if report.revision > 1:
        return (
            _("%(unit)s, %(day)s: revision %(revision)s saved. Status of the day: %(status)s.")
            % values
        )
    return _("%(unit)s, %(day)s: report saved. Status: %(status)s.") % values


# --- the status page ----------------------------------------------------------------------


_day_param = day_param  # ``?date=YYYY-MM-DD`` within the campaign's days (today by default)


@dataclass
class StatusRow:
    row: UnitRow
    groups: list[tuple[Group, GroupFigures | None]]  # every group of the campaign, in order
    below: list[tuple[Activity, int | None]]  # activities under their daily minimum
    counts: list[tuple[Activity, int]]  # the day's activity counts
    section: Section | None = None  # its block (offices, communes) with the block's subtotal

    @property
    def unit(self) -> Unit:
        return self.row.unit


@login_required
@require_GET
@read_only_db  # served by the replica when there is one (DATABASE_REPLICA_URL)
@campaign_view
def status(request, campaign: Campaign):
    scope = Scope.of(request.user, campaign)
    profile = scope.profile
    flt = _status_filter(request, scope)
    root, day, show, q = flt.root, flt.day, flt.show, flt.q
    roots = scope.roots

    summary = flt.summary()
    activities = [t.activity for t in summary.activities.values()]
    section_of = {id(row): section for section in summary.sections() for row in section.rows}
    rows = []
    for row in summary.rows:
        if not flt.keeps(row):
            continue
        rows.append(
            StatusRow(
                row=row,
                groups=[(g, row.groups.get(g.key)) for g in summary.groups],
                below=[(a, row.activities.get(a.key)) for a in activities if row.below_minimum(a)],
                counts=[
                    (a, row.activities[a.key])
                    for a in activities
                    if row.activities.get(a.key) is not None
                ],
                section=section_of[id(row)],
            )
        )

    def link(**changes) -> str:
        params = {"date": day.isoformat(), "show": show, "q": q, "root": root.code, **changes}
        params = {k: v for k, v in params.items() if v and not (k == "show" and v == "all")}
        if params.get("root") == (roots[0].code if roots else None):
            params.pop("root")
        return "?" + urlencode(params)

    last = last_day(campaign)
    return _render(
        request,
        "reports/status.html",
        campaign,
        profile,
        summary=summary,
        day=day,
        first_day=campaign.start,
        last_day=last,
        prev_link=link(date=(day - timedelta(days=1)).isoformat())
        if day > campaign.start
        else None,
        next_link=link(date=(day + timedelta(days=1)).isoformat()) if day < last else None,
        show_choices=_show_choices(),
        show_links={key: link(show=key) for key in SHOW},
        show=show,
        q=q,
        root=root,
        roots=roots,
        rows=rows,
        counts=summary.counts,
        totals=[(g, summary.totals[g.key]) for g in summary.groups],
        activity_totals=list(summary.activities.values()),
        can_enter=profile.enters_on_behalf,
        deadline=campaign.deadline(day),
        export_query=link()[1:],
        # "Remind the units not reported" (#17): coordinators, today, someone missing.
        can_remind=scope.coordinates and day == campaign.today() and summary.counts["missing"],
    )


def _show_choices():
    return [("all", _("All units")), ("late", _("Late")), ("missing", _("Missing"))]


# --- a unit's history ---------------------------------------------------------------------


def _get_unit_for_user(request, campaign: Campaign, code: str) -> tuple[Unit, Participation]:
    """A unit of the campaign that the user may read, with its participation; else 404."""
    participation = campaign.participations.select_related("unit").filter(unit__code=code).first()
    if participation is None or not Scope.of(request.user, campaign).contains(participation.unit):
        raise Http404("unit outside the user's units")
    return participation.unit, participation


@dataclass
class RevisionView:
    revision: Revision
    changes: list[Change]
    groups: list[tuple[Group, GroupFigures]]
    activities: list[tuple[Activity, int]]
    arrival: Arrival


def _revision_view(rev: Revision, before: Revision | None, groups, activities) -> RevisionView:
    def figures(g: Group) -> GroupFigures:
        numbers = rev.figures.get(g.key) or {}
        return GroupFigures(
            g.key, numbers.get("with_smartphone"), numbers.get("installed"), float(g.target_percent)
        )

    return RevisionView(
        revision=rev,
        changes=revision_changes(before, rev, groups, activities),
        groups=[(g, figures(g)) for g in groups],
        activities=[(a, rev.activities[a.key]) for a in activities if a.key in rev.activities],
        arrival=arrival(rev),
    )


@login_required
@require_GET
@campaign_view
def unit(request, campaign: Campaign, code: str):
    unit, participation = _get_unit_for_user(request, campaign, code)
    profile = profile_of(request.user)
    groups = [g for g in campaign.groups.all() if g.key in participation.groups]
    activities = [a for a in campaign.activities.all() if a.key in participation.activities]
    reports = list(
        Report.objects.filter(campaign=campaign, unit=unit)
        .order_by("date")
        .prefetch_related(
            Prefetch("revisions", queryset=Revision.objects.select_related("submitted_by"))
        )
    )
    revisions = {}
    for r in reports:
        views, before = [], None
        for rev in r.revisions.all():
            views.append(_revision_view(rev, before, groups, activities))
            before = rev
        revisions[r.pk] = views[::-1]  # newest first
    days = daily_history(campaign, participation, groups, reports)
    # The unit's open data-quality flags (#5) as stored: a GET writes nothing (#19), the
    # scheduler keeps them fresh. Its quality page opens for whoever reads this one
    # (quality's _get_unit_for_user asks what _get_unit_for_user asks here).
    group_names = {g.key: g.name for g in campaign.groups.all()}
    flags = flags_for(campaign, root=unit, refresh=False)
    for flag in flags:
        flag.group_name = group_names.get(flag.group, flag.group)
    return _render(
        request,
        "reports/unit.html",
        campaign,
        profile,
        unit=unit,
        participation=participation,
        groups=groups,
        activities=activities,
        days=[(d, revisions.get(d.report.pk, []) if d.report else []) for d in days],
        can_enter=profile.enters_on_behalf,
        flags=flags,
    )


# --- entry on behalf of a unit ------------------------------------------------------------


def _get_unit_for_entry(request, campaign: Campaign, code: str) -> tuple[Unit, Participation]:
    """A unit a coordinator (or admin) may enter figures for: 403 for other roles, 404 outside."""
    if not profile_of(request.user).enters_on_behalf:
        raise PermissionDenied("only coordinators enter figures on behalf of a unit")
    return _get_unit_for_user(request, campaign, code)


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def enter(request, campaign: Campaign, code: str):
    unit, participation = _get_unit_for_entry(request, campaign, code)
    profile = profile_of(request.user)
    groups = list(campaign.groups.all())
    activities = list(campaign.activities.all())
    day = _day_param(campaign, request.POST.get("date") or request.GET.get("date"))
    existing, earlier, _later = recent_reports(campaign, unit, day)
    previous = existing or earlier
    initial = {"date": day}  # no default source: the coordinator says how the figures came
    if existing is not None:
        # Not the note: a note explains one submission, and a correction needs its own.
        initial.update({f"activity__{k}": v for k, v in existing.activities.items()})
    kwargs = {
        "participation": participation,
        "groups": groups,
        "activities": activities,
        "previous": previous,
        "initial": initial,
    }
    if request.method == "POST":
        form = EntryForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                saved = submit_report(
                    campaign=campaign,
                    unit=unit,
                    user=request.user,
                    on_behalf=True,
                    **form.submission(),
                )
            except ReportInvalid as exc:
                form.add_report_errors(exc.errors)
            else:
                messages.success(request, _saved_message(saved, unit))
                url = reverse("reports-status", args=[campaign.slug])
                return redirect(
                    f"{url}?{urlencode({'date': saved.date.isoformat()})}#u-{unit.code}"
                )
    else:
        form = EntryForm(**kwargs)
    # Text fields read as dd/mm/yyyy (#17): the campaign's days are checked by submit_report.
    return _render(
        request,
        "reports/enter.html",
        campaign,
        profile,
        unit=unit,
        form=form,
        day=day,
        existing=existing,
        previous=previous,
    )


# --- the status page's exports (#17) -------------------------------------------------------


def _status_filter(request, scope: Scope) -> StatusFilter:
    """The status page's filters from the query string; 404 for a unit outside the scope."""
    try:
        return StatusFilter.from_params(scope, request.GET)
    except OutOfScope:
        raise Http404("unit outside the user's units or the campaign") from None


@login_required
@require_GET
@read_only_db
@campaign_view
def status_export(request, campaign: Campaign, fmt: str):
    """What the status page shows, with the same filters, as .xlsx or .csv."""
    made = render_status(_status_filter(request, Scope.of(request.user, campaign)), fmt)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


# --- "Remind the units not reported" (#17) -------------------------------------------------


@login_required
@require_POST
@campaign_view
def status_remind(request, campaign: Campaign):
    """A coordinator reminds the reporters of today's missing units under the page's unit,
    now (uptake.notify.jobs.remind_now: the afternoon reminder's message, at most once an
    hour per unit, who pressed it in the audit trail)."""
    from uptake.notify.jobs import remind_now

    scope = Scope.of(request.user, campaign)
    if not scope.coordinates:
        raise PermissionDenied("only coordinators remind units")
    flt = _status_filter(request, scope)  # the root from the query string, as on the page
    url = reverse("reports-status", args=[campaign.slug])
    back = f"{url}?{urlencode({'root': flt.root.code})}"
    today = campaign.today()
    if not campaign.start <= today <= campaign.end:
        messages.error(request, _("There is no report to make today: nobody to remind."))
        return redirect(back)
    summary = build_summary(campaign, today, flt.root)
    done = remind_now(campaign, today, summary.rows, request.user)
    if not done.reminded and not done.too_soon:
        messages.info(request, _("Every unit has reported today: there is nobody to remind."))
    elif not done.reminded:
        messages.error(
            request,
            _(
                "Every unit not reported was reminded less than an hour ago. "
                "You can remind them again from %(time)s."
            )
            % {"time": timezone.localtime(done.next_at).strftime("%H:%M")},
        )
    else:
        text = ngettext(
            "Reminder sent now to the reporters of %(count)s unit not reported.",
            "Reminder sent now to the reporters of %(count)s units not reported.",
            len(done.reminded),
        ) % {"count": len(done.reminded)}
        if done.too_soon:
            text += " " + ngettext(
                "%(count)s unit was reminded less than an hour ago and was left out.",
                "%(count)s units were reminded less than an hour ago and were left out.",
                len(done.too_soon),
            ) % {"count": len(done.too_soon)}
        messages.success(request, text)
    return redirect(back)


# --- the day on one page, to forward (#17) -------------------------------------------------


@login_required
@require_GET
@read_only_db
@campaign_view
def brief(request, campaign: Campaign, fmt: str):
    """The day of ``?unit=`` (the person's top unit by default) on one picture or A4 page, for
    the pages' "Chia sẻ" button; the API's brief.png / brief.pdf make the same file."""
    from uptake.documents.brief import render_brief

    try:
        root = Scope.of(request.user, campaign).root_for(request.GET.get("unit"))
    except OutOfScope:
        raise Http404("unit outside the user's units or the campaign") from None
    made = render_brief(campaign, day_param(campaign, request.GET.get("date")), root, fmt)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'inline; filename="{made.filename}"'
    return response
