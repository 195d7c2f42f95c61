"""The pages of the 16:30 report: the dashboard, the list of compiled reports and a day's
report, where the coordinator refreshes the draft, writes the text, approves and sends it, and
anyone who may read it downloads its documents.

Every page is about one coordinating level (#14, ``?unit=CODE``; a province, a district), and
access goes through one helper per use, each asking the Scope: ``_get_level_for_reader``,
``_get_level_for_coordinator`` (the level's own coordinators), ``_get_dashboard_unit`` (the
unit a dashboard is about, ``?unit=CODE``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from uptake.accounts.models import Profile, Role
from uptake.campaigns.models import Campaign, Coordination
from uptake.campaigns.scope import NotCoordinating, OutOfScope, Scope
from uptake.documents.actions import (
    CompilationError,
    approval_warning,
    approve_compilation,
    make_draft,
    send_compilation,
    write_text,
)
from uptake.documents.charts import chart_from_snapshot
from uptake.documents.dashboard import build_dashboard
from uptake.documents.exporters import AreaTable, UnitTable, display
from uptake.documents.forms import TextForm
from uptake.documents.models import Compilation
from uptake.documents.projection import LABELS, WINDOW
from uptake.documents.report import FORMATS, taken_at
from uptake.documents.report import render as render_document
from uptake.lib.dbrouter import read_only_db
from uptake.ops.downloads import log_download
from uptake.units.models import Unit

RANKED_SHOWN = 50  # units listed on a province's dashboard (the rest: see the status page)


def campaign_view(view):
    """Loads the campaign named by the URL's slug (404) and works in its time zone."""

    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        campaign = get_object_or_404(
            Campaign.objects.select_related("root", "coordinator"), slug=slug
        )
        with timezone.override(campaign.tz):
            return view(request, campaign, **kwargs)

    return wrapper


def _get_level_for_reader(request, campaign: Campaign) -> tuple[Scope, Coordination]:
    """The coordinating level a page is about (#14): ``?unit=CODE`` (a level's unit or office),
    else the one the person compiles, else the level of their unit. Read by those the Scope
    lets read it; a user who takes part elsewhere in the campaign is refused (403), anyone
    else, or a code that coordinates nothing, finds nothing (404)."""
    scope = Scope.of(request.user, campaign)
    code = request.GET.get("unit")
    try:
        level = scope.level_for(code) if code else scope.home_level()
    except NotCoordinating:
        raise Http404("this unit coordinates nothing in the campaign") from None
    except OutOfScope:
        level = None
    if level is None:
        if scope.takes_part:
            raise PermissionDenied("the report covers units outside the user's units")
        raise Http404("the user takes no part in this campaign")
    return scope, level


def _get_level_for_coordinator(request, campaign: Campaign) -> tuple[Scope, Coordination]:
    scope, level = _get_level_for_reader(request, campaign)
    if not scope.may_compile(level):
        raise PermissionDenied("only the level's coordinators compile its report")
    return scope, level


def _get_dashboard_unit(request, campaign: Campaign, code: str | None) -> tuple[Profile, Unit]:
    """The unit a dashboard is about: ``?unit=CODE`` if in the user's scope, else the top of
    the user's scope in the campaign. Reporters have the report page instead (403)."""
    scope = Scope.of(request.user, campaign)
    if not scope.takes_part:
        raise Http404("the user takes no part in this campaign")
    if scope.role == Role.REPORTER:
        raise PermissionDenied("the dashboard is for coordinators and leaders")
    try:
        return scope.profile, scope.root_for(code)
    except OutOfScope:
        raise Http404("unit outside the user's units or the campaign") from None


def _day(campaign: Campaign, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Http404("not a date") from None
    if day < campaign.start or day > campaign.end:
        raise Http404("outside the campaign's days")
    return day


def _last_day(campaign: Campaign) -> date:
    return max(campaign.start, min(campaign.end, campaign.today()))


def _render(request, template: str, campaign: Campaign, profile: Profile, **context):
    return render(
        request,
        template,
        {"campaign": campaign, "profile": profile, "today": campaign.today(), **context},
    )


# --- dashboard ------------------------------------------------------------------------------


@login_required
@require_GET
@read_only_db  # served by the replica when there is one (DATABASE_REPLICA_URL)
@campaign_view
def dashboard(request, campaign: Campaign):
    profile, unit = _get_dashboard_unit(request, campaign, request.GET.get("unit"))
    day = _last_day(campaign)
    board = build_dashboard(campaign, unit, day)
    parent = None
    if unit != campaign.root and unit.parent_id and profile.can_read(unit.parent):
        parent = unit.parent
    return _render(
        request,
        "documents/dashboard.html",
        campaign,
        profile,
        board=board,
        unit=unit,
        parent=parent,
        day=day,
        ranked=board.ranked[:RANKED_SHOWN],
        ranked_more=max(0, len(board.ranked) - RANKED_SHOWN),
        window=WINDOW,
        labels=LABELS,
        may_compile=bool(Scope.of(request.user, campaign).compiled_levels()),
    )


# --- compiled reports -----------------------------------------------------------------------


@login_required
@require_GET
@campaign_view
def compilation_list(request, campaign: Campaign):
    scope, level = _get_level_for_reader(request, campaign)
    compilations = list(
        Compilation.objects.filter(campaign=campaign, unit=level.unit)
        .select_related("approved_by", "sent_by")
        .defer("snapshot")
        .order_by("-date")
    )
    return _render(
        request,
        "documents/compilation_list.html",
        campaign,
        scope.profile,
        compilations=compilations,
        last_day=_last_day(campaign),
        may_compile=scope.may_compile(level),
        **_level_context(scope, level),
    )


def _level_context(scope: Scope, level: Coordination) -> dict:
    """The level a page is about, the ``?unit=`` its links carry, and the other levels the
    person may read (the page's switcher)."""
    return {
        "level": level,
        "q": "" if level.is_top else "?" + urlencode({"unit": level.unit.code}),
        "levels": [
            {
                "level": other,
                "q": "" if other.is_top else "?" + urlencode({"unit": other.unit.code}),
                "current": other.pk == level.pk,
            }
            for other in scope.readable_levels()
        ],
    }


def _table(snapshot: dict) -> dict:
    """The snapshot's table as the page shows it: the documents' compact table of units, or,
    for a level with levels below (#14), its row per level below with their reports' state."""
    exporter = AreaTable(snapshot) if snapshot.get("below") else UnitTable(snapshot, compact=True)
    columns = exporter.columns
    rows = [
        {
            "kind": row.kind,
            "cells": [
                {"text": display(v, columns[i].kind), "align": columns[i].alignment}
                for i, v in enumerate(row.cells)
            ],
        }
        for row in exporter.rows()
    ]
    bands = []
    if exporter.banded:
        for c in columns:
            if bands and c.band and bands[-1]["band"] == c.band:
                bands[-1]["span"] += 1
            else:
                bands.append({"band": c.band, "header": c.header, "span": 1})
    return {"columns": columns, "bands": bands, "rows": rows}


def _quality(snapshot: dict) -> dict | None:
    """The snapshot's data-quality annex as the page shows it: the frozen evidence told in the
    reader's language (the documents keep their Vietnamese). None for compilations made
    before the annex existed."""
    from uptake.quality.models import Rule, Severity
    from uptake.quality.rules import describe

    quality = snapshot.get("quality")
    if quality is None:
        return None
    rules, severities = dict(Rule.choices), dict(Severity.choices)
    flags = [
        {
            **f,
            "date": date.fromisoformat(f["date"]),
            "rule_label": rules.get(f["rule"], f["rule"]),
            "severity_label": severities.get(f["severity"], f["severity"]),
            "message": describe(f["rule"], f["group"], f["evidence"]),
        }
        for f in quality["flags"]
    ]
    inspections = [
        {**i, "date": date.fromisoformat(i["date"])} for i in quality.get("inspections", [])
    ]
    return {
        "from": date.fromisoformat(quality["from"]),
        "to": date.fromisoformat(quality["to"]),
        "flags": flags,
        "inspections": inspections,
    }


def _compilation_context(
    scope: Scope, campaign: Campaign, level: Coordination, day: date, form=None
) -> dict:
    """What the page of a level's report of a day shows, in any state: none yet, draft,
    approved, sent (by a person or by the scheduler). ``form``: the coordinator's text as just
    refused."""
    found = (
        Compilation.objects.filter(campaign=campaign, unit=level.unit, date=day)
        .select_related("made_by", "refreshed_by", "approved_by", "sent_by", "text_by")
        .first()
    )
    can_compile = scope.may_compile(level)
    context = {
        **_level_context(scope, level),
        "below": _below(campaign, scope, level, day, found),
        "compilation": found,
        "day": day,
        "may_compile": can_compile,
        "may_make": can_compile and day <= campaign.today(),
        "prev_day": day - timedelta(1) if day > campaign.start else None,
        "next_day": day + timedelta(1) if day < _last_day(campaign) else None,
        "formats": list(FORMATS),
        "auto_send": level.auto_send,
        "send_at": level.compile_time(),
    }
    if found is not None:
        found.campaign = campaign
        found.level = level
        snapshot = found.snapshot
        context.update(
            snapshot=snapshot,
            taken_at=taken_at(found),
            warning=approval_warning(found) if found.is_draft and can_compile else "",
            chart=chart_from_snapshot(
                snapshot, target_label=_("Target"), deadline_label=_("Target date")
            ),
            chart_phone=chart_from_snapshot(
                snapshot,
                target_label=_("Target"),
                deadline_label=_("Target date"),
                width=340,
                height=380,
                compact=True,
            ),
            table=_table(snapshot),
            quality=_quality(snapshot),
            dispatches=list(found.dispatches.select_related("sent_by")),
            recipients=snapshot.get("document", {}).get("recipients", []),
            form=form
            or TextForm(
                initial={
                    "situation": found.situation,
                    "difficulties": found.difficulties,
                    "proposals": found.proposals,
                }
            ),
        )
    return context


@login_required
@require_GET
@campaign_view
def compilation(request, campaign: Campaign, day: str):
    scope, level = _get_level_for_reader(request, campaign)
    day = _day(campaign, day)
    context = _compilation_context(scope, campaign, level, day)
    return _render(request, "documents/compilation.html", campaign, scope.profile, **context)


def _below(campaign: Campaign, scope: Scope, level: Coordination, day: date, found) -> list:
    """The levels directly below, each with its report of the day: approved (its number) or
    not yet. The frozen rows when the report is approved, else as they stand now."""
    below = Scope.system(campaign).below(level)
    if not below:
        return []
    reports = {
        c.unit_id: c
        for c in Compilation.objects.filter(
            campaign=campaign, date=day, unit__in=[lv.unit for lv in below]
        ).defer("snapshot")
    }
    return [
        {
            "level": lv,
            "compilation": reports.get(lv.unit_id),
            "readable": scope.may_read_level(lv),
            "q": "?" + urlencode({"unit": lv.unit.code}),
        }
        for lv in below
    ]


def _page(campaign: Campaign, day: date, level: Coordination) -> str:
    page = reverse("documents-compilation", args=[campaign.slug, day.isoformat()])
    return page if level.is_top else page + "?" + urlencode({"unit": level.unit.code})


def _get_compilation(campaign: Campaign, level: Coordination, day: date) -> Compilation:
    found = Compilation.objects.filter(campaign=campaign, unit=level.unit, date=day).first()
    if found is None:
        raise Http404("no compilation for this day")
    found.campaign = campaign
    found.level = level
    return found


@login_required
@require_POST
@campaign_view
def refresh(request, campaign: Campaign, day: str):
    _scope, level = _get_level_for_coordinator(request, campaign)
    day = _day(campaign, day)
    try:
        _compilation, created = make_draft(campaign, day, request.user, unit=level)
    except CompilationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The draft was made.") if created else _("The draft was refreshed.")
        )
    return redirect(_page(campaign, day, level))


@login_required
@require_POST
@campaign_view
def text(request, campaign: Campaign, day: str):
    _scope, level = _get_level_for_coordinator(request, campaign)
    day = _day(campaign, day)
    found = _get_compilation(campaign, level, day)
    form = TextForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_page(campaign, day, level))
    try:
        write_text(found, request.user, **form.cleaned_data)
    except CompilationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The text was saved."))
    return redirect(_page(campaign, day, level))


@login_required
@require_POST
@campaign_view
def approve(request, campaign: Campaign, day: str):
    """Approve the draft (with the text in the boxes, when it comes from the text form). Early,
    or with units missing, only with the ``confirm`` box ticked; else the page comes back with
    the error at its top, the text as typed, and nothing is changed."""
    scope, level = _get_level_for_coordinator(request, campaign)
    day = _day(campaign, day)
    found = _get_compilation(campaign, level, day)
    confirm = request.POST.get("confirm") in ("1", "on", "true")
    form = None
    if any(name in request.POST for name in TextForm.base_fields):
        # Approved from the text form: what is in the boxes is what gets approved.
        form = TextForm(request.POST)
        if not form.is_valid():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            return _refused(request, campaign, scope, level, day, form, errors)
    if found.is_draft and not confirm and approval_warning(found):
        return _refused(request, campaign, scope, level, day, form, [approval_warning(found)])
    try:
        if form is not None:
            found = write_text(found, request.user, **form.cleaned_data)
        approved = approve_compilation(found, request.user, confirm=confirm)
    except CompilationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Report No. %(number)s was approved.") % {"number": approved.reference}
        )
    return redirect(_page(campaign, day, level))


def _refused(request, campaign: Campaign, scope: Scope, level, day: date, form, errors: list):
    """The page again with the refused approval's errors at its top and the text as typed
    (200, as Django re-renders a refused form: a 4xx would be a console error in the browser)."""
    context = _compilation_context(scope, campaign, level, day, form=form)
    return _render(
        request,
        "documents/compilation.html",
        campaign,
        scope.profile,
        errors=errors,
        **context,
    )


@login_required
@require_POST
@campaign_view
def send(request, campaign: Campaign, day: str):
    _scope, level = _get_level_for_coordinator(request, campaign)
    day = _day(campaign, day)
    try:
        dispatch = send_compilation(_get_compilation(campaign, level, day), request.user)
    except CompilationError as exc:
        messages.error(request, exc.message)
    else:
        to = ", ".join(r["email"] for r in dispatch.recipients)
        messages.success(request, _("The report was sent to %(to)s.") % {"to": to})
    return redirect(_page(campaign, day, level))


@login_required
@require_GET
@campaign_view
def download(request, campaign: Campaign, day: str, fmt: str):
    _scope, level = _get_level_for_reader(request, campaign)
    if fmt not in FORMATS:
        raise Http404("unknown format")
    day = _day(campaign, day)
    rendered = render_document(_get_compilation(campaign, level, day), fmt)
    log_download(request, f"compilation.{fmt}", campaign, day.isoformat())
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
