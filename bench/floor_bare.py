"""The stricter floor of the burst (#20): a bare Django view on a kept connection.

No middleware at all (``floor_bare_settings``: MIDDLEWARE = []), no ORM model, no token, no
check: parse the JSON body, one hand-written ``INSERT`` of the report's row (its campaign and
unit found by subqueries in the same statement) on the thread's kept database connection
(DB_CONN_MAX_AGE), a 201 with the row's id. What a Django process on this machine does at
the least to store a report; ``POST /api/v1/reports`` is measured against it in the same run
(bench/burst.py), beside #7's floor (bench/floor.py: the product's middleware and the ORM).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path

_SQL = (
    "INSERT INTO reports_report (campaign_id, unit_id, date, status, first_submitted_at,"
    " revision, submitted_at, figures, activities, note)"
    " VALUES ((SELECT id FROM campaigns_campaign WHERE slug = %s),"
    " (SELECT id FROM units_unit WHERE code = %s), %s, 'on_time', %s, 1, %s, %s, '{}', %s)"
    " RETURNING id"
)


def store(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = json.loads(request.body)
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            [
                data["campaign"],
                data["unit"],
                data["date"],
                now,
                now,
                json.dumps(data["figures"]),
                data.get("note", ""),
            ],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("bench/floor/bare", store)]
