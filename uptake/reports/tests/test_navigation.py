"""base.html's campaign menu: for each persona, exactly the campaign's pages they may open.

The generic test opens every page of the menu as every persona: a link is shown if and only if
its page opens (200, not refused, not sent elsewhere; for door to door: with something of
theirs to show). A new access rule in a view that the menu does not follow fails it.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uptake.campaigns.menu import sections
from uptake.fieldwork.tests.base import FieldworkTestCase

SLUG = "bluezone-2020"
PAGES = {
    "reports-report": f"/c/{SLUG}/report/",
    "reports-status": f"/c/{SLUG}/status/",
    "documents-dashboard": f"/c/{SLUG}/dashboard/",
    "documents-list": f"/c/{SLUG}/compilations/",
    "quality-flags": f"/c/{SLUG}/quality/",
    "fieldwork-home": f"/c/{SLUG}/fieldwork/",
    "fieldwork-visit": f"/c/{SLUG}/visits/",
}
MENU = re.compile(r'<nav class="campaign"[^>]*>(.*?)</nav>', re.S)


class NavigationTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.thu = self.make_user("thu", "coordinator", "87")  # the province's office
        self.personas = {
            "lan": self.lan,
            "minh": self.minh,
            "hoa": self.hoa,
            "tuan": self.tuan,
            "root": self.root,
            "mai": self.mai,
            "thu": self.thu,
        }

    def menu(self, user) -> list[str]:
        """The hrefs of the menu on the visit page (a campaign page that opens for anyone)."""
        self.client.force_login(user)
        response = self.client.get(PAGES["fieldwork-visit"])
        self.assertEqual(response.status_code, 200)
        found = MENU.search(response.content.decode())
        return re.findall(r'href="([^"]+)"', found.group(1)) if found else []

    def opens(self, name: str, response) -> bool:
        if name == "fieldwork-home":  # the user's communes, or straight to their one commune
            if response.status_code == 302:
                return re.match(rf"/c/{SLUG}/fieldwork/[^/]+/$", response["Location"]) is not None
            return response.status_code == 200 and f"/c/{SLUG}/fieldwork/870" in (
                response.content.decode()
            )
        if name == "fieldwork-visit":  # hamlets to record in
            return response.status_code == 200 and b'id="visit-form"' in response.content
        return response.status_code == 200

    def test_each_persona_sees_a_link_exactly_when_its_page_opens(self):
        for username, user in self.personas.items():
            menu = self.menu(user)
            for name, url in PAGES.items():
                with self.subTest(user=username, page=name):
                    response = self.client.get(url)
                    self.assertEqual(url in menu, self.opens(name, response))

    def test_what_each_persona_finds_in_the_menu(self):
        expected = {
            # A commune's reporter: their report, no dashboard, no compiled report.
            "lan": ["report", "status", "quality", "fieldwork", "visits"],
            "minh": ["status", "dashboard", "quality", "fieldwork", "visits"],
            "hoa": ["status", "dashboard", "quality", "fieldwork"],  # reads, records nothing
            "tuan": ["report", "status", "quality", "fieldwork", "visits"],
            "root": ["status", "dashboard", "compilations", "quality", "fieldwork", "visits"],
            "mai": ["fieldwork", "visits"],  # a volunteer: their team's hamlets only
            "thu": ["status", "dashboard", "compilations", "quality", "fieldwork", "visits"],
        }
        for username, pages in expected.items():
            with self.subTest(user=username):
                menu = self.menu(self.personas[username])
                self.assertEqual(menu, [f"/c/{SLUG}/{page}/" for page in pages])

    def test_the_current_page_is_marked(self):
        self.client.force_login(self.lan)
        for url, current in (
            (PAGES["reports-status"], PAGES["reports-status"]),
            (f"/c/{SLUG}/units/870-TTT/", PAGES["reports-status"]),
            (f"/c/{SLUG}/units/870-TTT/quality/", PAGES["quality-flags"]),
            (f"/c/{SLUG}/fieldwork/870-TTT/", PAGES["fieldwork-home"]),
        ):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertIn(f'<a href="{current}" aria-current="page">', html)
                self.assertEqual(html.count('aria-current="page"'), 1)

    def test_its_queries_are_a_few_whoever_asks(self):
        from django.test import RequestFactory

        from uptake.campaigns.menu import campaign_menu

        for user in self.personas.values():
            request = RequestFactory().get("/")
            request.user = type(user).objects.get(pk=user.pk)  # nothing cached
            request.resolver_match = None
            with CaptureQueriesContext(connection) as queries:
                campaign_menu(request, self.campaign)
            self.assertLessEqual(len(queries), 5, user.username)

    def test_pages_without_a_campaign_have_no_menu(self):
        self.client.force_login(self.minh)
        response = self.client.get("/notifications/")
        self.assertNotContains(response, 'class="campaign"')
        self.assertContains(response, 'href="/notifications/"')  # the bell

    def test_on_a_phone_the_menu_folds_under_a_button_without_script(self):
        self.client.force_login(self.lan)
        html = self.client.get(PAGES["reports-status"]).content.decode()
        button = r'<details class="menu-toggle"><summary>[^<]+</summary></details>'
        self.assertRegex(html, button + r'\s*<nav class="campaign"')
        css = (Path(settings.BASE_DIR) / "uptake/static/css/uptake.css").read_text()
        self.assertIn(".menu-toggle:not([open]) + nav.campaign { display: none; }", css)

    def test_every_section_names_real_pages(self):
        from django.urls import get_resolver

        names = {n for n in get_resolver().reverse_dict if isinstance(n, str)}
        for prefixes in sections().values():
            for prefix in prefixes:
                self.assertTrue(any(n.startswith(prefix) for n in names), prefix)


class HeadBlockTestCase(FieldworkTestCase):
    def test_the_visit_page_links_its_manifest_and_styles_in_the_head(self):
        self.client.force_login(self.mai)
        html = self.client.get(PAGES["fieldwork-visit"]).content.decode()
        head = html[: html.index("</head>")]
        self.assertIn(f'<link rel="manifest" href="/c/{SLUG}/visits/manifest.webmanifest">', head)
        self.assertRegex(head, r'<link rel="stylesheet" href="/static/fieldwork/visit\.css\?v=')
        self.assertNotIn("visit.css", html[html.index("</head>") :])
        script = (Path(settings.BASE_DIR) / "uptake/static/fieldwork/visit.js").read_text()
        self.assertNotIn('"manifest"', script)  # no longer added at run time


class HomeTestCase(FieldworkTestCase):
    def test_a_volunteer_goes_to_the_visit_page(self):
        self.client.force_login(self.mai)
        response = self.client.get("/")
        self.assertRedirects(response, "/field/", fetch_redirect_response=False)
        response = self.client.get("/field/")
        self.assertRedirects(response, f"/c/{SLUG}/visits/", fetch_redirect_response=False)

    def test_a_viewer_in_no_team_is_told_to_ask_for_a_campaign(self):
        self.client.force_login(self.make_user("an", "viewer"))
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["campaigns"]), [])
