"""In Chromium: the coordinator refreshes the day's draft, writes the situation, approves the
report and downloads it as a Word file with its number.

The live server runs in a thread of this process, so time_machine moves its clock too: to 16:40
today in Hồng Ngự (a real date, so that the browser keeps its cookies), with the campaign's
days around it. A screenshot of the page goes to /tmp/shots (for people to look at).
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import docx
import pytest
import time_machine

from uptake.browser import SHOTS, has_focus, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import make_draft
from uptake.documents.models import Compilation, State
from uptake.documents.tests.base import district_data, figures_of
from uptake.reports.actions import submit_report
from uptake.test import VN, make_user
from uptake.units.models import Unit

pytestmark = marks()


@pytest.fixture
def today_at_compile_time():
    today = datetime.now(VN).date()
    moment = datetime(today.year, today.month, today.day, 16, 40, tzinfo=VN)
    with time_machine.travel(moment, tick=True):
        yield today


def test_the_coordinator_refreshes_writes_approves_and_downloads_the_report(
    transactional_db, live_server, today_at_compile_time, browser
):
    today = today_at_compile_time
    campaign, _stats = load_campaign(
        district_data(
            slug="bluezone-live-report",
            start=today - timedelta(days=3),
            target_date=today + timedelta(days=3),
            end=today + timedelta(days=10),
        )
    )
    minh = make_user("minh", "coordinator", "870")
    for code in ("870-TTT", "870-NV"):
        submit_report(
            campaign=campaign,
            unit=Unit.objects.get(code=code),
            day=today,
            figures=figures_of(code, 3),
            user=minh,
        )
    make_draft(campaign, today)  # what the scheduler does at 16:30
    page_url = f"{live_server.url}/c/{campaign.slug}/compilations/{today.isoformat()}/"

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    problems = watch(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server.url, "minh")  # the password, then the authenticator's code

    page.goto(page_url)
    assert "Thị trấn Thường Thới Tiền" in page.content()
    submit_report(  # a late unit's figures arrive; refreshing takes them in
        campaign=campaign,
        unit=Unit.objects.get(code="870-LKA"),
        day=today,
        figures=figures_of("870-LKA", 3),
        user=minh,
    )
    page.click("form[action$='/refresh/'] button[type=submit]")
    page.wait_for_load_state()
    assert Compilation.objects.get().snapshot["reporting"]["late"] == 3

    page.fill("#id_situation", "Các xã tiếp tục vận động người dân cài đặt Bluezone.")
    page.click("button[formaction$='/approve/']")
    page.wait_for_load_state()
    # Early or with units missing: refused until the box is ticked; the error summary at the
    # top has the focus, the text stays as typed, nothing is approved.
    assert Compilation.objects.get().state == State.DRAFT
    assert has_focus(page, "error-summary")
    assert "chưa báo cáo" in page.locator("#error-summary").inner_text()
    assert page.input_value("#id_situation").startswith("Các xã tiếp tục")
    page.check("#id_confirm")
    page.click("button[formaction$='/approve/']")
    page.wait_for_load_state()
    compilation = Compilation.objects.get()
    assert compilation.state == State.APPROVED
    assert compilation.situation == "Các xã tiếp tục vận động người dân cài đặt Bluezone."
    assert "01/BC-VHTT" in page.locator("main").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "compilation-approved.png"), full_page=True)

    with page.expect_download() as info:
        page.click("a[href$='document.docx']")
    download = info.value
    assert download.suggested_filename == f"BC-VHTT-01-{today.isoformat()}.docx"
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    assert document.tables[0].cell(1, 0).text == "Số: 01/BC-VHTT"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Các xã tiếp tục vận động người dân cài đặt Bluezone." in text
    assert problems == []  # no console error, no CSP violation on any page
    context.close()
