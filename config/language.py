"""Bahasa Indonesia for everyone unless they chose English with the switch in the header.

Django's LocaleMiddleware follows the browser's Accept-Language, and most phones in Indonesia
ship set to English; the product's default must still be Indonesian. Only the language
cookie (set by the switch, `django.views.i18n.set_language`) changes it; the JSON API, called
by programs without the switch, also follows Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in self.supported and request.path.startswith("/api/"):
            # A program calling the API has no switch to press: it says Accept-Language.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def both_languages(message: object) -> str:
    """A message for the command line: "Indonesian / English" (a page shows one language).

    `message` is lazy (gettext_lazy, format_lazy) or any object whose text follows the active
    language (an exception: its first argument); one source renders both, so the command
    and the page cannot drift apart."""
    if isinstance(message, BaseException) and message.args:
        message = message.args[0]
    with translation.override("id"):
        indonesian = str(message)
    with translation.override("en"):
        english = str(message)
    return indonesian if indonesian == english else f"{indonesian} / {english}"
