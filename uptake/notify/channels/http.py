"""One HTTP request to a service (a webhook receiver, Zalo, an SMS provider), never following a
redirect, with what came back and how long it took."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an acceptance: never re-POST the body somewhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    status: int | None
    error: str
    duration_ms: int
    response: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict, timeout: float, keep: int = 2000) -> Answer:
    """POST ``body`` once; the status, a network error, the start of the answer's body."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    started = time.perf_counter()
    status, error, text = None, "", b""
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, text = response.status, response.read(keep)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
        try:
            text = exc.read(keep)
        except OSError:
            pass
    except urllib.error.URLError as exc:
        error = f"{type(exc.reason).__name__}: {exc.reason}"
    except (TimeoutError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    duration = int((time.perf_counter() - started) * 1000)
    return Answer(status, error, duration, text.decode("utf-8", "replace"))
