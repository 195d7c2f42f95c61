"""Outgoing requests to addresses from campaign files (webhooks): public HTTPS only (#15).

A campaign file's webhook could point at the server's own network: a cloud's metadata service
(``http://169.254.169.254/latest/meta-data/``), a database's port on 127.0.0.1, an office
router. ``check_url`` refuses such addresses when the file is loaded (``resolve=False``: the
scheme, the form of the address, an IP address written in it, names such as ``localhost``),
and ``post`` again when sending, after resolving the name: every address the name resolves to
must be public, and the connection goes to the address that was checked (a name that resolves
elsewhere a second later, "DNS rebinding", changes nothing). Redirects are not followed. What
comes back is the status and a short reason written here, never the reply's body.

``WEBHOOK_ALLOW_PRIVATE=true`` (development, tests against a local listener) allows plain
``http://`` and private addresses.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

from django.conf import settings

# Names that never lead to a public server, whatever the resolver says.
PRIVATE_NAMES = ("localhost", "localhost.localdomain", "metadata.google.internal")
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa")


class UnsafeAddress(ValueError):
    """An address a webhook may not go to; the message says why (shown to the campaign's
    author, stored with the delivery)."""


@dataclass(frozen=True)
class Reply:
    """What a POST got: the HTTP status (None when no answer came) and a short reason."""

    status: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def public_ip(address: str) -> bool:
    """True for a global unicast address; False for loopback, private, link-local (the
    169.254.169.254 metadata service), shared (100.64/10), multicast, reserved, unspecified,
    and IPv6 forms of any of them (::ffff:127.0.0.1)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not public_ip(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast


def _literal_ip(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:  # 2130706433, 0x7f.1, 127.1: forms that inet_aton reads as an IPv4 address
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_url(url: str, *, resolve: bool = True) -> list[str]:
    """Raise UnsafeAddress unless ``url`` may receive a webhook; the addresses it resolves to
    (all of them checked) when ``resolve``, else []."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeAddress("not a valid address") from None
    private_ok = allow_private()
    schemes = ("https", "http") if private_ok else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        if private_ok:
            raise UnsafeAddress(
                'give an http:// or https:// address, e.g. "https://example.org/hook"'
            )
        raise UnsafeAddress(
            'give an https:// address, e.g. "https://example.org/hook" (http:// and local '
            "addresses only with WEBHOOK_ALLOW_PRIVATE=true)"
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeAddress("no user name or password in the address (the secret signs the body)")
    host = parts.hostname.rstrip(".").lower()
    if private_ok:
        return _resolve(host, port or _default_port(parts.scheme)) if resolve else []
    literal = _literal_ip(host)
    if literal is not None:
        if not public_ip(str(literal)):
            raise UnsafeAddress(f"{host} is not a public address (loopback, private or link-local)")
        return [str(literal)]
    if host in PRIVATE_NAMES or host.endswith(PRIVATE_SUFFIXES) or "." not in host:
        raise UnsafeAddress(f"{host} is a name of the local network, not a public server")
    if not resolve:
        return []
    addresses = _resolve(host, port or _default_port(parts.scheme))
    for address in addresses:
        if not public_ip(address):
            raise UnsafeAddress(f"{host} leads to {address}, which is not a public address")
    return addresses


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeAddress(f"the name {host} could not be resolved") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeAddress(f"the name {host} could not be resolved")
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address, the certificate verified for the URL's host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _phrase(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def post(url: str, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Reply:
    """POST ``body`` to ``url`` once, after ``check_url``; no redirect followed, the reply's
    body not read beyond what the connection needs. Never raises for the network's reasons."""
    timeout = timeout if timeout is not None else getattr(settings, "WEBHOOK_TIMEOUT", 10)
    try:
        addresses = check_url(url)
    except UnsafeAddress as exc:
        return Reply(None, f"refused: {exc}"[:200])
    parts = urlsplit(url)
    port = parts.port or _default_port(parts.scheme)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, addresses[0], port, timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
    except ssl.SSLCertVerificationError:
        return Reply(None, "TLS certificate not valid for this name")
    except ssl.SSLError:
        return Reply(None, "TLS error")
    except TimeoutError:
        return Reply(None, f"no answer within {timeout:g} seconds")
    except ConnectionRefusedError:
        return Reply(None, "connection refused")
    except (OSError, http.client.HTTPException) as exc:
        return Reply(None, f"connection failed ({type(exc).__name__})")
    finally:
        connection.close()
    if 300 <= status < 400:
        return Reply(status, f"{_phrase(status)}: redirect not followed")
    return Reply(status, _phrase(status))
