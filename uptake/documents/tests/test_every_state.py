"""Every page of the compiled report in every state its compilation can be in, for every role
(#13: the page answered 500 once the scheduler had sent the report, ``d.sent_by.username`` on
a dispatch without a sender).

States: nothing compiled yet, draft, approved, sent by a person, sent automatically (the
scheduler: no sender), and approved and sent by a user since deleted (no approver, no sender).
Roles: minh (coordinator), hoa (viewer, a leader), root (admin), lan (a commune's reporter:
refused), tuan (another district: finds nothing).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from uptake.documents.actions import approve_compilation, make_draft, send_compilation
from uptake.documents.models import Compilation, Counter, Dispatch
from uptake.documents.tests.base import DocumentsTestCase
from uptake.test import TODAY

PAGE = "/c/bluezone-hong-ngu/compilations/2020-08-17/"
LIST = "/c/bluezone-hong-ngu/compilations/"
DOCUMENTS = [PAGE + f"document.{fmt}" for fmt in ("pdf", "docx", "xlsx")]
STATES = ("none", "draft", "approved", "sent_by_person", "sent_automatically", "user_deleted")


class EveryStateTestCase(DocumentsTestCase):
    def make_state(self, state: str) -> Compilation | None:
        if state == "none":
            return None
        approver = self.minh
        if state == "user_deleted":
            approver = self.make_user("hien", "coordinator", "870")
        draft, _made = make_draft(self.campaign, TODAY, approver)
        if state == "draft":
            return draft
        approved = approve_compilation(draft, approver, confirm=True)
        if state == "sent_by_person":
            send_compilation(approved, self.minh)
        elif state in ("sent_automatically", "user_deleted"):
            send_compilation(approved, None if state == "sent_automatically" else approver)
        if state == "user_deleted":
            get_user_model().objects.filter(pk=approver.pk).delete()
        return Compilation.objects.get(pk=approved.pk)

    def get(self, user, url):
        self.client.force_login(user)
        return self.client.get(url)

    def test_every_page_answers_in_every_state_for_every_role(self):
        for state in STATES:
            with self.subTest(state=state):
                Dispatch.objects.all().delete()
                Compilation.objects.all().delete()
                Counter.objects.all().delete()
                self.make_state(state)
                for user in (self.minh, self.hoa, self.root):
                    with self.subTest(state=state, user=user.username):
                        page = self.get(user, PAGE)
                        self.assertEqual(page.status_code, 200)
                        self.assertEqual(self.get(user, LIST).status_code, 200)
                        # The files do not depend on who reads them: every format for the
                        # coordinator, the PDF for the others (rendering is slow).
                        for url in DOCUMENTS if user == self.minh else DOCUMENTS[:1]:
                            r = self.get(user, url)
                            self.assertEqual(r.status_code, 404 if state == "none" else 200, url)
                for url in (PAGE, LIST, *DOCUMENTS):
                    self.assertEqual(self.get(self.lan, url).status_code, 403, url)
                    self.assertEqual(self.get(self.tuan, url).status_code, 404, url)

    def test_a_report_sent_by_the_scheduler_says_it_was_sent_automatically(self):
        self.make_state("sent_automatically")
        for user in (self.minh, self.hoa, self.root):
            page = self.get(user, PAGE)
            self.assertContains(page, "gửi tự động")
            self.assertContains(page, "ubnd@example.org")
            self.assertContains(self.get(user, LIST), "gửi tự động")

    def test_a_report_sent_by_a_person_names_them(self):
        self.minh.first_name, self.minh.last_name = "Minh", "Trần"
        self.minh.save()
        self.make_state("sent_by_person")
        page = self.get(self.hoa, PAGE)
        self.assertContains(page, "Đã duyệt 17/08/2020 10:00 · Minh Trần")
        self.assertContains(page, "Đã gửi 17/08/2020 10:00 · Minh Trần →")
        self.assertNotContains(page, "gửi tự động")

    def test_a_report_whose_approver_was_deleted_still_shows(self):
        self.make_state("user_deleted")
        page = self.get(self.minh, PAGE)
        self.assertContains(page, "01/BC-VHTT")
        self.assertNotContains(page, "hien")
