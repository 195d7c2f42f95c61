"""Logging in and out, and the language of every page."""

from __future__ import annotations

from django.test import override_settings

from uptake.test import PASSWORD, BaseTestCase

# Passwords are hashed for every persona of every test: the slow default hasher is not needed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class LoginTest(BaseTestCase):
    def test_the_login_page_is_in_vietnamese(self):
        response = self.client.get("/login/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Đăng nhập")
        self.assertContains(response, "Tên đăng nhập")

    def test_it_logs_in_and_goes_home(self):
        response = self.client.post("/login/", {"username": "lan", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.lan.pk)

    def test_it_goes_back_to_the_page_asked_for(self):
        response = self.client.post(
            "/login/",
            {"username": "minh", "password": PASSWORD, "next": "/c/bluezone-2020/status/"},
        )
        self.assertRedirects(response, "/c/bluezone-2020/status/", fetch_redirect_response=False)

    def test_it_refuses_a_wrong_password(self):
        response = self.client.post("/login/", {"username": "lan", "password": "wrong"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_logged_in_user_is_sent_home(self):
        self.client.force_login(self.lan)
        response = self.client.get("/login/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_logs_out_with_a_post_only(self):
        self.client.force_login(self.lan)
        self.assertEqual(self.client.get("/logout/").status_code, 405)
        response = self.client.post("/logout/")
        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_every_page_has_the_logout_form_and_the_language_switch(self):
        self.client.force_login(self.minh)
        for url in ("/c/bluezone-2020/status/", "/c/bluezone-2020/units/870-TTT/"):
            response = self.client.get(url)
            self.assertContains(response, 'action="/logout/"')
            self.assertContains(response, 'action="/i18n/setlang/"')
            self.assertContains(response, 'name="language" value="en"')


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class LanguageTest(BaseTestCase):
    def test_it_ignores_the_browsers_language(self):
        response = self.client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "Đăng nhập")
        self.assertEqual(response["Content-Language"], "vi")

    def test_the_user_may_choose_english(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        page = self.client.get("/login/")
        self.assertContains(page, '<html lang="en">')
        self.assertContains(page, "Log in")
        self.assertIn("Cookie", page["Vary"])

    def test_english_pages_use_english_numbers(self):
        self.submit("870-TTT", user=self.lan)
        self.client.force_login(self.minh)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = self.client.get("/c/bluezone-2020/status/")
        self.assertContains(page, "2,950 installed of 5,200 with a smartphone")
        self.assertContains(page, "56.7%")

    def test_and_back_to_vietnamese(self):
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
        self.assertContains(self.client.get("/login/"), "Đăng nhập")

    def test_an_unknown_language_cookie_falls_back_to_vietnamese(self):
        self.client.cookies["django_language"] = "fr"
        self.assertContains(self.client.get("/login/"), "Đăng nhập")
