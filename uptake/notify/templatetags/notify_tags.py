"""The account page's card of channels: the masked phone number and a test per channel."""

from __future__ import annotations

from django import template

from uptake.accounts.models import profile_of

register = template.Library()


@register.inclusion_tag("notify/account_channels.html", takes_context=True)
def account_channels(context):
    from uptake.notify.views import channel_tests

    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "profile": profile_of(request.user),
        "tests": channel_tests(request.user),
        "csrf_token": context.get("csrf_token"),
    }
