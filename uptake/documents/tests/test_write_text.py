from __future__ import annotations

from django.core.exceptions import PermissionDenied

from uptake.documents.actions import CompilationError, make_draft, write_text
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY


class WriteTextTestCase(DocumentsTestCase):
    def setUp(self):
        super().setUp()
        self.compilation = make_draft(self.campaign, TODAY, self.minh)[0]

    def test_it_saves_the_coordinators_text(self):
        saved = write_text(
            self.compilation,
            self.minh,
            situation="  Tình hình tốt.  ",
            difficulties="Mạng yếu.",
            proposals="",
        )
        self.assertEqual(saved.situation, "Tình hình tốt.")
        self.assertEqual(saved.difficulties, "Mạng yếu.")
        self.assertEqual(saved.text_by, self.minh)

    def test_a_text_left_out_is_kept(self):
        write_text(self.compilation, self.minh, situation="A", proposals="B")
        saved = write_text(self.compilation, self.minh, difficulties="C")
        self.assertEqual((saved.situation, saved.difficulties, saved.proposals), ("A", "C", "B"))

    def test_the_text_survives_a_refresh(self):
        write_text(self.compilation, self.minh, situation="A")
        refreshed, _ = make_draft(self.campaign, TODAY, self.minh)
        self.assertEqual(refreshed.situation, "A")

    def test_it_refuses_a_text_too_long(self):
        with self.assertRaises(CompilationError) as caught:
            write_text(self.compilation, self.minh, situation="x" * 10_001)
        self.assertEqual(caught.exception.field, "situation")

    def test_viewers_do_not_write(self):
        with self.assertRaises(PermissionDenied):
            write_text(self.compilation, self.hoa, situation="A")
