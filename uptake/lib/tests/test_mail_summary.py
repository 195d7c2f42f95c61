"""The default e-mail backend writes one line per e-mail (who, subject, attachments and their
sizes) instead of printing each e-mail in full on `make run`'s console."""

from __future__ import annotations

import io
from email.mime.application import MIMEApplication

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import SimpleTestCase, override_settings

from uptake.lib.mail import SummaryBackend


class SummaryBackendTest(SimpleTestCase):
    def send(self, *messages) -> tuple[int, list[str]]:
        stream = io.StringIO()
        sent = SummaryBackend(stream=stream).send_messages(list(messages))
        return sent, stream.getvalue().splitlines()

    def test_it_writes_one_line_per_email_with_its_attachments_and_sizes(self):
        report = EmailMultiAlternatives(
            "Báo cáo ngày 17/08/2020",
            "Kính gửi ...\n" * 200,
            to=["ubnd@example.org"],
            cc=["sotttt@example.org"],
        )
        report.attach_alternative("<p>Kính gửi</p>" * 200, "text/html")
        report.attach("bao-cao.pdf", b"%PDF" + b"x" * 48_207, "application/pdf")
        report.attach("so-lieu.csv", "đơn vị;số\n", "text/csv")  # 16 bytes in UTF-8
        report.attach(MIMEApplication(b"y" * 1500, Name="bang.xlsx"))
        reminder = EmailMessage("Nhắc báo cáo", "Hạn 15:00", to=["lan@example.org"])

        sent, lines = self.send(report, reminder)

        self.assertEqual(sent, 2)
        self.assertEqual(
            lines,
            [
                'mail to ubnd@example.org, sotttt@example.org: "Báo cáo ngày 17/08/2020" '
                "[bao-cao.pdf 48.211 B, so-lieu.csv 16 B, bang.xlsx 1.500 B]",
                'mail to lan@example.org: "Nhắc báo cáo"',
            ],
        )

    def test_it_skips_an_email_without_recipients(self):
        self.assertEqual(self.send(EmailMessage("Không ai", "...", to=[])), (0, []))

    @override_settings(EMAIL_BACKEND="uptake.lib.mail.SummaryBackend")
    def test_send_mail_goes_through_it(self):
        stream = io.StringIO()
        with mail.get_connection(stream=stream) as connection:
            mail.send_mail("Chủ đề", "Nội dung", None, ["hoa@example.org"], connection=connection)
        self.assertEqual(stream.getvalue(), 'mail to hoa@example.org: "Chủ đề"\n')

    def test_it_is_the_default_backend_outside_the_tests(self):
        # The test runner swaps in the locmem backend; the setting itself names this one.
        from uptake import settings as project_settings

        self.assertEqual(project_settings.EMAIL_BACKEND, "uptake.lib.mail.SummaryBackend")
        self.assertEqual(settings.EMAIL_BACKEND, "django.core.mail.backends.locmem.EmailBackend")

    def test_the_file_backend_would_keep_them_in_var_mail(self):
        self.assertEqual(settings.EMAIL_FILE_PATH, str(settings.BASE_DIR / "var" / "mail"))
