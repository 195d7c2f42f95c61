"""The pages of quality work: the data-quality page, a unit's quality page, inspections,
samples and their printable checklists, and a unit's staff roster.

Every page runs in the campaign's time zone (``campaign_view``). Access goes through one helper
per object (``_get_unit_for_user``, ``_get_flag_for_user``, ...): a unit or an object outside the
user's units is a 404, as on the report pages; a reader who may not change it gets a 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from uptake.accounts.models import profile_of
from uptake.campaigns.models import Campaign, Participation
from uptake.campaigns.scope import Scope
from uptake.lib.text import fold
from uptake.ops.downloads import log_download
from uptake.quality import exporters, roster
from uptake.quality.actions import (
    QualityInvalid,
    Verdict,
    by_severity,
    can_edit_roster,
    can_inspect,
    check_quality,
    dismiss_flag,
    draw_sample,
    record_inspection,
    restore_flag,
    sample_sources,
    update_inspection,
)
from uptake.quality.forms import (
    DismissForm,
    FlagFilterForm,
    InspectionForm,
    RosterImportForm,
    SampleForm,
    StaffMemberForm,
    add_errors,
)
from uptake.quality.models import Flag, Inspection, Rule, Sample, Severity, StaffMember
from uptake.quality.rules import Point
from uptake.reports.models import Report
from uptake.units.models import Unit

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORDERINGS = {
    "severity": ("-rank", "-date", "unit__path", "rule"),
    "date": ("-date", "-rank", "unit__path", "rule"),
    "unit": ("unit__path", "-date", "-rank", "rule"),
    "rule": ("rule", "-rank", "-date", "unit__path"),
}


def campaign_view(view):
    """Loads the campaign named by the URL's slug (404) and renders in its time zone."""

    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        campaign = get_object_or_404(Campaign.objects.select_related("root"), slug=slug)
        with timezone.override(campaign.tz):
            return view(request, campaign, **kwargs)

    return wrapper


def _render(request, template: str, campaign: Campaign, **context):
    return render(
        request,
        template,
        {
            "campaign": campaign,
            "profile": profile_of(request.user),
            "today": campaign.today(),
            **context,
        },
    )


def _get_unit_for_user(request, campaign: Campaign, code: str) -> Participation:
    """The unit's participation in the campaign, when the user may read the unit (else 404)."""
    participation = (
        Participation.objects.filter(campaign=campaign, unit__code=code)
        .select_related("unit")
        .first()
    )
    if participation is None or not profile_of(request.user).can_read(participation.unit):
        raise Http404("unit outside the user's units")
    return participation


def _get_flag_for_user(request, campaign: Campaign, pk: int) -> Flag:
    flag = Flag.objects.filter(campaign=campaign, pk=pk).select_related("unit", "campaign").first()
    if flag is None or not profile_of(request.user).can_read(flag.unit):
        raise Http404("flag outside the user's units")
    return flag


def _get_inspection_for_user(request, campaign: Campaign, pk: int) -> Inspection:
    inspection = (
        Inspection.objects.filter(campaign=campaign, pk=pk)
        .select_related("unit", "campaign", "sample", "recorded_by")
        .first()
    )
    if inspection is None or not profile_of(request.user).can_read(inspection.unit):
        raise Http404("inspection outside the user's units")
    return inspection


def _get_sample_for_user(request, campaign: Campaign, pk: int) -> Sample:
    sample = (
        Sample.objects.filter(campaign=campaign, pk=pk).select_related("unit", "drawn_by").first()
    )
    if sample is None or not profile_of(request.user).can_read(sample.unit):
        raise Http404("sample outside the user's units")
    return sample


def _get_member_for_user(request, campaign: Campaign, code: str, pk: int) -> StaffMember:
    participation = _get_unit_for_user(request, campaign, code)
    member = StaffMember.objects.filter(campaign=campaign, unit=participation.unit, pk=pk).first()
    if member is None:
        raise Http404("no such member on this roster")
    if not can_edit_roster(request.user, participation.unit):
        raise PermissionDenied("the user may not change this roster")
    return member


def _groups(campaign: Campaign, participation: Participation):
    return [g for g in campaign.groups.all() if g.key in participation.groups]


# --- the data-quality page -----------------------------------------------------------------


@login_required
@require_GET
@campaign_view
def flags(request, campaign: Campaign):
    profile = profile_of(request.user)
    roots = Scope.of(request.user, campaign).roots
    if not roots:
        raise Http404("the user takes no part in this campaign")
    # A GET writes nothing (#19): the flags are brought up to date where data changes and by
    # the scheduler within a minute (refresh_stale_flags); "Check again now" posts.
    form = FlagFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    scope = Flag.objects.filter(campaign=campaign).filter(profile.scope_q("unit__path"))
    found = scope
    status = filters.get("status") or "open"
    if status == "open":
        found = found.filter(dismissed_at__isnull=True)
    elif status == "dismissed":
        found = found.filter(dismissed_at__isnull=False)
    for word in fold(filters.get("q") or "").split():
        found = found.filter(Q(unit__search_name__contains=word) | Q(unit__code__icontains=word))
    if filters.get("rule"):
        found = found.filter(rule=filters["rule"])
    if filters.get("severity"):
        found = found.filter(severity=filters["severity"])
    if filters.get("date_from"):
        found = found.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        found = found.filter(date__lte=filters["date_to"])
    order = filters.get("order") or "severity"
    found = by_severity(found).select_related("unit", "dismissed_by").order_by(*ORDERINGS[order])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    groups = {g.key: g.name for g in campaign.groups.all()}
    page.object_list = _decorate(request, list(page.object_list), groups)

    counts = {
        (row["rule"], row["severity"]): row["n"]
        for row in scope.filter(dismissed_at__isnull=True)
        .values("rule", "severity")
        .annotate(n=Count("id"))
    }
    summary = [
        {
            "rule": rule,
            "label": label,
            "counts": [counts.get((rule, s), 0) for s in Severity.values],
            "total": sum(counts.get((rule, s), 0) for s in Severity.values),
        }
        for rule, label in Rule.choices
    ]
    params = request.GET.copy()
    params.pop("page", None)
    inspections = list(
        Inspection.objects.filter(campaign=campaign)
        .filter(profile.scope_q("unit__path"))
        .select_related("unit")
        .order_by("-date", "-pk")[:10]
    )
    gaps = set(
        scope.filter(rule=Rule.VERIFIED_GAP, unit__in=[i.unit_id for i in inspections]).values_list(
            "unit_id", "date", "group"
        )
    )
    for inspection in inspections:
        inspection.gap = (inspection.unit_id, inspection.date, inspection.group) in gaps
        inspection.group_name = groups.get(inspection.group, inspection.group)
    return _render(
        request,
        "quality/flags.html",
        campaign,
        form=form,
        page=page,
        query=params.urlencode(),
        summary=summary,
        severities=Severity.choices,
        inspections=inspections,
        can_check=any(can_inspect(request.user, r) for r in roots),
    )


def _decorate(request, flags: list[Flag], groups: dict[str, str]) -> list[Flag]:
    """What the flag lists show beside each flag: its group's name, and whether the user may
    dismiss it (no query: the profile and its units are loaded once)."""
    for flag in flags:
        flag.group_name = groups.get(flag.group, flag.group)
        flag.can_act = can_inspect(request.user, flag.unit)
    return flags


@login_required
@require_POST
@campaign_view
def check(request, campaign: Campaign):
    """Check the user's units again now, whether or not their data changed."""
    roots = [r for r in Scope.of(request.user, campaign).roots if can_inspect(request.user, r)]
    if not roots:
        raise PermissionDenied("only coordinators run the check")
    flags_found = created = 0
    for root in roots:
        result = check_quality(campaign, root)
        flags_found += result.flags
        created += result.created
    messages.success(
        request,
        _("Checked: %(flags)s flags, %(new)s new.") % {"flags": flags_found, "new": created},
    )
    return redirect("quality-flags", campaign.slug)


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def dismiss(request, campaign: Campaign, pk: int):
    flag = _get_flag_for_user(request, campaign, pk)
    if not can_inspect(request.user, flag.unit):
        raise PermissionDenied("only coordinators dismiss flags")
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dismiss_flag(flag, user=request.user, reason=form.cleaned_data["reason"])
        except QualityInvalid as exc:
            add_errors(form, exc.errors)
        else:
            messages.success(request, _("Flag dismissed."))
            return redirect(_back(request, campaign, flag.unit))
    return _render(
        request,
        "quality/dismiss.html",
        campaign,
        flag=flag,
        form=form,
        back=_back(request, campaign, flag.unit),
    )


@login_required
@require_POST
@campaign_view
def restore(request, campaign: Campaign, pk: int):
    flag = _get_flag_for_user(request, campaign, pk)
    if not can_inspect(request.user, flag.unit):
        raise PermissionDenied("only coordinators restore flags")
    try:
        restore_flag(flag, user=request.user)
    except QualityInvalid as exc:
        messages.error(request, exc.errors[0].message)
    else:
        messages.success(request, _("Flag open again."))
    return redirect(_back(request, campaign, flag.unit))


def _back(request, campaign: Campaign, unit: Unit) -> str:
    """Where to return after acting on a flag: the page named by ``next`` if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    for prefix in (
        reverse("quality-flags", args=[campaign.slug]),
        reverse("quality-unit", args=[campaign.slug, unit.code]),
    ):
        if target.startswith(prefix) and "//" not in target:
            return target
    return reverse("quality-unit", args=[campaign.slug, unit.code])


# --- a unit's quality page -------------------------------------------------------------------


def _points(campaign: Campaign, unit: Unit) -> list[Report]:
    return list(
        Report.objects.filter(campaign=campaign, unit=unit).only("date", "figures").order_by("date")
    )


def _verdict(inspection: Inspection, reports: list[Report]) -> Verdict:
    """The inspection against the unit's latest report on or before its date (no query)."""
    point = None
    for report in reports:
        if report.date > inspection.date:
            break
        numbers = (report.figures or {}).get(inspection.group)
        if numbers:
            point = Point(report.date, numbers["with_smartphone"], numbers["installed"])
    low, high = inspection.interval
    return Verdict(inspection.verified_rate, low, high, point)


@login_required
@require_GET
@campaign_view
def unit(request, campaign: Campaign, code: str):
    participation = _get_unit_for_user(request, campaign, code)
    the_unit = participation.unit  # its flags as stored: a GET writes nothing (#19)
    unit_flags = list(
        by_severity(Flag.objects.filter(campaign=campaign, unit=the_unit))
        .select_related("dismissed_by")
        .order_by("dismissed_at", "-date", "-rank", "rule")
    )
    reports = _points(campaign, the_unit)
    inspections = list(
        Inspection.objects.filter(campaign=campaign, unit=the_unit).select_related("sample")
    )
    for inspection in inspections:
        inspection.verdict = _verdict(inspection, reports)
    samples = list(
        Sample.objects.filter(campaign=campaign, unit=the_unit).order_by("-drawn_at")[:20]
    )
    today = campaign.today()
    groups = {g.key: g.name for g in campaign.groups.all()}
    for flag in unit_flags:
        flag.unit = the_unit
    _decorate(request, unit_flags, groups)
    for inspection in inspections:
        inspection.group_name = groups.get(inspection.group, inspection.group)
    return _render(
        request,
        "quality/unit.html",
        campaign,
        unit=the_unit,
        flags=[f for f in unit_flags if not f.dismissed],
        dismissed=[f for f in unit_flags if f.dismissed],
        inspections=inspections,
        samples=samples,
        roster=roster.roster_figures(campaign, the_unit, today),
        can_inspect=can_inspect(request.user, the_unit),
        can_edit_roster=can_edit_roster(request.user, the_unit),
    )


# --- inspections -----------------------------------------------------------------------------


def _inspection_form(request, campaign, participation, initial=None):
    samples = list(
        Sample.objects.filter(campaign=campaign, unit=participation.unit).order_by("-drawn_at")[:20]
    )
    return InspectionForm(
        request.POST or None,
        initial=initial,
        groups=_groups(campaign, participation),
        samples=samples,
    )


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def inspect(request, campaign: Campaign, code: str):
    participation = _get_unit_for_user(request, campaign, code)
    if not can_inspect(request.user, participation.unit):
        raise PermissionDenied("only coordinators record inspections")
    initial = {"date": campaign.today()}
    sample = Sample.objects.filter(
        campaign=campaign, unit=participation.unit, pk=_int(request.GET.get("sample"))
    ).first()
    if sample is not None:
        initial.update(sample=sample.pk, group=sample.group, sample_size=len(sample.items))
    form = _inspection_form(request, campaign, participation, initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = record_inspection(
                campaign, participation.unit, user=request.user, **form.action_fields()
            )
        except QualityInvalid as exc:
            add_errors(form, exc.errors)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("quality-inspection", campaign.slug, inspection.pk)
    return _render(
        request, "quality/inspection_form.html", campaign, unit=participation.unit, form=form
    )


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def inspection_edit(request, campaign: Campaign, pk: int):
    inspection = _get_inspection_for_user(request, campaign, pk)
    if not can_inspect(request.user, inspection.unit):
        raise PermissionDenied("only coordinators change inspections")
    participation = campaign.participations.get(unit=inspection.unit)
    initial = {
        name: getattr(inspection, name)
        for name in (
            "date",
            "inspector",
            "method",
            "group",
            "sample_size",
            "with_app",
            "findings",
            "follow_up",
        )
    }
    initial["sample"] = inspection.sample_id
    form = _inspection_form(request, campaign, participation, initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_inspection(inspection, user=request.user, **form.action_fields())
        except QualityInvalid as exc:
            add_errors(form, exc.errors)
        else:
            messages.success(request, _("Inspection saved."))
            return redirect("quality-inspection", campaign.slug, inspection.pk)
    return _render(
        request,
        "quality/inspection_form.html",
        campaign,
        unit=inspection.unit,
        form=form,
        inspection=inspection,
    )


@login_required
@require_GET
@campaign_view
def inspection(request, campaign: Campaign, pk: int):
    found = _get_inspection_for_user(request, campaign, pk)
    verdict = _verdict(found, _points(campaign, found.unit))
    group = campaign.groups.filter(key=found.group).first()
    return _render(
        request,
        "quality/inspection.html",
        campaign,
        inspection=found,
        unit=found.unit,
        verdict=verdict,
        group=group,
        can_inspect=can_inspect(request.user, found.unit),
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- samples ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def sample_new(request, campaign: Campaign, code: str):
    participation = _get_unit_for_user(request, campaign, code)
    the_unit = participation.unit
    if not can_inspect(request.user, the_unit):
        raise PermissionDenied("only coordinators draw samples")
    groups = _groups(campaign, participation)
    form = SampleForm(
        request.POST or None, sources=sample_sources(campaign, the_unit), groups=groups
    )
    if request.method == "POST" and form.is_valid():
        try:
            sample = draw_sample(campaign, the_unit, user=request.user, **form.cleaned_data)
        except QualityInvalid as exc:
            add_errors(form, exc.errors)
        else:
            return redirect("quality-sample", campaign.slug, sample.pk)
    return _render(
        request,
        "quality/sample_form.html",
        campaign,
        unit=the_unit,
        form=form,
        roster=roster.roster_figures(campaign, the_unit, campaign.today()),
    )


@login_required
@require_GET
@campaign_view
def sample(request, campaign: Campaign, pk: int):
    found = _get_sample_for_user(request, campaign, pk)
    # The printable checklist names the drawn people or households: who looked is logged.
    log_download(request, "sample-checklist", campaign, f"{found.unit.code} #{found.pk}")
    group = campaign.groups.filter(key=found.group).first()
    return _render(
        request,
        "quality/sample.html",
        campaign,
        sample=found,
        unit=found.unit,
        group=group,
        can_inspect=can_inspect(request.user, found.unit),
    )


# --- the staff roster ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def roster_page(request, campaign: Campaign, code: str):
    participation = _get_unit_for_user(request, campaign, code)
    the_unit = participation.unit
    editable = can_edit_roster(request.user, the_unit)
    if request.method == "POST" and not editable:
        raise PermissionDenied("the user may not change this roster")
    form = StaffMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster.save_staff_member(campaign, the_unit, user=request.user, **form.cleaned_data)
        except roster.RosterInvalid as exc:
            for error in exc.errors:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s added to the roster.") % form.cleaned_data)
            return redirect("quality-roster", campaign.slug, the_unit.code)
    return _roster(request, campaign, the_unit, editable, member_form=form)


def _roster(
    request, campaign, the_unit, editable, member_form=None, import_form=None, import_errors=()
):
    members = list(
        StaffMember.objects.filter(campaign=campaign, unit=the_unit).order_by("row", "pk")
    )
    return _render(
        request,
        "quality/roster.html",
        campaign,
        unit=the_unit,
        members=members,
        figures=roster.roster_figures(campaign, the_unit, campaign.today()),
        editable=editable,
        member_form=member_form or StaffMemberForm(),
        import_form=import_form or RosterImportForm(),
        import_errors=import_errors,
        max_rows=roster.MAX_ROWS,
    )


@login_required
@require_POST
@campaign_view
def roster_import(request, campaign: Campaign, code: str):
    participation = _get_unit_for_user(request, campaign, code)
    the_unit = participation.unit
    if not can_edit_roster(request.user, the_unit):
        raise PermissionDenied("the user may not change this roster")
    form = RosterImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > roster.MAX_BYTES:
            errors = [_("The file is larger than 2 MB: split the roster.")]
        else:
            try:
                result = roster.import_roster(
                    campaign, the_unit, user=request.user, data=upload.read(), filename=upload.name
                )
            except roster.RosterInvalid as exc:
                errors = [str(e) for e in exc.errors]
            else:
                messages.success(
                    request,
                    _(
                        "Roster imported: %(members)s people, %(phones)s with a smartphone, "
                        "%(installed)s installed."
                    )
                    % {
                        "members": result.members,
                        "phones": result.with_smartphone,
                        "installed": result.installed,
                    },
                )
                return redirect("quality-roster", campaign.slug, the_unit.code)
    response = _roster(request, campaign, the_unit, True, import_form=form, import_errors=errors)
    response.status_code = 400
    return response


@login_required
@require_GET
@campaign_view
def roster_export(request, campaign: Campaign, code: str):
    participation = _get_unit_for_user(request, campaign, code)
    log_download(request, "roster.xlsx", campaign, participation.unit.code)
    return _xlsx(exporters.RosterExporter(campaign, participation.unit))


@login_required
@require_GET
@campaign_view
def roster_template(request, campaign: Campaign):
    if not Scope.of(request.user, campaign).takes_part:
        raise Http404("the user takes no part in this campaign")
    log_download(request, "roster-template.xlsx", campaign)
    return _xlsx(exporters.RosterTemplate())


def _xlsx(exporter) -> HttpResponse:
    response = HttpResponse(exporters.render_xlsx(exporter), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename()}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def member_edit(request, campaign: Campaign, code: str, pk: int):
    member = _get_member_for_user(request, campaign, code, pk)
    initial = member.as_dict() | {"installed_on": member.installed_on}
    form = StaffMemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            roster.save_staff_member(
                campaign, member.unit, user=request.user, member=member, **form.cleaned_data
            )
        except roster.RosterInvalid as exc:
            for error in exc.errors:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("quality-roster", campaign.slug, member.unit.code)
    return _render(
        request, "quality/member_form.html", campaign, unit=member.unit, member=member, form=form
    )


@login_required
@require_POST
@campaign_view
def member_delete(request, campaign: Campaign, code: str, pk: int):
    member = _get_member_for_user(request, campaign, code, pk)
    name = member.name
    roster.delete_staff_member(member, user=request.user)
    messages.success(request, _("%(name)s removed from the roster.") % {"name": name})
    return redirect("quality-roster", campaign.slug, code)


def flags_link(campaign: Campaign, **params) -> str:
    """The data-quality page with filters, for links from other pages."""
    url = reverse("quality-flags", args=[campaign.slug])
    return f"{url}?{urlencode(params)}" if params else url
