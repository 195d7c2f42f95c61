"""flags_for(): the open flags the compilation (#3) and a unit's page show."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from uptake.quality.actions import dismiss_flag, flags_for, record_inspection
from uptake.quality.models import Method
from uptake.quality.tests.helpers import quality_case
from uptake.test import BaseTestCase, figures


@quality_case
class FlagsForTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        for day in (14, 15, 16):
            self.submit("870-TTT", day=date(2020, 8, day))
            self.submit("869-TH", day=date(2020, 8, day), user=self.tuan)
        self.submit("870-LKA", day=date(2020, 8, 15), figures=figures(residents=(5000, 2000)))
        self.submit(
            "870-LKA", day=date(2020, 8, 16), figures=figures(residents=(5000, 1900)), note="sửa"
        )
        record_inspection(
            self.campaign,
            self.unit("870-LKA"),
            user=self.minh,
            date=date(2020, 8, 17),
            method=Method.STAFF_PHONES,
            group="staff",
            sample_size=10,
            with_app=5,
        )

    def test_it_checks_first_then_gives_the_flags_most_severe_first(self):
        found = flags_for(self.campaign, root=self.unit("870"))
        self.assertEqual(
            [(f.unit.code, f.date.day, f.rule) for f in found],
            [
                ("870-LKA", 17, "verified_gap"),
                ("870-TTT", 16, "stale"),
                ("870-LKA", 16, "decrease"),
            ],
        )

    def test_it_keeps_to_the_days_asked(self):
        found = flags_for(self.campaign, date(2020, 8, 16), date(2020, 8, 16), self.unit("870"))
        self.assertEqual({f.date for f in found}, {date(2020, 8, 16)})

    def test_the_whole_campaign_by_default(self):
        self.assertEqual(len(flags_for(self.campaign)), 4)

    def test_a_dismissed_flag_is_left_out_unless_asked_for(self):
        flag = flags_for(self.campaign, root=self.unit("870-TTT"))[0]
        dismiss_flag(flag, user=self.minh, reason="Đã kiểm tra tại chỗ")
        self.assertEqual(flags_for(self.campaign, root=self.unit("870-TTT")), [])
        self.assertEqual(
            len(flags_for(self.campaign, root=self.unit("870-TTT"), include_dismissed=True)), 1
        )

    def test_each_flag_reads_as_a_sentence(self):
        flag = flags_for(self.campaign, root=self.unit("870-TTT"))[0]
        with translation.override("en"):
            self.assertIn("The same figures (2,950 of 5,200", flag.message)
            self.assertEqual(flag.as_dict()["rule"], "stale")
