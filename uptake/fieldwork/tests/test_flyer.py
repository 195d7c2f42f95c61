from __future__ import annotations

import io
import re

from pypdf import PdfReader

from uptake.fieldwork.flyer import flyer_css, qr_svg
from uptake.fieldwork.tests.base import STORE_LINKS, FieldworkTestCase

URL = "/c/bluezone-2020/fieldwork/hamlets/{code}/flyer/"
PDF = "/c/bluezone-2020/fieldwork/hamlets/{code}/flyer.pdf"


def qr_paths(html: str) -> list[str]:
    return re.findall(r'<svg[^>]*class="qr"[^>]*>.*?<path[^>]* d="([^"]+)"', html, re.S)


def expected_path(url: str) -> str:
    return re.search(r' d="([^"]+)"', qr_svg(url, "x")).group(1)


class FlyerPageTestCase(FieldworkTestCase):
    def test_the_flyer_has_qr_codes_of_both_store_pages(self):
        # The same drawing as segno makes of each link: the codes encode the store pages.
        self.client.force_login(self.mai)
        response = self.client.get(URL.format(code="870-TTT-K1"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(
            qr_paths(html),
            [expected_path(STORE_LINKS["android"]), expected_path(STORE_LINKS["ios"])],
        )
        self.assertIn(STORE_LINKS["android"], html)
        self.assertIn("Google Play", html)
        self.assertIn("App Store", html)

    def test_it_is_an_a5_page_in_vietnamese(self):
        self.client.force_login(self.mai)
        html = self.client.get(URL.format(code="870-TTT-K1")).content.decode()
        self.assertIn('href="/static/fieldwork/flyer.css"', html)  # no inline style: the CSP
        self.assertIn("@page { size: A5", flyer_css())
        self.assertIn('lang="vi"', html)
        self.assertIn("Cài đặt ứng dụng Bluezone", html)
        self.assertIn("Khóm An Thịnh", html)

    def test_the_pdf_is_one_a5_page_with_the_hamlet_and_both_codes(self):
        self.client.force_login(self.lan)
        response = self.client.get(PDF.format(code="870-TTT-K1"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        self.assertEqual(len(reader.pages), 1)
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width), 419.53, delta=1)  # 148 mm
        self.assertAlmostEqual(float(box.height), 595.28, delta=1)  # 210 mm
        text = reader.pages[0].extract_text()
        self.assertIn("khóm An Thịnh", text)
        self.assertIn("Google Play", text)
        self.assertIn("App Store", text)

    def test_without_store_links_it_says_where_to_find_the_app(self):
        source = dict(self.campaign.source)
        source.pop("store_links")
        self.campaign.source = source
        self.campaign.save()
        self.client.force_login(self.mai)
        html = self.client.get(URL.format(code="870-TTT-K1")).content.decode()
        self.assertEqual(qr_paths(html), [])
        self.assertIn("Tìm “Bluezone”", html)

    def test_a_member_cannot_print_another_hamlets_flyer(self):
        self.client.force_login(self.mai)
        self.assertEqual(self.client.get(URL.format(code="870-TTT-K2")).status_code, 403)
        self.client.force_login(self.tuan)
        self.assertEqual(self.client.get(URL.format(code="870-TTT-K1")).status_code, 403)
        self.assertEqual(self.client.get(PDF.format(code="870-TTT-K1")).status_code, 403)

    def test_it_needs_a_login(self):
        response = self.client.get(URL.format(code="870-TTT-K1"))
        self.assertEqual(response.status_code, 302)
