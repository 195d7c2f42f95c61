"""Unit.search: names found without diacritics; the tree's materialised paths."""

from __future__ import annotations

from uptake.test import BaseTestCase
from uptake.units.models import Unit


class UnitSearchTestCase(BaseTestCase):
    def codes(self, query: str) -> list[str]:
        return sorted(Unit.search(query).values_list("code", flat=True))

    def test_it_finds_a_town_without_diacritics(self):
        self.assertEqual(self.codes("thuong thoi tien"), ["870-TTT"])

    def test_it_finds_it_with_diacritics_and_in_any_case(self):
        self.assertEqual(self.codes("Thường Thới Tiền"), ["870-TTT"])
        self.assertEqual(self.codes("THUONG THOI TIEN"), ["870-TTT"])
        self.assertEqual(self.codes("  thuong   tien "), ["870-TTT"])

    def test_every_word_must_match_in_any_order(self):
        self.assertEqual(self.codes("tien thuong"), ["870-TTT"])
        self.assertEqual(self.codes("thuong hau"), [])
        self.assertEqual(self.codes("long khanh"), ["870-LKA"])
        self.assertEqual(self.codes("phong"), ["870-NV", "870-VHTT"])

    def test_it_matches_parts_of_words(self):
        self.assertEqual(self.codes("dong th"), ["87"])
        self.assertEqual(self.codes("đồng tháp"), ["87"])

    def test_an_empty_query_finds_every_unit(self):
        self.assertEqual(len(self.codes("")), Unit.objects.count())

    def test_wildcards_are_taken_literally(self):
        self.assertEqual(self.codes("%"), [])
        self.assertEqual(self.codes("_"), [])

    def test_renaming_a_unit_updates_its_search_name(self):
        unit = self.unit("870-LKA")
        unit.name = "Xã Long Khánh Mới"
        unit.save()
        self.assertEqual(self.codes("khanh moi"), ["870-LKA"])

    def test_a_units_path_lists_the_codes_down_from_the_top(self):
        self.assertEqual(self.unit("87").path, "87/")
        self.assertEqual(self.unit("870").path, "87/870/")
        self.assertEqual(self.unit("870-TTT").path, "87/870/870-TTT/")
        self.assertTrue(self.unit("870-TTT").is_within(self.unit("870")))
        self.assertTrue(self.unit("870").is_within(self.unit("870")))
        self.assertFalse(self.unit("870").is_within(self.unit("870-TTT")))
        self.assertFalse(self.unit("869-TH").is_within(self.unit("870")))
