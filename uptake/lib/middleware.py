"""Request middleware of our own."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request) -> str:
    """The language the user chose with set_language (its cookie), else LANGUAGE_CODE.

    The browser's Accept-Language is ignored on purpose: uptake is Vietnamese unless the user
    picks English, whatever language their phone or office computer happens to be set to.
    """
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Replaces Django's LocaleMiddleware: activates ``chosen_language(request)``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The same URL is served in another language when the language cookie differs.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
