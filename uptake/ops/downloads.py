"""``log_download(request, what, campaign, subject)``: one line in DownloadLog per export."""

from __future__ import annotations

from ipaddress import ip_address

from uptake.ops.models import DownloadLog


def client_ip(request) -> str | None:
    """The address the request came from. Behind the reverse proxy (gunicorn behind nginx),
    REMOTE_ADDR is the proxy's and the proxy appends the client's to X-Forwarded-For: the
    last address there is the one our proxy saw (earlier ones are whatever the client wrote)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR")
    try:
        return str(ip_address(address or ""))
    except ValueError:
        return None


def log_download(request, what: str, campaign=None, subject: str = "") -> DownloadLog:
    """Record that the request's user took ``what`` (of ``campaign``, about ``subject``)."""
    user = request.user if request.user.is_authenticated else None
    return DownloadLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        what=what[:40],
        campaign=campaign,
        subject=str(subject)[:100],
        via="api" if request.path.startswith("/api/") else "web",
        ip=client_ip(request),
    )
