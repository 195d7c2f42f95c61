"""The floor of the burst (#7): a bare Django view that stores the same report row, no checks.

No token, no permission, no validation, no revision, no audit: one INSERT of the report's row
(its campaign and unit found by subqueries in the same statement) and a 201. The product's
``POST /api/v1/reports`` is measured against it, served the same way (gunicorn, same workers,
same middleware, same database). Mounted by ``floor_settings`` for the benchmark only.
"""

from __future__ import annotations

import json

from django.db.models import Subquery
from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from uptake.campaigns.models import Campaign
from uptake.reports.models import Report
from uptake.units.models import Unit


@csrf_exempt
@require_POST
def store(request):
    data = json.loads(request.body)
    now = timezone.now()
    report = Report.objects.create(
        campaign_id=Subquery(Campaign.objects.filter(slug=data["campaign"]).values("pk")[:1]),
        unit_id=Subquery(Unit.objects.filter(code=data["unit"]).values("pk")[:1]),
        date=data["date"],
        status="on_time",
        first_submitted_at=now,
        revision=1,
        submitted_at=now,
        figures=data["figures"],
        activities={},
        note=data.get("note", ""),
    )
    return JsonResponse({"id": report.pk}, status=201)


urlpatterns = [
    path("bench/floor/reports", store),
    path("", include("uptake.urls")),
]
