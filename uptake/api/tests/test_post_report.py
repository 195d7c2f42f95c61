"""POST /api/v1/reports: a unit's daily figures; a second submission is a new revision."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from uptake.audit.models import AuditEntry
from uptake.reports.models import Report, Revision
from uptake.test import VN, BaseTestCase, figures

URL = "/api/v1/reports"


def body(**changes) -> dict:
    data = {
        "campaign": "bluezone-2020",
        "unit": "870-TTT",
        "date": "2020-08-17",
        "figures": figures(),
    }
    data.update(changes)
    return data


class PostReportTestCase(BaseTestCase):
    def post(self, data: dict, user=None):
        return self.client.post(
            URL, data, content_type="application/json", **self.bearer(user or self.lan)
        )

    def rows(self) -> tuple[int, int, int]:
        return Report.objects.count(), Revision.objects.count(), AuditEntry.objects.count()

    def assertRefused(self, status: int, fields: list[str], data: dict, user=None) -> dict:
        """The request gets ``status`` with ``fields`` in error, and nothing is written."""
        before = self.rows()
        response = self.post(data, user)
        self.assertEqual(response.status_code, status, response.content)
        errors = response.json()["errors"]
        self.assertEqual([e["field"] for e in errors], fields)
        for error in errors:
            self.assertEqual(set(error), {"field", "message"})
            self.assertTrue(error["message"])
        self.assertEqual(self.rows(), before)
        return response.json()

    def test_it_stores_a_report_and_returns_it(self):
        response = self.post(body(note="Thêm 2 tổ dân phố"))

        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            response.json(),
            {
                "campaign": "bluezone-2020",
                "unit": "870-TTT",
                "date": "2020-08-17",
                "revision": 1,
                "status": "on_time",
                "submitted_at": "2020-08-17T10:00:00+07:00",
                "first_submitted_at": "2020-08-17T10:00:00+07:00",
                "figures": {
                    "staff": {"with_smartphone": 41, "installed": 39, "percent": 95.1},
                    "residents": {"with_smartphone": 5200, "installed": 2950, "percent": 56.7},
                },
                "activities": {},
                "note": "Thêm 2 tổ dân phố",
            },
        )
        revision = Revision.objects.get()
        self.assertEqual(revision.via, "api")
        self.assertEqual(revision.submitted_by, self.lan)
        self.assertEqual(AuditEntry.objects.get().actor, self.lan)

    def test_the_answer_is_report_out_as_its_schema_writes_it(self):
        # The view renders report_out's dict without pydantic (#20): it must be what the
        # schema the OpenAPI documents would have made of it, field for field.
        from uptake.reports.api import ReportOut

        answer = self.post(body(activities={"broadcasts": 2})).json()
        self.assertEqual(ReportOut.model_validate(answer).model_dump(mode="json"), answer)

    def test_a_first_report_takes_three_statements_on_postgresql(self):
        # The token with its user and units and its use (one statement, #20), what the
        # submission reads (campaign, unit, participation, latest reports), and one INSERT of
        # the report, its revision and its audit entry (#7). SQLite records the token's use
        # and writes the rows one by one, in a savepoint of the test's transaction: eight.
        self.post(body(unit="870-NV", figures={"staff": figures()["staff"]}), user=self.minh)
        headers = self.bearer(self.lan)
        with self.assertNumQueries(3 if connection.vendor == "postgresql" else 8):
            response = self.client.post(URL, body(), content_type="application/json", **headers)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(self.rows(), (2, 2, 2))

    def test_a_second_submission_is_a_new_revision(self):
        self.post(body())
        response = self.post(body(figures=figures(staff=(41, 41))))

        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["revision"], 2)
        self.assertEqual(response.json()["figures"]["staff"]["percent"], 100.0)
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(Revision.objects.count(), 2)

    def test_it_stores_activities(self):
        response = self.post(body(activities={"broadcasts": 2, "leaflets": 500}))
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["activities"], {"broadcasts": 2, "leaflets": 500})

    def test_a_late_report_says_so(self):
        response = self.post(body(date="2020-08-16"))
        self.assertEqual(response.json()["status"], "late")

    def test_the_percent_is_null_without_smartphones(self):
        response = self.post(body(figures=figures(staff=(0, 0))))
        self.assertEqual(response.status_code, 201)
        self.assertIsNone(response.json()["figures"]["staff"]["percent"])

    # 403 and 404

    def test_a_unit_outside_the_users_units_is_forbidden(self):
        self.assertRefused(403, ["unit"], body(unit="870-LKA"))
        self.assertRefused(403, ["unit"], body(), user=self.tuan)

    def test_a_viewer_cannot_submit(self):
        self.assertRefused(403, ["unit"], body(), user=self.hoa)

    def test_an_unknown_campaign_is_not_found(self):
        self.assertRefused(404, ["campaign"], body(campaign="bluezone-2021"))

    def test_an_unknown_unit_is_not_found(self):
        self.assertRefused(404, ["unit"], body(unit="870-XYZ"))

    def test_a_unit_that_does_not_report_in_the_campaign_is_refused(self):
        self.assertRefused(422, ["unit"], body(unit="870"), user=self.minh)

    # 422: figures

    def test_it_rejects_a_negative_number(self):
        self.assertRefused(422, ["figures.staff.installed"], body(figures=figures(staff=(41, -1))))

    def test_it_rejects_a_fraction(self):
        self.assertRefused(
            422,
            ["figures.residents.with_smartphone"],
            body(figures=figures(residents=(5200.5, 10))),
        )

    def test_it_rejects_a_boolean(self):
        data = body()
        data["figures"]["staff"]["installed"] = True
        self.assertRefused(422, ["figures.staff.installed"], data)

    def test_it_rejects_text_that_is_not_a_number(self):
        data = body()
        data["figures"]["staff"]["with_smartphone"] = "bốn mươi"
        self.assertRefused(422, ["figures.staff.with_smartphone"], data)

    def test_it_rejects_a_null_figure(self):
        data = body()
        data["figures"]["staff"]["installed"] = None
        self.assertRefused(422, ["figures.staff.installed"], data)

    def test_it_rejects_installed_above_smartphones(self):
        self.assertRefused(422, ["figures.staff.installed"], body(figures=figures(staff=(41, 42))))

    def test_it_rejects_a_missing_group(self):
        self.assertRefused(422, ["figures.residents"], body(figures=figures(residents=None)))

    def test_it_rejects_an_extra_group(self):
        self.assertRefused(
            422, ["figures.residents"], body(unit="870-NV", figures=figures()), user=self.minh
        )

    def test_it_rejects_figures_that_are_not_a_mapping(self):
        self.assertRefused(422, ["figures"], body(figures=[41, 39]))

    def test_it_rejects_a_body_without_figures(self):
        data = body()
        del data["figures"]
        self.assertRefused(422, ["figures"], data)

    def test_it_lists_every_offending_field(self):
        data = body(figures=figures(staff=(41, 42), residents=(-5, 1)))
        self.assertRefused(
            422, ["figures.staff.installed", "figures.residents.with_smartphone"], data
        )

    def test_it_refuses_a_lower_installed_unless_the_note_explains(self):
        self.post(body(date="2020-08-16"))
        self.assertRefused(422, ["figures.staff.installed"], body(figures=figures(staff=(41, 38))))
        response = self.post(body(figures=figures(staff=(41, 38)), note="Một người nghỉ hưu"))
        self.assertEqual(response.status_code, 201)

    def test_it_refuses_a_past_day_above_a_later_days_report_unless_the_note_explains(self):
        self.post(body(figures=figures(residents=(5200, 2400))))
        data = body(date="2020-08-15", figures=figures(residents=(5200, 3500)))
        errors = self.assertRefused(422, ["figures.residents.installed"], data)["errors"]
        # The later day's figure and date, in Vietnamese with the thousands dot.
        self.assertIn("Cao hơn số 2.400", errors[0]["message"])
        self.assertIn("17/08/2020", errors[0]["message"])
        response = self.post({**data, "note": "Ngày 17 đã trừ số báo trùng"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["figures"]["residents"]["installed"], 3500)

    # A revision keeps what it does not mention (#13)

    def test_a_revision_without_activities_keeps_them(self):
        self.post(body(activities={"broadcasts": 2, "leaflets": 500}))
        response = self.post(body(figures=figures(staff=(41, 40))))
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["activities"], {"broadcasts": 2, "leaflets": 500})
        self.assertEqual(Revision.objects.get(number=2).activities, response.json()["activities"])

    def test_a_revision_with_an_explicit_zero_stores_zero(self):
        self.post(body(activities={"broadcasts": 2, "leaflets": 500}))
        response = self.post(body(activities={"leaflets": 0}))
        self.assertEqual(response.json()["activities"], {"broadcasts": 2, "leaflets": 0})

    def test_a_revision_may_leave_out_a_group_which_keeps_its_figures(self):
        self.post(body())
        response = self.post(body(figures={"staff": {"with_smartphone": 41, "installed": 41}}))
        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            response.json()["figures"]["residents"],
            {"with_smartphone": 5200, "installed": 2950, "percent": 56.7},
        )
        self.assertEqual(response.json()["figures"]["staff"]["installed"], 41)

    # 422: dates

    def test_it_rejects_a_day_before_the_first_reporting_day(self):
        self.assertRefused(422, ["date"], body(date="2020-08-13"))

    def test_it_rejects_a_day_that_has_not_come_yet(self):
        self.assertRefused(422, ["date"], body(date="2020-08-18"))

    def test_it_rejects_a_day_after_the_last_reporting_day(self):
        self.assertRefused(422, ["date"], body(date="2020-09-01"))

    def test_it_rejects_a_date_that_is_not_a_date(self):
        self.assertRefused(422, ["date"], body(date="17/08/2020"))
        self.assertRefused(422, ["date"], body(date="2020-02-30"))

    # 422: activities

    def test_it_rejects_an_activity_count_that_is_not_a_whole_number(self):
        self.assertRefused(422, ["activities.broadcasts"], body(activities={"broadcasts": -2}))
        self.assertRefused(422, ["activities.leaflets"], body(activities={"leaflets": 2.5}))
        self.assertRefused(422, ["activities.leaflets"], body(activities={"leaflets": "nhiều"}))

    def test_it_rejects_an_activity_the_unit_does_not_report(self):
        self.assertRefused(
            422,
            ["activities.broadcasts"],
            body(unit="870-NV", figures=figures(residents=None), activities={"broadcasts": 2}),
            user=self.minh,
        )
        self.assertRefused(422, ["activities.juggling"], body(activities={"juggling": 1}))

    # On behalf

    def test_a_coordinator_enters_figures_on_behalf(self):
        response = self.post(
            body(
                unit="870-LKA",
                on_behalf=True,
                source="Zalo",
                received_at="2020-08-17T09:30:00+07:00",
                note="Xã nhắn Zalo lúc 9:30, nhập lúc 10:00",
            ),
            user=self.minh,
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["first_submitted_at"], "2020-08-17T09:30:00+07:00")
        self.assertEqual(response.json()["submitted_at"], "2020-08-17T10:00:00+07:00")
        revision = Revision.objects.get()
        self.assertTrue(revision.on_behalf)
        self.assertEqual(revision.source, "Zalo")
        self.assertEqual(revision.received_at, datetime(2020, 8, 17, 9, 30, tzinfo=VN))

    def test_a_received_time_without_an_offset_is_the_campaigns_clock(self):
        response = self.post(
            body(unit="870-LKA", on_behalf=True, source="Zalo", received_at="2020-08-17T09:50:00"),
            user=self.minh,
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["first_submitted_at"], "2020-08-17T09:50:00+07:00")

    def test_a_received_time_more_than_15_minutes_back_needs_a_note(self):
        data = body(unit="870-LKA", on_behalf=True, source="phone", received_at="2020-08-17T09:30")
        errors = self.assertRefused(422, ["received_at"], data, user=self.minh)["errors"]
        self.assertIn("09:30 17/08/2020", errors[0]["message"])
        data["note"] = "Xã gọi lúc 9:30 khi đang họp"
        self.assertEqual(self.post(data, user=self.minh).status_code, 201)

    def test_on_behalf_requires_a_source(self):
        self.assertRefused(422, ["source"], body(unit="870-LKA", on_behalf=True), user=self.minh)

    def test_a_received_time_in_the_future_is_refused(self):
        self.assertRefused(
            422,
            ["received_at"],
            body(unit="870-LKA", on_behalf=True, source="Zalo", received_at="2020-08-17T03:00:01Z"),
            user=self.minh,
        )

    def test_a_reporter_cannot_enter_on_behalf(self):
        self.assertRefused(403, ["on_behalf"], body(on_behalf=True, source="Zalo"))
        self.assertRefused(403, ["unit"], body(on_behalf=True, source="Zalo"), user=self.hoa)

    # Body and method

    def test_a_body_that_is_not_json_is_refused_in_the_same_shape(self):
        before = self.rows()
        response = self.client.post(
            URL, "{not json", content_type="application/json", **self.bearer(self.lan)
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual([e["field"] for e in response.json()["errors"]], ["body"])
        self.assertEqual(self.rows(), before)

    def test_a_body_that_is_not_an_object_is_refused(self):
        self.assertRefused(422, ["body"], [1, 2])

    def test_it_refuses_a_misspelt_key_and_stores_nothing(self):
        self.assertRefused(422, ["notes"], body(notes="misspelt"))

    def test_it_only_accepts_post(self):
        response = self.client.get(URL, **self.bearer(self.lan))
        self.assertEqual(response.status_code, 405)
