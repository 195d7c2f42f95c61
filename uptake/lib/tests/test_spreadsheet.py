"""safe_cell(): what a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import SimpleTestCase

from uptake.lib.spreadsheet import safe_cell, unsafe_text


class SafeCellTest(SimpleTestCase):
    def test_text_that_would_run_gets_a_leading_apostrophe(self):
        for text in (
            '=HYPERLINK("http://evil.example","x")',
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
        ):
            with self.subTest(text=text):
                self.assertEqual(safe_cell(text), "'" + text)

    def test_plain_text_is_left_alone(self):
        for text in ("Thị trấn Thường Thới Tiền", "", "5.200", "a=b", " =1"):
            with self.subTest(text=text):
                self.assertEqual(safe_cell(text), text)

    def test_numbers_stay_numbers_even_negative_ones(self):
        for value in (-5, 0, 12, -1.5, Decimal("-3.2"), None, True, date(2020, 8, 17)):
            with self.subTest(value=value):
                self.assertIs(safe_cell(value), value)

    def test_unsafe_text_gives_back_what_safe_cell_was_given(self):
        for text in ("=1+1", "-", "+84", "'quoted'", "plain"):
            with self.subTest(text=text):
                self.assertEqual(unsafe_text(safe_cell(text)), text)
        self.assertEqual(unsafe_text("'plain"), "'plain")
        self.assertEqual(unsafe_text(7), 7)
