"""In Chromium: every main page, opened by the persona who uses it, satisfies the
Content-Security-Policy (no violation) and logs no console error.

home, report, status, unit, enter, dashboard, compilations, quality, fieldwork progress, the
visit page, notifications, the account and its tokens, the two-step log-in, Django's admin and
the API's documentation. The live server runs in this process, so time_machine moves its clock
too: to 10:00 today in Hồng Ngự (a real date, so that the browser keeps its cookies).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from uptake.browser import log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import make_draft
from uptake.documents.tests.base import district_data
from uptake.fieldwork.actions import record_visit
from uptake.fieldwork.models import Team
from uptake.fieldwork.tests.base import fieldwork_campaign
from uptake.notify.models import Kind, Notification
from uptake.quality.actions import record_inspection, refresh_flags
from uptake.quality.models import Flag, StaffMember
from uptake.reports.actions import submit_report
from uptake.test import VN, figures, make_user
from uptake.units.models import Unit

SLUG = "bluezone-csp"

pytestmark = marks()


def a_campaign(today):
    """The district's campaign (rooted at 870, so that its coordinator compiles it), with
    hamlets, two days of figures, a flag, a draft report, a team, a visit and an inspection."""
    district = district_data()["units"]
    campaign, _stats = load_campaign(
        fieldwork_campaign(
            slug=SLUG,
            units=district,
            start=today - timedelta(days=3),
            target_date=today + timedelta(days=3),
            end=today + timedelta(days=10),
        )
    )
    lan = make_user("lan", "reporter", "870-TTT")
    minh = make_user("minh", "coordinator", "870")
    make_user("hoa", "viewer", "870")
    root = make_user("root", "admin")
    town, commune = Unit.objects.get(code="870-TTT"), Unit.objects.get(code="870-LKA")
    for unit, user in ((town, lan), (commune, minh)):
        submit_report(
            campaign=campaign,
            unit=unit,
            day=today - timedelta(days=1),
            user=user,
            figures=figures(),
        )
        submit_report(
            campaign=campaign,
            unit=unit,
            day=today,
            user=user,
            figures=figures(residents=(5200, 2900)),
            note="Đếm lại",
        )  # fewer installed than the day before (explained): a "decrease" flag
    refresh_flags(campaign)
    make_draft(campaign, today, minh)
    team = Team.objects.create(campaign=campaign, commune=town, name="Tổ 1")
    team.members.add(lan)
    team.hamlets.add(Unit.objects.get(code="870-TTT-K1"))
    record_visit(
        visit_id=uuid.uuid4(),
        campaign=campaign,
        hamlet=Unit.objects.get(code="870-TTT-K1"),
        user=lan,
        household="Số 12",
        visited_at=datetime.now(VN) - timedelta(minutes=30),
        outcome="installed",
        smartphones=2,
        already_had=1,
        installed_now=1,
    )
    StaffMember.objects.create(
        campaign=campaign, unit=town, name="Nguyễn Văn An", has_smartphone=True, installed=True
    )
    inspection = record_inspection(
        campaign,
        town,
        user=minh,
        date=today,
        inspector="Đoàn kiểm tra",
        method="staff_phones",
        group="staff",
        sample_size=10,
        with_app=9,
        findings="",
        follow_up="",
    )
    Notification.objects.create(
        user=lan,
        kind=Kind.MORNING_REMINDER,
        campaign=campaign,
        day=today,
        params={
            "campaign": campaign.title,
            "slug": SLUG,
            "date": today.isoformat(),
            "due": "15:00",
            "units": {"names": [town.name], "count": 1},
        },
        url=f"/c/{SLUG}/report/",
    )
    assert Flag.objects.filter(unit=town).exists()
    return campaign, inspection, root


def visit_all(page, base: str, paths: list[str]) -> list[str]:
    """Open each page; the ones that did not answer 200."""
    failed = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        if response is None or response.status != 200:
            failed.append(f"{path}: {response.status if response else 'no answer'}")
    return failed


def test_every_main_page_satisfies_the_csp_and_logs_no_error(
    transactional_db, live_server, today_at_ten, browser
):
    today = today_at_ten
    _campaign, inspection, _root = a_campaign(today)
    base = live_server.url
    c = f"/c/{SLUG}"
    day = today.isoformat()
    pages = {
        "lan": [
            "/",
            f"{c}/report/",
            f"{c}/units/870-TTT/",
            f"{c}/visits/",
            "/field/",
            "/notifications/",
            "/notifications/preferences/",
            "/account/",
            "/account/password/",
            f"{c}/fieldwork/hamlets/870-TTT-K1/flyer/",
        ],
        "minh": [
            f"{c}/status/",
            f"{c}/status/?show=missing",
            f"{c}/units/870-LKA/",
            f"{c}/units/870-LKA/enter/",
            f"{c}/dashboard/",
            f"{c}/compilations/",
            f"{c}/compilations/{day}/",
            f"{c}/quality/",
            f"{c}/units/870-TTT/quality/",
            f"{c}/inspections/{inspection.pk}/",
            f"{c}/units/870-TTT/roster/",
            f"{c}/units/870-TTT/sample/",
            f"{c}/fieldwork/",
            f"{c}/fieldwork/870-TTT/",
            f"{c}/fieldwork/hamlets/870-TTT-K1/",
            "/account/",
        ],
        "hoa": [f"{c}/status/", f"{c}/dashboard/", f"{c}/fieldwork/870-TTT/"],
        "root": ["/admin/", "/admin/accounts/apitoken/", "/api/v1/docs"],
    }
    failed = []
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        problems = watch(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{base}/login/")  # the log-in page itself is watched too
        log_in(page, base, username)  # minh and root: set-up of the second factor on the way
        failed += visit_all(page, base, paths)
        if username == "lan":  # a new API token, shown once
            page.goto(f"{base}/account/")
            page.click("form[action='/account/tokens/'] button[type=submit]")
            page.wait_for_load_state()
            assert page.locator("#new-token").inner_text().startswith("upt_")
        if username == "minh":  # the progress bars are drawn by CSS classes alone
            page.goto(f"{base}{c}/status/")
            width = page.locator("#u-870-TTT .progress .fill").first.evaluate(
                "e => e.offsetWidth / e.parentElement.offsetWidth"
            )
            assert 0.9 < width <= 1.0  # staff: 39 of 41, 95%
        context.close()
        assert problems == [], f"{username}: {problems}"
    assert failed == []
