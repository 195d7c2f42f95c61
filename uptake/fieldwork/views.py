"""Door-to-door pages: the phone's visit page (offline), progress, teams and flyers.

Access goes through one helper per object (``_get_commune_for_user``, ``_get_team_for_manager``,
...); the rules themselves live in ``access``. Every page of a campaign runs in its time zone.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from uptake.accounts.models import profile_of
from uptake.campaigns.models import Campaign
from uptake.fieldwork import access, flyer, offline, progress
from uptake.fieldwork.actions import VisitInvalid, create_member, record_visit, save_team
from uptake.fieldwork.forms import TeamForm, VisitForm
from uptake.fieldwork.models import Organisation, Outcome, Team
from uptake.ops.downloads import log_download
from uptake.units.models import Unit


def campaign_view(view):
    """Loads the campaign named by the URL's slug (404) and renders in its time zone."""

    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        campaign = get_object_or_404(Campaign.objects.select_related("root"), slug=slug)
        with timezone.override(campaign.tz):
            return view(request, campaign, **kwargs)

    return wrapper


def _render(request, template: str, campaign: Campaign, **context):
    context = {"campaign": campaign, "profile": profile_of(request.user), **context}
    return render(request, template, context)


# --- access, one helper per object ---------------------------------------------------------


def _get_commune_for_user(request, campaign: Campaign, code: str) -> tuple[Unit, list[Unit]]:
    """A commune of the campaign and the hamlets of it the user may see (403 when none)."""
    commune = get_object_or_404(
        Unit, code=code, kind__in=access.COMMUNE_KINDS, path__startswith=campaign.root.path
    )
    hamlets = list(
        access.visible_hamlets(request.user, campaign).filter(parent=commune).order_by("path")
    )
    if not hamlets and not profile_of(request.user).can_read(commune):
        raise PermissionDenied("no hamlet of this commune is the user's")
    return commune, hamlets


def _get_commune_for_manager(request, campaign: Campaign, code: str) -> Unit:
    commune = get_object_or_404(
        Unit, code=code, kind__in=access.COMMUNE_KINDS, path__startswith=campaign.root.path
    )
    if not access.can_manage_teams(request.user, commune):
        raise PermissionDenied("only the commune's reporter or a coordinator above it")
    return commune


def _get_hamlet_for_user(request, campaign: Campaign, code: str) -> Unit:
    hamlet = get_object_or_404(
        access.campaign_hamlets(campaign).select_related("parent"), code=code
    )
    if not access.can_see(request.user, campaign, hamlet):
        raise PermissionDenied("hamlet outside the user's teams and units")
    return hamlet


def _get_team_for_user(request, campaign: Campaign, pk: int) -> Team:
    team = get_object_or_404(Team.objects.select_related("commune"), pk=pk, campaign=campaign)
    if not (
        team.members.filter(pk=request.user.pk).exists()
        or profile_of(request.user).can_read(team.commune)
    ):
        raise PermissionDenied("team of another commune")
    return team


def _get_team_for_manager(request, campaign: Campaign, pk: int) -> Team:
    team = get_object_or_404(Team.objects.select_related("commune"), pk=pk, campaign=campaign)
    if not access.can_manage_teams(request.user, team.commune):
        raise PermissionDenied("only the commune's reporter or a coordinator above it")
    return team


# --- the phone: record visits, offline ---------------------------------------------------------


@login_required
@require_GET
def start(request):
    """/field/: straight to the visit page of the one running campaign with hamlets for the user."""
    found = []
    for campaign in Campaign.objects.select_related("root").order_by("-start"):
        if access.visible_hamlets(request.user, campaign).exists():
            found.append(campaign)
    running = [c for c in found if c.start <= c.today() <= c.end]
    if len(running) == 1:
        return redirect("fieldwork-visit", running[0].slug)
    return render(request, "fieldwork/start.html", {"campaigns": found})


@gzip_page
@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def visit(request, campaign: Campaign):
    hamlets = list(
        access.recordable_hamlets(request.user, campaign).select_related("parent").order_by("path")
    )
    if request.method == "POST" and not hamlets:
        # A viewer in no team (a leader) reads progress; nothing to record anywhere.
        raise PermissionDenied("no hamlet where the user may record visits")
    teams = list(access.teams_of(request.user, campaign).prefetch_related("hamlets"))
    form = VisitForm(
        request.POST or None,
        hamlets=hamlets,
        teams=teams,
        initial={"id": uuid.uuid4(), "smartphones": 0, "already_had": 0, "installed_now": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["outcome"] in (Outcome.NO_SMARTPHONE, Outcome.NOBODY_HOME):
            # As on the phone: these outcomes have no smartphones to count.
            data.update(smartphones=0, already_had=0, installed_now=0)
        hamlet = next(h for h in hamlets if h.code == data["hamlet"])
        team = next((t for t in teams if t.pk == data["team"]), None)
        try:
            saved, _created = record_visit(
                visit_id=data["id"],
                campaign=campaign,
                hamlet=hamlet,
                user=request.user,
                household=data["household"],
                visited_at=timezone.now(),
                outcome=data["outcome"],
                smartphones=data["smartphones"],
                already_had=data["already_had"],
                installed_now=data["installed_now"],
                note=data["note"],
                team=team,
                revisit_of=data["revisit_of"],
            )
        except VisitInvalid as exc:
            form.add_visit_errors(exc.errors)
        else:
            messages.success(
                request,
                _("Visit recorded: %(household)s, %(outcome)s.")
                % {"household": saved.household, "outcome": saved.get_outcome_display()},
            )
            return redirect("fieldwork-visit", campaign.slug)
    due = progress.due_revisits(campaign, hamlets) if hamlets else []
    return _render(
        request,
        "fieldwork/visit.html",
        campaign,
        form=form,
        hamlets=hamlets,
        outcomes=Outcome.choices,
        page_data=offline.page_data(campaign, request.user, hamlets, teams, due),
        due=due,
        assets=offline.assets(),
        open_today=campaign.start <= campaign.today() <= campaign.end,
    )


@require_GET
@cache_control(no_cache=True)
@gzip_page
def service_worker(request, slug: str):
    """The visit page's service worker, served from the page's own folder so that its scope
    (``/c/<slug>/visits/``) covers the page and nothing else."""
    campaign = get_object_or_404(Campaign, slug=slug)
    body = offline.service_worker(campaign)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("fieldwork-visit", args=[campaign.slug])
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request, slug: str):
    campaign = get_object_or_404(Campaign, slug=slug)
    response = HttpResponse(
        offline.manifest(campaign), content_type="application/manifest+json; charset=utf-8"
    )
    return response


# --- progress --------------------------------------------------------------------------------


@login_required
@require_GET
@campaign_view
def home(request, campaign: Campaign):
    """The communes whose door-to-door work the user follows; one of them: straight to it."""
    communes = list(access.visible_communes(request.user, campaign))
    if len(communes) == 1:
        return redirect("fieldwork-commune", campaign.slug, communes[0].code)
    return _render(request, "fieldwork/home.html", campaign, communes=communes)


@login_required
@require_GET
@campaign_view
def commune(request, campaign: Campaign, code: str):
    """The hamlet progress page: every hamlet, every team and every day of a commune.

    One aggregate query over the commune's visits, whatever their number.
    """
    commune, hamlets = _get_commune_for_user(request, campaign, code)
    teams = Team.objects.filter(campaign=campaign, commune=commune)
    if not profile_of(request.user).can_read(commune):
        teams = teams.filter(members=request.user)
    figures = progress.commune_progress(
        campaign, commune, hamlets, teams.prefetch_related("hamlets")
    )
    return _render(
        request,
        "fieldwork/commune.html",
        campaign,
        commune=commune,
        hamlets=figures.hamlets,
        teams=figures.teams,
        days=figures.days,
        can_manage=access.can_manage_teams(request.user, commune),
    )


@login_required
@require_GET
@campaign_view
def hamlet(request, campaign: Campaign, code: str):
    hamlet = _get_hamlet_for_user(request, campaign, code)
    days = progress.by_day(campaign, hamlet=hamlet)
    days.total.registered = hamlet.households
    return _render(
        request,
        "fieldwork/hamlet.html",
        campaign,
        hamlet=hamlet,
        days=days,
        teams=list(hamlet.assigned_teams.filter(campaign=campaign).order_by("name")),
    )


@login_required
@require_GET
@campaign_view
def team(request, campaign: Campaign, pk: int):
    team = _get_team_for_user(request, campaign, pk)
    return _render(
        request,
        "fieldwork/team.html",
        campaign,
        team=team,
        days=progress.by_day(campaign, team=team),
        hamlets=list(team.hamlets.order_by("name")),
        members=list(team.members.order_by("username")),
        can_manage=access.can_manage_teams(request.user, team.commune),
    )


# --- teams -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def team_new(request, campaign: Campaign, code: str):
    commune = _get_commune_for_manager(request, campaign, code)
    return _team_form(request, campaign, commune, None)


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def team_edit(request, campaign: Campaign, pk: int):
    team = _get_team_for_manager(request, campaign, pk)
    return _team_form(request, campaign, team.commune, team)


def _team_form(request, campaign: Campaign, commune: Unit, team: Team | None):
    initial = None
    if team is not None:
        initial = {
            "name": team.name,
            "organisations": team.organisations,
            "hamlets": list(team.hamlets.all()),
            "members": list(team.members.all()),
        }
    form = TeamForm(
        request.POST or None, initial=initial, campaign=campaign, commune=commune, team=team
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            new = [
                create_member(commune=commune, user=request.user, username=u, full_name=n)
                for u, n in data["new_members"]
            ]
            team = save_team(
                campaign=campaign,
                commune=commune,
                user=request.user,
                name=data["name"],
                organisations=data["organisations"],
                members=list(data["members"]) + [member for member, _p in new],
                hamlets=data["hamlets"],
                team=team,
            )
        messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
        if new:
            # Shown once: the passwords are not stored anywhere else in clear.
            visit_url = request.build_absolute_uri(reverse("fieldwork-visit", args=[campaign.slug]))
            return _render(
                request,
                "fieldwork/team_passwords.html",
                campaign,
                team=team,
                new=new,
                visit_url=visit_url,
            )
        return redirect("fieldwork-commune", campaign.slug, commune.code)
    return _render(
        request,
        "fieldwork/team_form.html",
        campaign,
        form=form,
        commune=commune,
        team=team,
        organisations=Organisation.choices,
    )


# --- flyers ----------------------------------------------------------------------------------


@login_required
@require_GET
@campaign_view
def flyer_page(request, campaign: Campaign, code: str):
    hamlet = _get_hamlet_for_user(request, campaign, code)
    log_download(request, "flyer", campaign, hamlet.code)
    return HttpResponse(flyer.render_html(campaign, hamlet))


@login_required
@require_GET
@campaign_view
def flyer_pdf(request, campaign: Campaign, code: str):
    hamlet = _get_hamlet_for_user(request, campaign, code)
    log_download(request, "flyer.pdf", campaign, hamlet.code)
    response = HttpResponse(
        flyer.render_pdf(campaign, hamlet, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="to-roi-{hamlet.code}.pdf"'
    return response
