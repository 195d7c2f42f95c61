"""The day on one page (#17): brief.png and brief.pdf of a scope, from one SVG."""

from __future__ import annotations

import io
from pathlib import Path

from uptake.documents.brief import WIDTH, brief_svg, render_brief
from uptake.test import TODAY, BaseTestCase, figures
from uptake.units.models import Unit

SHOTS = Path("/tmp/shots")


class BriefTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.submit("870-TTT", user=self.lan)
        self.submit("870-LKA", figures=figures(staff=(30, 12), residents=(4000, 900)))

    def campaign_(self):
        from uptake.campaigns.models import Campaign

        return Campaign.objects.get(slug="bluezone-2020")

    def test_the_svg_says_the_scope_the_time_the_groups_and_the_reporting(self):
        svg = brief_svg(self.campaign_(), TODAY, Unit.objects.get(code="870"))
        self.assertIn("Huyện Hồng Ngự", svg)
        self.assertIn("Số liệu ngày 17/08/2020 · lúc 10:00", svg)
        for text in ("Cán bộ", "Người dân", "chỉ tiêu", "Đúng hạn", "Trễ hạn", "Chưa báo cáo"):
            self.assertIn(text, svg)
        self.assertIn("Xa chỉ tiêu nhất", svg)
        self.assertIn("Thị trấn Thường Thới Tiền", svg)
        self.assertIn("Diễn biến tỷ lệ cài đặt", svg)

    def test_the_png_is_1080_px_wide_and_at_most_300_kb(self):
        from PIL import Image  # noqa: PLC0415 (Pillow comes with CairoSVG's dependencies)

        made = render_brief(self.campaign_(), TODAY, Unit.objects.get(code="870"), "png")
        self.assertEqual(made.content_type, "image/png")
        self.assertLessEqual(len(made.content), 300_000)
        image = Image.open(io.BytesIO(made.content))
        self.assertEqual(image.size[0], WIDTH)
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "brief.png").write_bytes(made.content)

    def test_the_pdf_is_one_a4_page(self):
        made = render_brief(self.campaign_(), TODAY, Unit.objects.get(code="870"), "pdf")
        self.assertTrue(made.content.startswith(b"%PDF"))
        pages = made.content.count(b"/Type /Page\n") + made.content.count(b"/Type /Page ")
        self.assertEqual(pages, 1)


class BriefApiTest(BaseTestCase):
    URL = "/api/v1/campaigns/bluezone-2020/brief"

    def setUp(self):
        super().setUp()
        self.submit("870-TTT", user=self.lan)

    def get(self, user, ext: str, **params):
        return self.client.get(f"{self.URL}.{ext}", params, **self.bearer(user))

    def test_a_coordinator_gets_the_picture_and_the_page(self):
        response = self.get(self.minh, "png", date="2020-08-17", unit="870")
        self.assertEqual(response.status_code, 200, response.content[:200])
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertLessEqual(len(response.content), 300_000)
        response = self.get(self.minh, "pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")

    def test_a_reporter_gets_their_own_unit(self):
        self.assertEqual(self.get(self.lan, "png").status_code, 200)
        self.assertEqual(self.get(self.lan, "png", unit="870").status_code, 403)

    def test_another_district_or_an_unknown_unit_is_refused(self):
        self.assertEqual(self.get(self.tuan, "pdf", unit="870").status_code, 403)
        self.assertEqual(self.get(self.minh, "png", unit="nope").status_code, 404)
        self.assertEqual(self.get(self.minh, "png", date="2020-08-30").status_code, 422)
        self.assertEqual(self.client.get(f"{self.URL}.png").status_code, 401)
