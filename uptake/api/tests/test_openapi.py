"""GET /api/v1/openapi.json: API v1's operations stay as its clients know them (#14).

The reports endpoints moved from the NinjaAPI itself to uptake/reports/api.py's Router; their
paths, operation ids, tags and url names did not change.
"""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse

# (method, path, operationId, tags) of every operation, in the order the document lists them.
OPERATIONS = [
    ("post", "/api/v1/reports", "uptake_api_api_post_report", None),
    ("get", "/api/v1/campaigns/{slug}/summary", "uptake_api_api_get_summary", None),
    ("get", "/api/v1/campaigns", "uptake_api_api_list_campaigns", None),
    ("get", "/api/v1/units", "uptake_api_api_list_units", None),
    (
        "get",
        "/api/v1/campaigns/{slug}/units/{code}/reports",
        "uptake_api_api_unit_reports",
        None,
    ),
    (
        "get",
        "/api/v1/campaigns/{slug}/compilations",
        "uptake_documents_api_list_compilations",
        ["compilations"],
    ),
    (
        "post",
        "/api/v1/campaigns/{slug}/compilations/{date}",
        "uptake_documents_api_post_compilation",
        ["compilations"],
    ),
    (
        "get",
        "/api/v1/campaigns/{slug}/compilations/{date}",
        "uptake_documents_api_get_compilation",
        ["compilations"],
    ),
    (
        "post",
        "/api/v1/campaigns/{slug}/compilations/{date}/approve",
        "uptake_documents_api_approve",
        ["compilations"],
    ),
    (
        "post",
        "/api/v1/campaigns/{slug}/compilations/{date}/send",
        "uptake_documents_api_send",
        ["compilations"],
    ),
    (
        "get",
        "/api/v1/campaigns/{slug}/compilations/{date}/document.{fmt}",
        "uptake_documents_api_document",
        ["compilations"],
    ),
    ("post", "/api/v1/visits", "uptake_fieldwork_api_post_visit", ["visits"]),
    ("get", "/api/v1/visits", "uptake_fieldwork_api_list_visits", ["visits"]),
    ("get", "/api/v1/notifications", "uptake_notify_api_list_notifications", ["notifications"]),
    (
        "post",
        "/api/v1/notifications/{notification_id}/read",
        "uptake_notify_api_read_notification",
        ["notifications"],
    ),
    ("get", "/api/v1/campaigns/{slug}/flags", "uptake_quality_api_list_flags", ["quality"]),
    (
        "post",
        "/api/v1/campaigns/{slug}/flags/refresh",
        "uptake_quality_api_refresh",
        ["quality"],
    ),
    (
        "get",
        "/api/v1/campaigns/{slug}/inspections",
        "uptake_quality_api_list_inspections",
        ["quality"],
    ),
    (
        "post",
        "/api/v1/campaigns/{slug}/inspections",
        "uptake_quality_api_post_inspection",
        ["quality"],
    ),
]


class OpenApiTestCase(SimpleTestCase):
    def document(self) -> dict:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_every_operation_keeps_its_path_id_and_tags(self):
        found = [
            (method, path, op["operationId"], op.get("tags"))
            for path, ops in self.document()["paths"].items()
            for method, op in ops.items()
        ]
        # An app that mounts a new router adds operations (list them here once they are
        # published); none of these may change, go or move.
        self.assertEqual([op for op in found if op in OPERATIONS], OPERATIONS)
        ids = [op[2] for op in found]
        self.assertEqual(len(ids), len(set(ids)), "two operations with one id")

    def test_its_error_answers_share_one_schema(self):
        doc = self.document()
        self.assertEqual(
            doc["components"]["schemas"]["ErrorOut"]["properties"]["errors"]["type"], "array"
        )
        known = {op[2] for op in OPERATIONS}
        refs = {
            answer["content"]["application/json"]["schema"].get("$ref")
            for ops in doc["paths"].values()
            for op in ops.values()
            if op["operationId"] in known
            for status, answer in op["responses"].items()
            if status in ("401", "403", "404", "422") and "content" in answer
        }
        self.assertEqual(refs, {"#/components/schemas/ErrorOut"})

    def test_the_url_names_of_the_reports_endpoints_are_kept(self):
        self.assertEqual(reverse("api:post_report"), "/api/v1/reports")
        self.assertEqual(reverse("api:list_campaigns"), "/api/v1/campaigns")
        self.assertEqual(reverse("api:list_units"), "/api/v1/units")
        self.assertEqual(
            reverse("api:get_summary", args=["bluezone-2020"]),
            "/api/v1/campaigns/bluezone-2020/summary",
        )
        self.assertEqual(
            reverse("api:unit_reports", args=["bluezone-2020", "870-TTT"]),
            "/api/v1/campaigns/bluezone-2020/units/870-TTT/reports",
        )
