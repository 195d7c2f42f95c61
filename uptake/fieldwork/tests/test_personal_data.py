"""Household visits keep no names, phone numbers or e-mail addresses (label and note).

Households are told apart by a house number or a short address; "nhà ông Ba" or "chị Lan
0912 345 678" is refused, with the reason, by the server (and the same rule on the phone).
"""

from __future__ import annotations

import json

from django.utils import translation

from uptake.fieldwork.actions import VisitInvalid, personal_data_error
from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase

NAMES = [
    "Nhà ông Ba",
    "Nhà Ông Ba",
    "hộ bà Nguyễn Thị Tư",
    "nhà bác Hai",
    "Cô Giang",
    "Nguyễn Văn An",
    "Tên: An",
    "Họ tên: Lê Văn Cường",
    "Mr Smith",
]
ADDRESSES = [
    "Số 12, tổ 3",
    "Nhà 7",
    "Hẻm 2, số 15",
    "12 Bà Triệu",
    "12 Cầu Ông Lãnh",
    "45 Nguyễn Thị Minh Khai",
    "Ấp Long Thạnh, nhà số 7",
    "Khóm An Thịnh, cạnh chợ",
]
NOTES_WITH_NAMES = ["chị Lan hẹn chiều mai quay lại", "Gặp anh Tùng, con trai chủ hộ"]
NOTES_WITHOUT = ["Anh em đi vắng, quay lại sau", "Cài giúp 2 máy", "Điện thoại cũ, không cài được"]


class PersonalDataTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))

    def refused(self, field: str, **changes) -> str:
        with self.assertRaises(VisitInvalid) as caught:
            self.record(**changes)
        errors = {e.field: e.message for e in caught.exception.errors}
        self.assertIn(field, errors)
        self.assertFalse(Visit.objects.exists())
        return errors[field]

    def test_a_label_with_a_name_is_refused(self):
        for label in NAMES:
            with self.subTest(label=label):
                self.assertEqual(
                    self.refused("household", household=label),
                    "Do not write people's names: a house number or a short address is enough.",
                )

    def test_a_note_with_a_name_is_refused(self):
        for note in NOTES_WITH_NAMES:
            with self.subTest(note=note):
                self.assertIn("people's names", self.refused("note", note=note))

    def test_a_phone_number_or_an_e_mail_is_refused_in_the_label_and_the_note(self):
        for text in ("0912 345 678", "+84.912.345.678", "(029) 3833 1234"):
            with self.subTest(text=text):
                self.assertIn("phone numbers", self.refused("household", household=f"Số 3 {text}"))
                self.assertIn("phone numbers", self.refused("note", note=f"gọi {text}"))
        self.assertIn("e-mail", self.refused("household", household="an@example.org"))

    def test_addresses_and_plain_notes_are_stored(self):
        for label in ADDRESSES:
            self.assertIsNone(personal_data_error(label), label)
        for note in NOTES_WITHOUT:
            self.assertIsNone(personal_data_error(note), note)
        visit = self.record(household="45 Nguyễn Thị Minh Khai", note=NOTES_WITHOUT[0])
        self.assertEqual(visit.household, "45 Nguyễn Thị Minh Khai")

    def test_the_api_says_why(self):
        body = json.dumps(self.payload(household="Nhà ông Ba"))
        response = self.client.post(
            "/api/v1/visits",
            body,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
            **self.bearer(self.mai),
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "household")
        self.assertFalse(Visit.objects.exists())

    def test_the_phone_page_knows_the_same_rule(self):
        # visit.js mirrors looks_like_a_name; the page brings it the message in its language.
        self.client.force_login(self.mai)
        self.client.cookies.load({"django_language": "en"})
        page = self.client.get(f"/c/{self.campaign.slug}/visits/")
        self.assertContains(page, '"name": "Do not write people\'s names')
