"""Days typed and shown as dd/mm/yyyy whatever the language (#17): uptake.lib.dates."""

from __future__ import annotations

from datetime import date, datetime

from django.test import SimpleTestCase
from django.utils import translation

from uptake.lib.dates import DayField, DayInput, MomentField, parse_day
from uptake.test import VN


class DatesTest(SimpleTestCase):
    def test_it_reads_a_day_written_as_people_here_write_it(self):
        for typed in ("05/12/2026", "5/12/2026", "5.12.2026", "05-12-2026", " 5 / 12 / 2026 "):
            with self.subTest(typed=typed):
                self.assertEqual(parse_day(typed), date(2026, 12, 5))

    def test_it_reads_iso_days_from_links(self):
        self.assertEqual(parse_day("2026-12-05"), date(2026, 12, 5))

    def test_it_refuses_a_month_first_day_and_nonsense(self):
        for typed in ("12/31/2026", "31/02/2026", "hôm nay", "", None):
            with self.subTest(typed=typed):
                self.assertIsNone(parse_day(typed))

    def test_the_field_reads_dd_mm_yyyy_in_english_too(self):
        with translation.override("en"):
            self.assertEqual(DayField().clean("05/12/2026"), date(2026, 12, 5))
            with self.assertRaisesMessage(Exception, "dd/mm/yyyy"):
                DayField().clean("12/31/2026")

    def test_the_input_is_a_text_field_showing_dd_mm_yyyy(self):
        with translation.override("en"):
            html = DayInput().render("day", date(2026, 12, 5))
        self.assertIn('type="text"', html)
        self.assertIn('value="05/12/2026"', html)
        self.assertIn('inputmode="numeric"', html)
        self.assertNotIn('type="date"', html)

    def test_a_moment_reads_as_the_pages_show_it(self):
        with translation.override("en"), self.settings(TIME_ZONE="Asia/Ho_Chi_Minh"):
            field = MomentField()
            expected = datetime(2026, 12, 5, 14, 5, tzinfo=VN)
            for typed in ("14:05 05/12/2026", "05/12/2026 14:05", "14:05 5.12.2026"):
                with self.subTest(typed=typed):
                    self.assertEqual(field.clean(typed), expected)
            self.assertIn('value="14:05 05/12/2026"', field.widget.render("at", expected))
