"""The default e-mail backend: sends nothing and writes one line per e-mail on the console
(recipients, subject, attachments with their sizes), where Django's console backend printed every
e-mail in full, base64 attachments included (6,496 lines on the demo's first start).

    mail to ubnd@example.org, sotttt@example.org: "Báo cáo ngày 17/08/2020" [bao-cao.pdf 48.211 B]

Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend to send (see .env.example).
"""

from __future__ import annotations

import sys
import threading
from email.mime.base import MIMEBase

from django.core.mail.backends.base import BaseEmailBackend


def attachment_label(attachment) -> str:
    """``name size B`` of one attachment: a (filename, content, mimetype) triple or a MIME part."""
    if isinstance(attachment, MIMEBase):
        name = attachment.get_filename() or attachment.get_content_type()
        size = len(attachment.get_payload(decode=True) or b"")
    else:
        name, content = attachment[0], attachment[1]
        size = len(content.encode() if isinstance(content, str) else content)
    return f"{name} {size:,} B".replace(",", ".")


def summary(message) -> str:
    line = f'mail to {", ".join(message.recipients())}: "{message.subject}"'
    if message.attachments:
        line += " [" + ", ".join(attachment_label(a) for a in message.attachments) + "]"
    return line


class SummaryBackend(BaseEmailBackend):
    """One line per e-mail on ``stream`` (standard output by default); nothing is sent."""

    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send_messages(self, email_messages) -> int:
        sent = 0
        with self._lock:
            for message in email_messages:
                if not message.recipients():
                    continue
                self.stream.write(summary(message) + "\n")
                sent += 1
            self.stream.flush()
        return sent
