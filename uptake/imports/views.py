"""The import page (a workbook or a pasted message: check, preview, confirm), the day's
template, and the daily form that works offline (its page, service worker and manifest).

Access goes through ``_get_scope_for_import`` (coordinators and admins, on the Scope) and
``_own_units_for_send`` (the person's own reporting units); views stay thin.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from uptake.campaigns.models import Campaign
from uptake.campaigns.scope import OutOfScope, Scope
from uptake.imports import actions, message, offline, workbook
from uptake.imports.models import Upload
from uptake.imports.sheet import MAX_BYTES, FileRefused
from uptake.lib.dates import parse_day
from uptake.ops.downloads import log_download

KEEP_UPLOADS = timedelta(days=1)


def campaign_view(view):
    @wraps(view)
    def wrapper(request, slug: str, **kwargs):
        campaign = get_object_or_404(Campaign.objects.select_related("root"), slug=slug)
        with timezone.override(campaign.tz):
            return view(request, campaign, **kwargs)

    return wrapper


def _get_scope_for_import(request, campaign: Campaign) -> Scope:
    """Coordinators and admins of units in the campaign; a 403 for anyone else."""
    try:
        return actions.scope_for_import(request.user, campaign)
    except actions.ImportDenied:
        raise PermissionDenied("only coordinators import figures") from None


def _day(campaign: Campaign, value: str | None) -> date:
    default = min(campaign.today(), campaign.end)
    day = parse_day(value)  # dd/mm/yyyy as typed, whatever the browser's language (#17)
    if day is None:
        return default
    return min(max(day, campaign.start), default)


def _get_upload_for_user(request, campaign: Campaign, pk: str) -> Upload:
    if not str(pk).isdigit():
        raise Http404("no such upload")
    return get_object_or_404(Upload, pk=int(pk), campaign=campaign, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
@campaign_view
def page(request, campaign: Campaign):
    scope = _get_scope_for_import(request, campaign)
    day = _day(campaign, request.POST.get("date") or request.GET.get("date"))
    context = {
        "campaign": campaign,
        "scope": scope,
        "day": day,
        "first_day": campaign.start,
        "last_day": min(campaign.today(), campaign.end),
        "roots": scope.roots,
        "samples": message.sample_lines(actions.importable(scope, day), campaign),
        "max_mb": MAX_BYTES // 1024 // 1024,
        "text": "",
        "errors": [],
    }
    if request.method == "GET":
        return render(request, "imports/page.html", context)

    what = request.POST.get("action", "")
    Upload.objects.filter(created_at__lt=timezone.now() - KEEP_UPLOADS).delete()
    if what == "confirm":
        upload = _get_upload_for_user(request, campaign, request.POST.get("upload", ""))
        return _confirm(request, campaign, upload, context)
    if what == "text":
        text = request.POST.get("text", "")[: message.MAX_CHARS + 1]
        context["text"] = text
        upload = Upload(kind=Upload.Kind.TEXT, filename="", data=text.encode())
    elif what == "file":
        sent = request.FILES.get("file")
        if sent is None:
            context["errors"] = [_("Choose the workbook (.xlsx) or its .csv first.")]
            return render(request, "imports/page.html", context, status=200)
        if sent.size > MAX_BYTES:
            context["errors"] = [_("The file is larger than 5 MB: split it by district.")]
            return render(request, "imports/page.html", context, status=200)
        upload = Upload(kind=Upload.Kind.FILE, filename=sent.name[:200], data=sent.read())
    else:
        return redirect(reverse("imports-page", args=[campaign.slug]))
    upload.campaign, upload.user, upload.day, upload.created_at = (
        campaign,
        request.user,
        day,
        timezone.now(),
    )
    try:
        outcome = _run(campaign, request.user, upload, dry_run=True)
    except FileRefused as exc:
        context["errors"] = [_described(e) for e in exc.errors]
        return render(request, "imports/page.html", context)
    if not outcome.has_errors and outcome.to_store:
        upload.save()
    context.update(outcome=outcome, upload=upload)
    return render(request, "imports/page.html", context)


def _run(campaign: Campaign, user, upload: Upload, *, dry_run: bool):
    data = bytes(upload.data)
    if upload.kind == Upload.Kind.TEXT:
        return actions.import_text(
            campaign=campaign, user=user, day=upload.day, text=data.decode(), dry_run=dry_run
        )
    return actions.import_file(
        campaign=campaign,
        user=user,
        day=upload.day,
        data=data,
        filename=upload.filename,
        dry_run=dry_run,
    )


def _confirm(request, campaign: Campaign, upload: Upload, context: dict):
    """Checked again and stored all or nothing: the figures may have changed since the preview."""
    context["day"] = upload.day
    try:
        outcome = _run(campaign, request.user, upload, dry_run=False)
    except FileRefused as exc:
        context["errors"] = [_described(e) for e in exc.errors]
        return render(request, "imports/page.html", context)
    if outcome.has_errors:
        context.update(outcome=outcome, upload=upload)
        context["errors"] = [_("Nothing was stored: the figures changed since the preview.")]
        return render(request, "imports/page.html", context)
    upload.delete()
    messages.success(
        request,
        _("%(n)s reports stored for %(day)s (%(same)s unchanged, %(skipped)s empty rows).")
        % {
            "n": outcome.stored,
            "day": date_format(upload.day, "d/m/Y"),
            "same": outcome.count(actions.UNCHANGED),
            "skipped": outcome.count(actions.SKIPPED),
        },
    )
    url = reverse("reports-status", args=[campaign.slug])
    return redirect(f"{url}?date={upload.day.isoformat()}")


def _described(error) -> str:
    if error.row and error.column:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": error.row,
            "column": error.column,
            "message": error.message,
        }
    if error.row:
        return _("Row %(row)s: %(message)s") % {"row": error.row, "message": error.message}
    return error.message


@login_required
@require_GET
@campaign_view
def template_xlsx(request, campaign: Campaign):
    _get_scope_for_import(request, campaign)
    try:
        made = workbook.make(
            request.user, campaign, _day(campaign, request.GET.get("date")), request.GET.get("unit")
        )
    except OutOfScope:
        raise Http404("unit outside the person's scope") from None
    except FileRefused as exc:
        raise Http404(exc.errors[0].message) from None
    log_download(request, "imports-template", campaign, made.filename)
    response = HttpResponse(made.data, content_type=workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


# --- the offline form ----------------------------------------------------------------------


def _own_units_for_send(request, campaign: Campaign):
    """The person's own reporting units expected today; a 404 when they have none."""
    found = offline.own_participations(request.user, campaign, campaign.today())
    if not found:
        raise Http404("no unit of the person's own reports in this campaign today")
    return found


@login_required
@require_GET
@campaign_view
def send(request, campaign: Campaign):
    participations = _own_units_for_send(request, campaign)
    return render(
        request,
        "imports/send.html",
        {
            "campaign": campaign,
            "participations": participations,
            "page_data": offline.page_data(campaign, request.user, participations),
            "assets": offline.assets(),
            "urls": offline.urls(campaign),
        },
    )


@require_GET
def send_sw(request, slug: str):
    campaign = get_object_or_404(Campaign, slug=slug)
    body = offline.service_worker(campaign)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = offline.urls(campaign)["page"]
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def send_manifest(request, slug: str):
    campaign = get_object_or_404(Campaign, slug=slug)
    return HttpResponse(
        offline.manifest(campaign), content_type="application/manifest+json; charset=utf-8"
    )
