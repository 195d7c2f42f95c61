"""In Chromium at 360 × 740 (a phone): no page of the URL map scrolls sideways, for any role (#17).

The pages are the access walk's (uptake/accounts/tests/test_access_walk.py): its recipes fill
every URL pattern's parameters with objects made by its setUp, which this test reuses; a URL
pattern with no recipe that takes the campaign alone is opened with it. Each persona (lan, a
reporter; minh, the coordinator; hoa, a leader who reads; tuan, a reporter elsewhere; lka, a
volunteer of a team; root, the admin) opens every case it may open (the test client says 200
and HTML first) and the page must fit: ``document.documentElement.scrollWidth <= 360``.

UPTAKE_SHOTS=/some/dir keeps a screenshot of every page at 360 px and at 1280 px there, to look
at; UPTAKE_PAGES=dashboard opens only the URLs that contain it (a quick look, not the check).
"""

from __future__ import annotations

import os

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from uptake.accounts.tests import (
    test_access_walk as access_walk,
)  # not its names: pytest would run it
from uptake.browser import DESKTOP, PHONE, marks
from uptake.test import NOW, VerifiedClient

pytestmark = marks()

# Pages that are not uptake's own HTML: the API's Swagger UI, a service worker, files.
NOT_PAGES = {"openapi-view", "openapi-json", "api-root", "favicon"}


@pytest.fixture
def walk(transactional_db):
    """The access walk's objects, on a clock that ticks from its 10:00 on 17/08/2020."""
    case = access_walk.AccessWalkTest("test_every_url_is_walked_or_public")
    case.setUp()
    case.clock.stop()  # the walk's clock stands still; a live server needs one that moves
    case.users["lka"] = case.objects["team_870-LKA"].members.get()
    with time_machine.travel(NOW, tick=True):
        yield case
    case.doCleanups()


def page_urls(walk) -> list[str]:
    """Every page of the URL map, each case of its recipe, as URLs."""
    urls = []
    for namespace, route, name in access_walk.url_patterns():
        if namespace in ("admin", "api") or name in NOT_PAGES or name in access_walk.PUBLIC:
            continue
        recipe = access_walk.RECIPES.get(name)
        if recipe is None and route.count("<") == 1 and "<slug:slug>" in route:
            cases = [access_walk.Case({"slug": walk.campaign.slug})]  # a page with no recipe (yet)
        elif recipe is None:
            continue
        else:
            cases = [c for c in recipe.cases if c.live == 200]
        for case in cases:
            url = reverse(name, kwargs=walk.fill(case.kwargs))
            urls.append(f"{url}?{urlencode(case.query, doseq=True)}" if case.query else url)
    return urls


def html_pages_for(client, urls: list[str]) -> list[str]:
    """The URLs that answer this client 200 with an HTML page."""
    out = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            out.append(url)
    return out


def browser_context(browser, live_server, client, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US")
    if client is not None:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def too_wide(page) -> int | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > PHONE["width"] else None


def test_no_page_scrolls_sideways_on_a_phone_for_any_role(walk, live_server, browser):
    urls = page_urls(walk)
    assert len(urls) > 40, urls
    only = os.environ.get("UPTAKE_PAGES", "")
    urls = [url for url in urls if only in url]
    shots = os.environ.get("UPTAKE_SHOTS")
    wide: list[str] = []
    seen = 0
    for persona in ("anonymous", *access_walk.PERSONAS, "lka"):
        client = None
        pages = ["/login/"]
        if persona != "anonymous":
            client = VerifiedClient()
            client.force_login(walk.users[persona])
            pages = html_pages_for(client, urls) + ["/admin/"] * (persona == "root" and not only)
        for viewport in (PHONE, DESKTOP) if shots else (PHONE,):
            context = browser_context(browser, live_server, client, viewport)
            page = context.new_page()
            for url in pages:
                page.goto(f"{live_server.url}{url}")
                page.wait_for_load_state("networkidle")
                if viewport is PHONE:
                    seen += 1
                    width = too_wide(page)
                    if width is not None:
                        wide.append(f"{persona} {url}: {width} px")
                if shots:
                    name = f"{persona}{url}".strip("/").replace("/", "_").replace("?", "_")
                    page.screenshot(path=f"{shots}/{viewport['width']}-{name}.png", full_page=True)
            context.close()
    assert seen > 150 or only, seen
    assert wide == [], f"{len(wide)} of {seen} pages scroll sideways at 360 px:\n" + "\n".join(wide)


def test_the_status_page_prints_its_figures_alone_on_a4(walk, live_server, browser):
    """Printed (#17): no menu, filters or buttons; the campaign, scope and day on top; every
    unit's name on one line; the walk's four units on one A4 page."""
    import io

    import pypdf

    client = VerifiedClient()
    client.force_login(walk.minh)
    context = browser_context(browser, live_server, client, DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{walk.campaign.slug}/status/?root=870")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['nav.campaign', 'form.toolbar', 'td.action a']
            .map(s => document.querySelector(s))
            .filter(e => e && getComputedStyle(e).display !== 'none').length"""
    )
    assert hidden == 0
    lines = page.evaluate(
        """() => [...document.querySelectorAll('tbody th a')].map(a => {
            const r = a.getClientRects(); return r.length; })"""
    )
    assert lines and max(lines) == 1, lines  # a name on one line, not a word per line
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = pdf.pages[0].extract_text()
    assert walk.campaign.title in text
    assert "Huyện Hồng Ngự" in text and "17/08/2020" in text
    assert len(pdf.pages) == 1, len(pdf.pages)
    context.close()
