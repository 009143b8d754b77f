"""The caller's language: negotiated once per request, read wherever an answer is worded.

The API speaks English (`en`, the default), Swedish (`sv`) and Spanish (`es`). A request picks one
with `Accept-Language` (RFC 9110 §12.5.4: q-values, ranges with subtags falling back to their
primary tag, `*`), or with `?lang=` where a link cannot set headers (calendar subscriptions, CSV
downloads); `?lang=` wins. The HTTP layer sets `language_var`; everything below reads
`current_language()`.
"""

from contextvars import ContextVar
from typing import Final, Literal, get_args

Language = Literal["en", "sv", "es"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
DEFAULT_LANGUAGE: Final[Language] = "en"

language_var: ContextVar[Language] = ContextVar("language", default=DEFAULT_LANGUAGE)


def current_language() -> Language:
    return language_var.get()


def as_language(tag: str) -> Language | None:
    """One of ours for a language tag (`es-GT` -> `es`, `SV` -> `sv`), or None."""
    primary = tag.strip().split("-", 1)[0].lower()
    for language in LANGUAGES:
        if primary == language:
            return language
    return None


def negotiate(accept_language: str | None, lang: str | None = None) -> Language:
    """The language of an answer: `lang` if it names one of ours, else the `Accept-Language`
    range with the highest q-value that we speak (the first listed among equals; `*` means the
    default), else English. Malformed parts are ignored, never an error."""
    if lang is not None and (chosen := as_language(lang)) is not None:
        return chosen
    if not accept_language:
        return DEFAULT_LANGUAGE
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(accept_language.split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        if not tag:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if not 0 < quality <= 1:
            continue
        language = DEFAULT_LANGUAGE if tag == "*" else as_language(tag)
        if language is None:
            continue
        if best is None or quality > best[0]:
            best = (quality, position, language)
    return best[2] if best else DEFAULT_LANGUAGE
