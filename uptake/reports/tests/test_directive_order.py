"""Offices and communes apart, as the directive groups them (#17): under each parent the offices
(phòng, ban, ngành) first, then the communes and towns, each block in the campaign file's order
and with its subtotal, on the summary, the status page and the report's table 1."""

from __future__ import annotations

from uptake.reports.summary import build_summary
from uptake.test import TODAY, BaseTestCase, figures

URL = "/c/bluezone-2020/status/"


class DirectiveOrderTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.submit("870-NV", figures=figures(staff=(20, 10), residents=None))
        self.submit("870-VHTT", figures=figures(staff=(10, 10), residents=None))
        self.submit("870-TTT", figures=figures(staff=(41, 39), residents=(5200, 2950)))

    def test_the_summary_lists_offices_then_communes_in_the_files_order(self):
        summary = build_summary(self.campaign, TODAY, self.unit("870"))
        # The file: VHTT, NV (offices), TTT (a town), LKA (a commune). By code it was
        # LKA, NV, TTT, VHTT: a commune first, the offices among the communes.
        self.assertEqual(
            [row.unit.code for row in summary.rows], ["870-VHTT", "870-NV", "870-TTT", "870-LKA"]
        )

    def test_each_block_has_its_subtotal(self):
        summary = build_summary(self.campaign, TODAY, self.unit("870"))
        offices, communes = summary.sections()
        self.assertEqual((offices.key, communes.key), ("offices", "communes"))
        self.assertEqual([r.unit.code for r in offices.rows], ["870-VHTT", "870-NV"])
        self.assertEqual(
            (offices.totals["staff"].installed, offices.totals["staff"].with_smartphone), (20, 30)
        )
        self.assertEqual(communes.totals["residents"].installed, 2950)  # LKA has no figures

    def test_the_status_page_heads_each_block_with_its_subtotal(self):
        self.login(self.minh)
        response = self.client.get(URL, {"root": "870"})
        html = response.content.decode()
        offices, communes = html.index("Phòng, ban, ngành"), html.index("Xã, thị trấn")
        self.assertLess(offices, html.index('id="u-870-VHTT"'))
        self.assertLess(html.index('id="u-870-NV"'), communes)
        self.assertLess(communes, html.index('id="u-870-TTT"'))
        self.assertContains(response, '<tr class="section">', count=2)
        self.assertContains(response, "20 / 30")  # the offices' staff
