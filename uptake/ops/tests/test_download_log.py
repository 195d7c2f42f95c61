"""Who downloaded or exported what is logged: every document, spreadsheet, flyer and checklist.

Each export view and API endpoint (found by their Content-Disposition, or by what they print:
the compiled report in four formats, the roster and its template, the hamlet's flyer as a page
and as a PDF, the sample's checklist) writes one DownloadLog row: who, what, which campaign,
about what, when, from which address, by which way.
"""

from __future__ import annotations

from uptake.documents.actions import make_draft
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.ops.models import DownloadLog
from uptake.quality.actions import draw_sample
from uptake.quality.roster import import_roster
from uptake.quality.tests.helpers import GOOD_ROWS, xlsx
from uptake.test import NOW, TODAY

C = "/c/bluezone-2020"


class DownloadLogTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.submit("870-TTT")

    def last(self) -> DownloadLog:
        return DownloadLog.objects.latest("pk")

    def assert_logged(self, response, user, what, subject="", via="web"):
        self.assertEqual(response.status_code, 200, response.content[:200])
        entry = self.last()
        self.assertEqual(
            (entry.user, entry.username, entry.what, entry.campaign, entry.subject, entry.via),
            (user, user.username, what, self.campaign, subject, via),
        )
        self.assertEqual(entry.at, NOW)
        self.assertEqual(entry.ip, "127.0.0.1")

    def test_each_format_of_the_compiled_report_is_logged_on_the_page_and_the_api(self):
        make_draft(self.campaign, TODAY, self.root)
        self.login(self.root)
        for fmt in ("docx", "pdf", "xlsx", "csv"):
            with self.subTest(fmt=fmt):
                page = self.client.get(f"{C}/compilations/2020-08-17/document.{fmt}")
                self.assert_logged(page, self.root, f"compilation.{fmt}", "2020-08-17")
        api = self.client.get(
            "/api/v1/campaigns/bluezone-2020/compilations/2020-08-17/document.xlsx",
            **self.bearer(self.root),
        )
        self.assert_logged(api, self.root, "compilation.xlsx", "2020-08-17", via="api")

    def test_the_roster_and_its_template_are_logged(self):
        import_roster(
            self.campaign, self.town, user=self.lan, data=xlsx(GOOD_ROWS), filename="r.xlsx"
        )
        self.login(self.lan)
        export = self.client.get(f"{C}/units/870-TTT/roster.xlsx")
        self.assert_logged(export, self.lan, "roster.xlsx", "870-TTT")
        template = self.client.get(f"{C}/roster-template.xlsx")
        self.assert_logged(template, self.lan, "roster-template.xlsx")

    def test_the_flyer_page_and_pdf_are_logged(self):
        self.login(self.mai)
        page = self.client.get(f"{C}/fieldwork/hamlets/870-TTT-K1/flyer/")
        self.assert_logged(page, self.mai, "flyer", "870-TTT-K1")
        pdf = self.client.get(f"{C}/fieldwork/hamlets/870-TTT-K1/flyer.pdf")
        self.assert_logged(pdf, self.mai, "flyer.pdf", "870-TTT-K1")

    def test_the_sample_checklist_with_its_names_is_logged(self):
        import_roster(
            self.campaign, self.town, user=self.lan, data=xlsx(GOOD_ROWS), filename="r.xlsx"
        )
        sample = draw_sample(
            self.campaign, self.town, user=self.minh, source="roster", size=2, group="staff"
        )
        self.login(self.hoa)
        response = self.client.get(f"{C}/samples/{sample.pk}/")
        self.assert_logged(response, self.hoa, "sample-checklist", f"870-TTT #{sample.pk}")

    def test_a_refused_download_logs_nothing(self):
        make_draft(self.campaign, TODAY, self.root)
        self.login(self.tuan)
        self.client.get(f"{C}/compilations/2020-08-17/document.pdf")
        self.client.get(f"{C}/units/870-TTT/roster.xlsx")
        self.client.get(f"{C}/fieldwork/hamlets/870-TTT-K1/flyer.pdf")
        self.assertEqual(DownloadLog.objects.count(), 0)

    def test_the_address_behind_the_proxy_is_the_one_the_proxy_saw(self):
        self.login(self.mai)
        self.client.get(
            f"{C}/fieldwork/hamlets/870-TTT-K1/flyer/",
            HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
        )
        self.assertEqual(self.last().ip, "203.0.113.7")
