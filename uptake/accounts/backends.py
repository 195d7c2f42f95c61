"""The log-in throttle in front of Django's ModelBackend (see AUTHENTICATION_BACKENDS)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for log-ins made over HTTP.

    Every log-in form (ours, Django admin's) passes the request, and is throttled. A call
    without one is not a request from the network (a management command, the test client's
    ``login()``): axes cannot count it per address and would refuse it, so it is let through
    to the next backend, which checks the password as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
