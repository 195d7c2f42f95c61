"""``manage.py demo``: the Hồng Ngự campaign in its province dated around today, its history,
its chain of compiled reports (#14) and its users."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.accounts.models import Profile, Role
from uptake.audit.models import AuditEntry
from uptake.campaigns.loader import load_campaign, parse, read_file
from uptake.campaigns.models import Campaign, Coordination, Participation, Status
from uptake.campaigns.scope import Scope
from uptake.documents.models import Compilation, Counter, State
from uptake.fieldwork import access
from uptake.fieldwork.models import Outcome, Team, Visit
from uptake.quality.models import Flag, Inspection, Sample
from uptake.reports.actions import submit_report
from uptake.reports.models import Report, Revision
from uptake.test import VN, VerifiedClient, campaign_data, figures
from uptake.units.models import Unit

TODAY = date(2024, 3, 14)
MORNING = datetime(2024, 3, 14, 10, 0, tzinfo=VN)
DAWN = datetime(2024, 3, 14, 7, 0, tzinfo=VN)
EVENING = datetime(2024, 3, 14, 20, 0, tzinfo=VN)
YESTERDAY = TODAY - timedelta(1)
HONG_NGU_FILE = settings.BASE_DIR / "campaigns" / "bluezone-hong-ngu-2020.yaml"
PROVINCE_FILE = settings.BASE_DIR / "campaigns" / "bluezone-dong-thap-demo.yaml"
UNITS = 29  # reporting units: Hồng Ngự's 22 and Tam Nông's 7

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug(settings):
    settings.DEBUG = True  # as under `make run`; the command refuses otherwise


def demo(at: datetime = MORNING) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("demo", stdout=out)
    return out.getvalue()


def campaign() -> Campaign:
    return Campaign.objects.get(slug="bluezone-demo")


def reports():
    return Report.objects.filter(campaign__slug="bluezone-demo").select_related("unit")


def counts() -> dict[str, int]:
    return {
        "teams": Team.objects.count(),
        "visits": Visit.objects.count(),
        "inspections": Inspection.objects.count(),
        "samples": Sample.objects.count(),
        "campaigns": Campaign.objects.count(),
        "units": Unit.objects.count(),
        "participations": Participation.objects.count(),
        "reports": Report.objects.count(),
        "revisions": Revision.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_it_loads_the_province_as_demo_data_with_today_the_fifth_of_seven_days():
    demo()
    c = campaign()
    assert c.title.startswith("[DEMO] ")
    assert c.root.code == "87"
    assert c.participations_on(TODAY).count() == UNITS
    in_district = c.participations_on(TODAY).filter(unit__path__startswith="87/870/")
    assert in_district.count() == 22
    assert (c.start, c.target_date, c.end) == (
        TODAY - timedelta(4),
        TODAY + timedelta(2),
        TODAY + timedelta(2),
    )


def test_it_prints_the_url_and_the_demo_password():
    out = demo()
    assert "DEMO" in out
    assert "http://127.0.0.1:8000/" in out
    assert re.search(r"password of every demo user: \S+", out)


def test_the_url_follows_the_port(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    assert "http://127.0.0.1:8123/" in demo()


def test_about_half_of_the_units_have_reported_today():
    demo()
    share = reports().filter(date=TODAY).count() / UNITS
    assert 0.3 <= share <= 0.7


def test_the_history_has_late_reports_and_a_unit_missing_yesterday():
    demo()
    assert reports().filter(status=Status.LATE).count() >= 1
    assert reports().filter(date=TODAY - timedelta(1)).count() < UNITS
    for report in reports().filter(status=Status.LATE):
        assert report.first_submitted_at.astimezone(VN).hour >= 15


def test_most_reports_arrive_between_eight_and_ten_to_three():
    demo()
    arrivals = [r.first_submitted_at.astimezone(VN) for r in reports()]
    in_hours = [a for a in arrivals if (8, 0) <= (a.hour, a.minute) <= (14, 50)]
    assert len(in_hours) >= 0.85 * len(arrivals)


def test_exactly_one_report_is_corrected_the_same_day_with_a_note_and_lower_installs():
    demo()
    (second,) = Revision.objects.filter(report__campaign__slug="bluezone-demo", number__gt=1)
    first = second.report.revisions.get(number=1)
    assert second.number == 2
    assert second.note
    assert second.submitted_at.astimezone(VN).date() == second.report.date
    lowered = [
        key
        for key in second.figures
        if second.figures[key]["installed"] < first.figures[key]["installed"]
    ]
    assert lowered


def test_installs_and_smartphones_never_go_down_from_one_day_to_the_next():
    demo()
    by_unit = defaultdict(list)
    for report in reports().order_by("date"):
        by_unit[report.unit.code].append(report.figures)
    for history in by_unit.values():
        for before, after in zip(history, history[1:], strict=False):
            for key, group in after.items():
                assert group["installed"] >= before[key]["installed"]
                assert group["with_smartphone"] >= before[key]["with_smartphone"]
                assert group["installed"] <= group["with_smartphone"]


def test_staff_rise_fast_and_residents_start_low():
    demo()
    first_day = reports().filter(date=TODAY - timedelta(4))
    for report in first_day.exclude(unit__kind=Unit.Kind.OFFICE):
        residents = report.figures["residents"]
        assert 2000 <= residents["with_smartphone"] <= 7000
        assert 0.13 <= residents["installed"] / residents["with_smartphone"] <= 0.27
    yesterday = reports().filter(date=TODAY - timedelta(1))
    staff = [r.figures["staff"] for r in yesterday]
    assert sum(g["installed"] for g in staff) / sum(g["with_smartphone"] for g in staff) > 0.9


def test_reports_carry_the_days_activities_as_units_really_do_them():
    demo()
    broadcasts = []
    for report in reports():
        if report.unit.kind == Unit.Kind.OFFICE:
            assert set(report.activities) == {"meetings", "social_posts"}
        else:
            assert report.activities["leaflets"] >= 100
            assert report.activities["households_visited"] > 0
            broadcasts.append(report.activities["broadcasts"])
    assert set(broadcasts) <= {1, 2, 3}
    assert 1 in broadcasts
    assert broadcasts.count(1) < 0.25 * len(broadcasts)


def test_some_units_phoned_in_their_figures_to_the_coordinator():
    demo()
    phoned = Revision.objects.filter(report__campaign__slug="bluezone-demo", on_behalf=True)
    assert phoned.exists()
    for revision in phoned:
        assert revision.source
        assert revision.received_at <= revision.submitted_at
        assert revision.submitted_by.username == "vhtt"


@pytest.mark.parametrize(
    ("username", "role", "units"),
    [
        ("admin", Role.ADMIN, set()),
        ("vhtt", Role.COORDINATOR, {"870"}),
        ("lanhdao", Role.VIEWER, {"870"}),
        ("ttt", Role.REPORTER, {"870-TTT"}),
        ("noivu", Role.REPORTER, {"870-NV"}),
        ("longkhanha", Role.REPORTER, {"870-LKA"}),
        ("sotttt", Role.COORDINATOR, {"87"}),
        ("lanhdao.tinh", Role.VIEWER, {"87"}),
        ("vhtt.tamnong", Role.COORDINATOR, {"871"}),
        ("tramchim", Role.REPORTER, {"871-TC"}),
        ("phuhiep", Role.REPORTER, {"871-PH"}),
    ],
)
def test_every_role_has_a_user_who_logs_in_with_the_printed_password(username, role, units):
    password = re.search(r"password of every demo user: (\S+)", demo()).group(1)
    profile = Profile.objects.get(user__username=username)
    assert profile.role == role
    assert set(profile.units.values_list("code", flat=True)) == units
    assert Client().login(username=username, password=password)


def test_the_admin_may_use_djangos_admin():
    demo()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_every_report_was_sent_by_someone_allowed_to():
    demo()
    for revision in Revision.objects.filter(report__campaign__slug="bluezone-demo"):
        profile = Profile.objects.get(user=revision.submitted_by)
        assert profile.can_submit(revision.report.unit)


def test_running_it_twice_duplicates_nothing():
    demo()
    before = counts()
    figures_before = sorted((r.unit.code, r.date, str(r.figures)) for r in reports())
    demo(MORNING + timedelta(minutes=30))
    assert counts() == before
    assert sorted((r.unit.code, r.date, str(r.figures)) for r in reports()) == figures_before


def test_running_it_another_day_moves_the_campaign_to_that_day():
    demo()
    demo(MORNING + timedelta(days=3))
    c = campaign()
    assert c.start == TODAY + timedelta(3) - timedelta(4)
    assert not reports().filter(date__lt=c.start).exists()
    assert Campaign.objects.filter(slug="bluezone-demo").count() == 1


def test_a_compilation_of_the_demo_does_not_stop_the_next_reset():
    from uptake.documents.actions import make_draft

    demo()
    with time_machine.travel(MORNING, tick=False):
        make_draft(campaign(), TODAY - timedelta(2), unit="871")
    demo(MORNING + timedelta(days=1))
    assert set(Compilation.objects.values_list("date", flat=True)) == {TODAY, TODAY + timedelta(1)}
    ids = {str(pk) for pk in Compilation.objects.values_list("pk", flat=True)}
    audited = AuditEntry.objects.filter(object_type="compilation")
    assert set(audited.values_list("object_id", flat=True)) == ids
    assert campaign().start == TODAY + timedelta(1) - timedelta(4)


def test_other_campaigns_are_left_alone():
    with time_machine.travel(datetime(2020, 8, 17, 10, 0, tzinfo=VN), tick=False):
        other, _stats = load_campaign(campaign_data())
        root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
        submit_report(
            campaign=other,
            unit=Unit.objects.get(code="870-TTT"),
            day=date(2020, 8, 17),
            figures=figures(),
            user=root,
        )
    theirs = {
        "reports": list(Report.objects.filter(campaign=other).values()),
        "revisions": list(Revision.objects.filter(report__campaign=other).values()),
        "audit": list(AuditEntry.objects.values()),
        "participations": list(other.participations.values()),
    }
    demo()
    demo()
    other.refresh_from_db()
    assert (other.title, other.start, other.end, other.root.code) == (
        "Cài đặt, sử dụng ứng dụng Bluezone",
        date(2020, 8, 14),
        date(2020, 8, 31),
        "87",
    )
    assert list(Report.objects.filter(campaign=other).values()) == theirs["reports"]
    assert list(Revision.objects.filter(report__campaign=other).values()) == theirs["revisions"]
    assert list(other.participations.values()) == theirs["participations"]
    ids = [e["id"] for e in theirs["audit"]]
    assert list(AuditEntry.objects.filter(id__in=ids).values()) == theirs["audit"]
    # The district stays in the province the other campaign put it in; its levels are its own.
    assert Unit.objects.get(code="870-TTT").path == "87/870/870-TTT/"
    assert campaign().root.code == "87"
    assert list(other.coordinations.values_list("unit__code", "office__code")) == [
        ("87", "870-VHTT")
    ]


@pytest.mark.parametrize("now", [DAWN, MORNING, EVENING], ids=["07:00", "10:00", "20:00"])
def test_nothing_is_in_the_future_whatever_the_hour(now):
    demo(now)
    assert reports().filter(date=TODAY).count() >= 0.3 * UNITS
    assert not reports().filter(date__gt=TODAY).exists()
    for report in reports():
        assert report.first_submitted_at <= now
        assert report.submitted_at <= now
    revisions = Revision.objects.filter(report__campaign__slug="bluezone-demo")
    assert all(r.submitted_at <= now for r in revisions)
    assert all(r.received_at <= now for r in revisions if r.received_at)
    assert all(e.at <= now for e in AuditEntry.objects.all())


def test_reports_today_are_on_time_at_dawn():
    demo(DAWN)
    today = reports().filter(date=TODAY)
    assert {r.status for r in today} == {Status.ON_TIME}
    assert all(r.first_submitted_at.astimezone(VN).date() == TODAY for r in today)


def test_it_refuses_to_publish_a_password_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    with time_machine.travel(MORNING, tick=False):
        with pytest.raises(CommandError, match="DEBUG"):
            call_command("demo", stdout=StringIO())
        assert not Campaign.objects.exists()
        call_command("demo", "--force", stdout=StringIO())
    assert campaign()


# --- door to door (#4) and an inspection (#5) ------------------------------------------------


def visits():
    return Visit.objects.filter(campaign__slug="bluezone-demo").select_related(
        "hamlet", "team", "recorded_by", "revisit_of"
    )


def test_teams_of_the_town_and_long_khanh_a_go_door_to_door():
    demo()
    teams = Team.objects.filter(campaign__slug="bluezone-demo").select_related("commune")
    assert sorted(t.commune.code for t in teams) == ["870-LKA", "870-TTT", "870-TTT"]
    reporters = {"870-TTT": "ttt", "870-LKA": "longkhanha"}
    for team in teams:
        assert team.organisations
        members = set(team.members.values_list("username", flat=True))
        volunteers = members - {reporters[team.commune.code]}
        assert reporters[team.commune.code] in members and len(volunteers) == 1
        hamlets = list(team.hamlets.all())
        assert hamlets and all(h.parent_id == team.commune_id for h in hamlets)


def test_volunteers_are_printed_log_in_and_see_only_their_teams_hamlets():
    out = demo()
    password = re.search(r"password of every demo user: (\S+)", out).group(1)
    for team in Team.objects.filter(campaign__slug="bluezone-demo"):
        volunteer = team.members.get(profile__role=Role.VIEWER)
        assert volunteer.username in out
        assert not volunteer.profile.units.exists()
        assert Client().login(username=volunteer.username, password=password)
        seen = set(access.visible_hamlets(volunteer, campaign()).values_list("pk", flat=True))
        assert seen == set(team.hamlets.values_list("pk", flat=True))


def test_a_few_hundred_visits_in_the_past_with_every_outcome():
    demo()
    found = list(visits())
    assert 200 <= len(found) <= 600
    c = campaign()
    assert {v.outcome for v in found} == set(Outcome.values)
    assert {v.day for v in found} == {c.start + timedelta(n) for n in range(5)}
    for v in found:
        assert v.visited_at <= MORNING
        assert v.hamlet in v.team.hamlets.all()
        assert v.team.members.filter(pk=v.recorded_by_id).exists()
        if v.outcome in (Outcome.NO_SMARTPHONE, Outcome.NOBODY_HOME):
            assert v.smartphones == v.already_had == v.installed_now == 0
        else:
            assert v.already_had + v.installed_now <= v.smartphones
    revisits = [v for v in found if v.revisit_of]
    assert revisits
    for v in revisits:
        assert v.revisit_of.outcome == Outcome.NOBODY_HOME
        assert v.revisit_of.household == v.household
        assert v.visited_at > v.revisit_of.visited_at


def test_the_visits_feed_the_communes_daily_report():
    from uptake.fieldwork.progress import visit_totals

    demo()
    totals = visit_totals(campaign(), Unit.objects.get(code="870-TTT"), TODAY)
    assert totals["visits"] > 100
    assert 0 < totals["residents"]["installed"] <= totals["residents"]["with_smartphone"]
    assert totals["activities"]["households_visited"] > 0  # the morning round of today


def test_no_visit_is_recorded_before_it_happens_at_dawn():
    demo(DAWN)
    assert not visits().filter(day=TODAY).exists()
    assert all(v.visited_at <= DAWN for v in visits())


def test_the_coordinator_inspected_long_khanh_a_and_found_a_gap():
    demo()
    (inspection,) = Inspection.objects.filter(campaign__slug="bluezone-demo")
    assert inspection.unit.code == "870-LKA"
    assert inspection.date == TODAY - timedelta(1)
    assert inspection.recorded_by.username == "vhtt"
    assert inspection.sample.source == Sample.Source.VISITS
    assert inspection.sample_size == len(inspection.sample.items)
    assert 0 < inspection.verified_rate < 1
    gap = Flag.objects.get(campaign__slug="bluezone-demo", rule="verified_gap")
    assert (gap.unit, gap.date, gap.group) == (inspection.unit, inspection.date, "residents")


def test_the_same_day_gives_the_same_door_to_door_data():
    def story():
        return sorted(
            (v.hamlet.code, v.household, v.visited_at, v.outcome, v.smartphones, v.installed_now)
            for v in visits()
        )

    demo()
    first = story()
    demo()
    assert story() == first


def test_it_is_fast():
    started = time.monotonic()
    demo()
    assert time.monotonic() - started < 10


# --- the chain of reports (#14) ---------------------------------------------------------------


def levels() -> dict[str, Coordination]:
    return {lv.unit.code: lv for lv in Scope.system(campaign()).levels}


def compilations(day: date) -> dict[str, Compilation]:
    found = Compilation.objects.filter(campaign__slug="bluezone-demo", date=day)
    return {c.unit.code: c for c in found.select_related("unit", "office", "approved_by")}


def scope(username: str) -> Scope:
    return Scope.of(get_user_model().objects.get(username=username), campaign())


def test_the_province_and_both_districts_compile_each_their_own_report():
    demo()
    found = levels()
    assert {code: lv.office.code for code, lv in found.items()} == {
        "87": "87-STTTT",
        "870": "870-VHTT",
        "871": "871-VHTT",
    }
    assert [found[code].compile_time().strftime("%H:%M") for code in ("87", "870", "871")] == [
        "17:30",
        "16:30",
        "16:30",
    ]
    assert [lv.unit.code for lv in Scope.system(campaign()).below(found["87"])] == ["870", "871"]
    province = Unit.objects.get(code="87")
    assert (province.name, province.kind, province.parent) == ("Tỉnh Đồng Tháp", "province", None)
    tam_nong = campaign().participations_on(TODAY).filter(unit__path__startswith="87/871/")
    kinds = sorted(tam_nong.values_list("unit__kind", flat=True))
    assert 5 <= len(kinds) <= 8 and {"office", "commune"} <= set(kinds)


def test_hong_ngu_keeps_the_units_office_and_letterhead_of_its_own_file():
    demo()
    district = parse(read_file(HONG_NGU_FILE))
    in_file = {u.code for u in [*walk(district.units[0])] if u.reports}
    c = campaign()
    in_demo = c.participations_on(TODAY).filter(unit__path__startswith="87/870/")
    assert set(in_demo.values_list("unit__code", flat=True)) == in_file
    level = levels()["870"]
    assert level.office.code == district.coordinator
    assert level.document == district.document.model_dump(mode="json")
    assert level.document["parent_issuer"] == "UBND HUYỆN HỒNG NGỰ"


def walk(unit):
    yield unit
    for child in unit.units:
        yield from walk(child)


def test_the_province_has_its_own_letterhead_and_recipients():
    demo()
    top = levels()["87"]
    assert campaign().source["document"]["issuer"] == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert campaign().source["document"]["symbol"] == "BC-STTTT"
    recipients = campaign().source["document"]["recipients"]
    assert recipients[0]["name"] == "Bộ Thông tin và Truyền thông"
    assert all(r["email"].endswith("@example.org") for r in recipients if r.get("email"))
    assert top.is_top
    assert levels()["871"].document["parent_issuer"] == "UBND HUYỆN TAM NÔNG"


def test_both_files_stay_valid_campaigns_on_their_own():
    district, _ = load_campaign(read_file(HONG_NGU_FILE))
    assert district.root.code == "870"
    assert list(district.coordinations.values_list("unit__code", flat=True)) == ["870"]
    province, _ = load_campaign(read_file(PROVINCE_FILE))
    assert province.root.code == "87"
    assert sorted(province.coordinations.values_list("unit__code", flat=True)) == ["87", "871"]
    assert Unit.objects.get(code="870").path == "870/"  # the province's file leaves it alone
    demo()
    assert Unit.objects.get(code="870-TTT").path == "87/870/870-TTT/"
    assert Campaign.objects.get(slug=district.slug).root.code == "870"


def test_the_history_covers_tam_nong_sent_by_its_own_people():
    demo()
    c = campaign()
    for n in range(4):
        sent = reports().filter(date=c.start + timedelta(n), unit__path__startswith="87/871/")
        assert sent.count() >= 6
    by = {
        r.report.unit.code: r.submitted_by.username
        for r in Revision.objects.filter(
            report__unit__code__in=["871-VHTT", "871-TC", "871-AL"]
        ).select_related("report__unit", "submitted_by")
    }
    assert by == {"871-VHTT": "vhtt.tamnong", "871-TC": "tramchim", "871-AL": "anlong"}
    assert not reports().filter(date=TODAY, unit__code="871-TC").exists()  # tramchim: not yet


def test_hong_ngu_approved_yesterday_and_tam_nong_has_not_yet():
    demo()
    yesterday = compilations(YESTERDAY)
    assert set(yesterday) == {"87", "870", "871"}
    hong_ngu = yesterday["870"]
    assert hong_ngu.state == State.APPROVED
    assert (hong_ngu.reference, hong_ngu.office.code) == ("01/BC-VHTT", "870-VHTT")
    assert hong_ngu.approved_by.username == "vhtt"
    assert hong_ngu.situation
    assert hong_ngu.approved_at <= MORNING
    assert yesterday["871"].state == State.DRAFT and yesterday["871"].number is None
    assert yesterday["87"].state == State.DRAFT and yesterday["87"].number is None
    today = compilations(TODAY)
    assert set(today) == {"870"}
    assert today["870"].state == State.DRAFT and today["870"].made_by.username == "vhtt"


def test_the_province_draft_builds_on_hong_ngus_approved_report():
    demo()
    province, hong_ngu = compilations(YESTERDAY)["87"], compilations(YESTERDAY)["870"]
    assert province.snapshot["below"] == [
        {"unit": "870", "state": "approved", "reference": "01/BC-VHTT"},
        {"unit": "871", "state": "draft", "reference": None},
    ]
    rows = {row["code"]: row for row in province.snapshot["areas"]}
    assert (rows["870"]["approved"], rows["871"]["approved"]) == (True, False)
    for key, total in hong_ngu.snapshot["totals"].items():
        assert rows["870"]["totals"][key]["installed"] == total["installed"]
        both = rows["870"]["totals"][key]["installed"] + rows["871"]["totals"][key]["installed"]
        assert province.snapshot["totals"][key]["installed"] == both


def test_each_coordinator_compiles_their_own_level_and_reads_the_province():
    demo()
    compiled = {
        username: [lv.unit.code for lv in scope(username).compiled_levels()]
        for username in ("sotttt", "vhtt", "vhtt.tamnong", "lanhdao.tinh", "lanhdao")
    }
    assert compiled == {
        "sotttt": ["87"],
        "vhtt": ["870"],
        "vhtt.tamnong": ["871"],
        "lanhdao.tinh": [],
        "lanhdao": [],
    }
    read = {
        username: [lv.unit.code for lv in scope(username).readable_levels()]
        for username in ("sotttt", "lanhdao.tinh", "vhtt", "lanhdao", "vhtt.tamnong", "ttt")
    }
    assert read == {
        "sotttt": ["87", "870", "871"],
        "lanhdao.tinh": ["87", "870", "871"],
        "vhtt": ["87", "870"],
        "lanhdao": ["87", "870"],
        "vhtt.tamnong": ["87", "871"],
        "ttt": [],
    }
    # The district's people still open on the district.
    assert [u.code for u in scope("vhtt").roots] == ["870"]
    assert [u.code for u in scope("lanhdao").roots] == ["870"]


def test_the_coordinators_and_admin_have_the_published_key():
    demo()
    devices = TOTPDevice.objects.filter(name="demo", confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == [
        "admin",
        "sotttt",
        "vhtt",
        "vhtt.tamnong",
    ]


def page(username: str, path: str):
    client = VerifiedClient()
    client.force_login(get_user_model().objects.get(username=username))
    with time_machine.travel(MORNING, tick=False):
        return client.get(path)


def test_the_province_page_lists_which_districts_approved_with_their_numbers():
    demo()
    response = page("sotttt", f"/c/bluezone-demo/compilations/{YESTERDAY}/")
    assert response.status_code == 200
    below = response.context["below"]
    assert [(b["level"].unit.code, b["compilation"].state) for b in below] == [
        ("870", State.APPROVED),
        ("871", State.DRAFT),
    ]
    html = response.content.decode()
    start = html.index('id="h-below"')
    section = html[start : html.index("</section>", start)]
    assert "Huyện Hồng Ngự" in section and "01/BC-VHTT" in section
    assert "Huyện Tam Nông" in section and 'class="state draft"' in section


@pytest.mark.parametrize(
    ("username", "query", "status"),
    [
        ("vhtt", "?unit=870", 200),
        ("vhtt", "", 200),  # the province's report, read only
        ("vhtt", "?unit=871", 403),
        ("vhtt.tamnong", "?unit=871", 200),
        ("vhtt.tamnong", "?unit=870", 403),
        ("lanhdao.tinh", "?unit=871", 200),
    ],
)
def test_each_district_sees_its_own_day_and_the_provinces(username, query, status):
    demo()
    response = page(username, f"/c/bluezone-demo/compilations/{YESTERDAY}/{query}")
    assert response.status_code == status


def test_running_it_again_numbers_hong_ngus_report_01_again():
    demo()
    demo()
    assert compilations(YESTERDAY)["870"].reference == "01/BC-VHTT"
    register = Counter.objects.get(office__code="870-VHTT", symbol="BC-VHTT")
    assert register.last_number == 1


def test_a_number_another_campaign_took_after_the_demos_is_never_handed_out_again():
    from uptake.documents.actions import approve_compilation, make_draft

    demo()
    with time_machine.travel(MORNING, tick=False):
        other, _ = load_campaign(campaign_data())  # the district's office coordinates it too
        draft, _ = make_draft(other, date(2020, 8, 17))
        theirs = approve_compilation(draft, None, confirm=True)
    assert theirs.reference == "02/BC-VHTT"
    demo()
    assert compilations(YESTERDAY)["870"].reference == "03/BC-VHTT"
    theirs.refresh_from_db()
    assert theirs.reference == "02/BC-VHTT"
