"""Every sentence the user sees goes through ``_`` so that Babel can extract it.

The language is per conversation: ``with use("cy"): ...`` sets it for the code
inside (a ContextVar, so concurrent turns in one process never mix languages).
Catalogues live in ``locales/<lang>/LC_MESSAGES/messages.po`` and are compiled to
``.mo`` at set-up; a missing catalogue falls back to the source text (British
English).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "en_GB"
LANGUAGES = ("en_GB", "cy")

_language: ContextVar[str] = ContextVar("golden_hour_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "messages", localedir=str(LOCALES_DIR), languages=[language], fallback=True
    )


def current_language() -> str:
    return _language.get()


@contextmanager
def use(language: str | None) -> Iterator[None]:
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translate it with ``_``
    where it is shown."""
    return message


def _(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def babel_locale() -> str:
    """The Babel locale for dates and numbers in the current language."""
    return _language.get()
