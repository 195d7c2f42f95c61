"""The report page's starting points: the commune's household visits (#4) and the unit's staff
roster (#5) offered beside the daily form's fields, with their source; nothing is filed until
the reporter submits."""

from __future__ import annotations

from datetime import date

from uptake.campaigns.loader import load_campaign
from uptake.fieldwork.tests.base import FieldworkTestCase, fieldwork_campaign
from uptake.quality.models import StaffMember
from uptake.reports.models import Report
from uptake.reports.tests.test_report import form_data
from uptake.test import NOW, figures

URL = "/c/bluezone-2020/report/"
NONE = {"smartphones": 0, "already_had": 0, "installed_now": 0}


def with_households_visited() -> dict:
    """The door-to-door campaign file with #9's households visited, reported by the town."""
    data = fieldwork_campaign()
    data["activities"]["households_visited"] = {"name": "Hộ gia đình đã đến", "unit": "hộ"}
    district = data["units"][0]["units"][0]
    town = next(u for u in district["units"] if u["code"] == "870-TTT")
    town["activities"] = [*town["activities"], "households_visited"]
    return data


class SuggestionsTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.campaign, _stats = load_campaign(with_households_visited())
        self.submit("870-TTT", date(2020, 8, 16), user=self.lan)  # 41/39 staff, 5200/2950
        self.client.force_login(self.lan)
        self.client.cookies["django_language"] = "en"

    def visits(self):
        """Khóm An Thịnh: 16/08 one household already had it (2 phones); 17/08 one installed
        (3 phones, 1 had, 2 now), one refused (1 phone), one nobody home."""
        self.record(
            household="Số 5",
            outcome="already_had",
            smartphones=2,
            already_had=2,
            installed_now=0,
            at=NOW.replace(day=16, hour=17),
        )
        at = NOW.replace(hour=8)
        self.record(household="Số 1", smartphones=3, already_had=1, installed_now=2, at=at)
        self.record(
            household="Số 2",
            outcome="refused",
            smartphones=1,
            already_had=0,
            installed_now=0,
            at=at,
        )
        self.record(household="Số 3", outcome="nobody_home", at=at, **NONE)

    def roster(
        self, rows=((True, True), (True, True), (True, True), (True, False), (False, False))
    ):
        """Five staff by default: four with a smartphone, three of them installed."""
        for i, (phone, installed) in enumerate(rows):
            StaffMember.objects.create(
                campaign=self.campaign,
                unit=self.town,
                name=f"Cán bộ {i}",
                has_smartphone=phone,
                installed=installed,
                row=i,
            )

    def form(self, response):
        (section,) = [s for s in response.context["sections"] if s.unit.code == "870-TTT"]
        return section.form

    def value(self, response, name: str):
        return self.form(response)[f"{name}"].value()

    # --- household visits ---------------------------------------------------------------

    def test_it_offers_the_visits_figures_for_the_residents_with_their_source(self):
        self.visits()
        response = self.client.get(URL)
        self.assertContains(response, "From 4 household visits through 17/08:")
        self.assertContains(response, 'data-source="visits"', count=2)  # residents, activity
        # Smartphones found 2+3+1, with the app 2 (had) + 1 (had) + 2 (installed now).
        offers = self.form(response).offers("residents")
        self.assertEqual(
            offers[0].suggestion.values,
            {"residents__with_smartphone": 6, "residents__installed": 5},
        )
        self.assertContains(response, "?unit=870-TTT&amp;use=visits#u-870-TTT")
        # Not filled by default: the form keeps the commune's own latest figures.
        self.assertEqual(self.value(response, "residents__with_smartphone"), 5200)
        self.assertEqual(self.value(response, "residents__installed"), 2950)

    def test_use_visits_fills_the_form_and_stores_nothing(self):
        self.visits()
        before = Report.objects.count()
        response = self.client.get(URL + "?unit=870-TTT&use=visits")
        self.assertEqual(self.value(response, "residents__with_smartphone"), 6)
        self.assertEqual(self.value(response, "residents__installed"), 5)
        self.assertContains(response, "filled in above")
        self.assertEqual(Report.objects.count(), before)
        self.assertFalse(Report.objects.filter(date=date(2020, 8, 17), unit=self.town).exists())

    def test_the_visits_say_which_households_they_cover(self):
        self.visits()
        response = self.client.get(URL)
        # Four households knocked on (one found nobody home), of 620 + 480 in the hamlets.
        self.assertContains(response, "covers only 4 households visited of 1,100 registered")
        self.client.cookies["django_language"] = "vi"
        response = self.client.get(URL)
        self.assertContains(response, "chỉ gồm 4 hộ đã đến trên tổng số 1.100 hộ")

    # --- a suggestion never silently lowers the unit's figures (#13) ---------------------

    def test_a_suggestion_below_the_latest_figures_says_so_and_asks_for_the_note(self):
        self.visits()  # 6 / 5 against the 5200 / 2950 sent on 16/08
        response = self.client.get(URL)
        (offer,) = self.form(response).offers("residents")
        self.assertEqual(offer.suggestion.lowers, ["with_smartphone", "installed"])
        self.assertContains(
            response,
            "Lower than the latest figures sent (5,200 with a smartphone, 2,950 installed)",
        )
        # The script's link makes the note required before it fills the fields.
        self.assertContains(response, 'data-note="id_870-TTT-note"')
        self.assertNotContains(response, 'required id="id_870-TTT-note"')
        self.assertFalse(self.form(response).lowered_by_suggestion)

    def test_used_below_the_latest_figures_the_note_becomes_required(self):
        self.visits()
        response = self.client.get(URL + "?unit=870-TTT&use=visits")
        form = self.form(response)
        self.assertTrue(form.lowered_by_suggestion)
        self.assertTrue(form.fields["note"].widget.attrs.get("required"))
        self.assertInHTML(
            '<textarea name="870-TTT-note" cols="40" rows="2" maxlength="2000" required '
            'aria-describedby="id_870-TTT-note_helptext" id="id_870-TTT-note"></textarea>',
            response.content.decode(),
        )
        self.assertContains(response, "The figures used are lower than the latest ones sent")
        # Sent as filled, without a note: refused, nothing stored.
        response = self.client.post(URL, form_data(residents=("6", "5")))
        self.assertEqual(response.status_code, 200)
        self.assertIn("residents__installed", self.form(response).errors)
        self.assertFalse(Report.objects.filter(date=date(2020, 8, 17), unit=self.town).exists())
        # With the note that every decrease needs, it is the reporter's choice.
        data = form_data(residents=("6", "5"), note="Chỉ tính các hộ đã đến")
        self.assertEqual(self.client.post(URL, data).status_code, 302)

    def test_a_suggestion_above_the_latest_figures_needs_no_note(self):
        self.submit("870-TTT", date(2020, 8, 16), user=self.lan, figures=figures(residents=(4, 3)))
        self.visits()
        response = self.client.get(URL + "?unit=870-TTT&use=visits")
        self.assertEqual(self.form(response).offers("residents")[0].suggestion.lowers, [])
        self.assertNotContains(response, "Lower than the latest figures sent")
        self.assertFalse(self.form(response).fields["note"].widget.attrs.get("required"))

    def test_todays_households_visited_are_filled_in_from_the_visits(self):
        self.visits()
        response = self.client.get(URL)
        # 17/08: two households where somebody was home (the third: nobody home).
        self.assertEqual(self.value(response, "activity__households_visited"), 2)
        self.assertFalse(Report.objects.filter(date=date(2020, 8, 17)).exists())

    def test_the_reporter_confirms_and_the_figures_are_stored_as_sent(self):
        self.visits()
        data = form_data(residents=("6", "5"), activity__households_visited="2", note="Theo tổ")
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(unit=self.town, date=date(2020, 8, 17))
        self.assertEqual(report.figures["residents"], {"with_smartphone": 6, "installed": 5})
        self.assertEqual(report.activities["households_visited"], 2)
        self.assertEqual(report.revisions.get().submitted_by, self.lan)

    def test_a_commune_without_visits_is_offered_nothing(self):
        response = self.client.get(URL)
        self.assertNotContains(response, 'data-source="visits"')
        self.assertIsNone(self.value(response, "activity__households_visited"))

    def test_a_correction_keeps_what_was_sent_and_offers_the_visits(self):
        self.visits()
        self.submit(
            "870-TTT", date(2020, 8, 17), user=self.lan, activities={"households_visited": 9}
        )
        response = self.client.get(URL)
        self.assertEqual(self.value(response, "activity__households_visited"), 9)
        self.assertContains(response, "?unit=870-TTT&amp;use=visits")

    def test_use_is_for_the_unit_it_names(self):
        self.visits()
        response = self.client.get(URL + "?unit=870-LKA&use=visits")
        self.assertEqual(self.value(response, "residents__installed"), 2950)

    # --- the staff roster ---------------------------------------------------------------

    def test_the_staff_figures_come_from_the_roster_by_default_saying_so(self):
        # 43 staff: 42 with a smartphone, 40 of them installed (16/08 said 41 / 39).
        self.roster([(True, True)] * 40 + [(True, False)] * 2 + [(False, False)])
        response = self.client.get(URL)
        self.assertEqual(self.value(response, "staff__with_smartphone"), 42)
        self.assertEqual(self.value(response, "staff__installed"), 40)
        self.assertContains(response, "From the staff roster (43 members):")
        self.assertContains(response, 'class="suggestion applied" data-source="roster"')
        self.assertContains(response, "/c/bluezone-2020/units/870-TTT/roster/")
        self.assertFalse(Report.objects.filter(date=date(2020, 8, 17)).exists())

    def test_a_roster_below_the_latest_figures_is_offered_not_filled_in(self):
        self.roster()  # 4 / 3, against the 41 / 39 sent on 16/08
        response = self.client.get(URL)
        self.assertEqual(self.value(response, "staff__with_smartphone"), 41)
        self.assertEqual(self.value(response, "staff__installed"), 39)
        self.assertContains(response, 'class="suggestion" data-source="roster"')
        self.assertContains(response, "Lower than the latest figures sent (41 with a smartphone")
        self.assertContains(response, "?unit=870-TTT&amp;use=roster")
        self.assertFalse(self.form(response).lowered_by_suggestion)

    def test_the_reporter_still_submits_the_roster_figures(self):
        self.roster()
        response = self.client.post(URL, form_data(staff=("4", "3"), note="Theo danh sách"))
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(unit=self.town, date=date(2020, 8, 17))
        self.assertEqual(report.figures["staff"], {"with_smartphone": 4, "installed": 3})

    def test_after_todays_report_the_roster_is_offered_not_imposed(self):
        self.roster()
        self.submit("870-TTT", date(2020, 8, 17), user=self.lan, figures=figures())
        response = self.client.get(URL)
        self.assertEqual(self.value(response, "staff__with_smartphone"), 41)
        self.assertContains(response, "?unit=870-TTT&amp;use=roster")
        response = self.client.get(URL + "?unit=870-TTT&use=roster")
        self.assertEqual(self.value(response, "staff__installed"), 3)

    def test_a_unit_without_a_roster_keeps_its_latest_figures(self):
        response = self.client.get(URL)
        self.assertEqual(self.value(response, "staff__with_smartphone"), 41)
        self.assertNotContains(response, 'data-source="roster"')

    def test_the_page_loads_its_small_script_that_fills_the_fields_in_place(self):
        self.visits()
        response = self.client.get(URL)
        self.assertContains(response, "/static/reports/suggest.js")
        self.assertContains(
            response, 'data-fill="{&quot;id_870-TTT-residents__with_smartphone&quot;: 6, '
        )
