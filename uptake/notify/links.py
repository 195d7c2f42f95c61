"""The links the scheduler's messages carry."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def link(name: str, *args, query: str = "") -> str:
    """The path of a page, or the home page when the page is not there."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return reverse("home")
