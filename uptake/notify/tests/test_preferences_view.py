"""/notifications/preferences/: in the app always; each channel on or off, and per kind."""

from __future__ import annotations

from uptake.notify.actions import effective_channels, preference_of
from uptake.notify.models import Kind, Preference
from uptake.notify.tests.helpers import NotifyTestCase
from uptake.test import PASSWORD

URL = "/notifications/preferences/"


class PreferencesViewTestCase(NotifyTestCase):
    def login(self, user) -> None:
        self.client.login(username=user.username, password=PASSWORD)

    def test_by_default_everything_comes_by_email(self):
        self.login(self.lan)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertTrue(form.initial["email"])
        self.assertEqual(
            form.initial["email_kinds"],
            [Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE],
        )
        self.assertContains(response, "lan@example.org")

    def test_each_role_is_offered_the_kinds_it_receives(self):
        for user, kinds in (
            (self.lan, {Kind.MORNING_REMINDER, Kind.AFTERNOON_REMINDER, Kind.OVERDUE}),
            (self.minh, {Kind.STATUS_LIST, Kind.DRAFT_READY, Kind.SENT}),
            (self.hoa, {Kind.LEADERS_SUMMARY}),
        ):
            self.login(user)
            choices = self.client.get(URL).context["form"].fields["email_kinds"].choices
            self.assertEqual({value for value, _label in choices}, kinds, user.username)

    def test_a_reporter_mutes_the_morning_reminder(self):
        self.login(self.lan)
        response = self.client.post(
            URL, {"email": "on", "email_kinds": [Kind.AFTERNOON_REMINDER, Kind.OVERDUE]}
        )
        self.assertRedirects(response, URL)
        preference = Preference.objects.get(user=self.lan)
        self.assertEqual(
            preference.channels,
            {
                Kind.MORNING_REMINDER: [],
                Kind.AFTERNOON_REMINDER: ["email"],
                Kind.OVERDUE: ["email"],
            },
        )
        self.assertEqual(effective_channels(self.lan, Kind.MORNING_REMINDER), [])
        self.assertEqual(effective_channels(self.lan, Kind.OVERDUE), ["email"])
        response = self.client.get(URL)
        self.assertEqual(
            response.context["form"].initial["email_kinds"],
            [Kind.AFTERNOON_REMINDER, Kind.OVERDUE],
        )

    def test_turning_email_off(self):
        self.login(self.hoa)
        self.client.post(URL, {"email_kinds": [Kind.LEADERS_SUMMARY]})
        self.assertEqual(effective_channels(self.hoa, Kind.LEADERS_SUMMARY), [])

    def test_a_kind_not_offered_is_refused(self):
        self.login(self.lan)
        response = self.client.post(URL, {"email": "on", "email_kinds": ["leaders_summary"]})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertFalse(Preference.objects.exists())

    def test_preferences_are_ones_own(self):
        self.login(self.lan)
        self.client.post(URL, {"email_kinds": []})
        self.assertEqual(effective_channels(self.binh, Kind.OVERDUE), ["email"])
        self.assertEqual(effective_channels(self.lan, Kind.OVERDUE), [])
        self.assertIsNone(preference_of(self.binh).pk)

    def test_a_visitor_is_sent_to_the_login_page(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_other_methods_are_refused(self):
        self.login(self.lan)
        self.assertEqual(self.client.put(URL).status_code, 405)
