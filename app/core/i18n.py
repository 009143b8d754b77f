"""The caller's language: negotiated once per request, read wherever an answer is worded.

The API speaks English (`en`, the default), Swedish (`sv`) and Spanish (`es`). A request picks one
with `Accept-Language` (RFC 9110 §12.5.4: q-values, ranges with subtags falling back to their
primary tag, `*`), or with `?lang=` where a link cannot set headers (calendar subscriptions, CSV
downloads); `?lang=` wins. The HTTP layer sets `language_var`; everything below reads
`current_language()`.
"""

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final, Literal, get_args

from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_currency

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


# Messages. Every text a person reads in an answer is written in English in the code, marked with
# `_()`, and translated in the gettext catalogues app/locale/<language>/LC_MESSAGES/messages.po
# (extracted and updated with `make messages`, docs/translations.md). `_()` translates nothing
# when it is called: it returns a `Message`, which is worded when an answer is rendered, in the
# language of that answer (`current_language()`), so that a text defined at import time (a
# problem's title) is answered in each caller's language. Its figures are named placeholders
# (`{name}`), formatted for the language: dates and money with Babel (CLDR), lists with the
# language's conjunction.

_LOCALES: Final[dict[Language, str]] = {"en": "en", "sv": "sv_SE", "es": "es_419"}
"""The CLDR locale of each language. Spanish is Latin-American neutral (`es_419`), as spoken in
the programme's Colombian and Guatemalan municipalities."""

LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"


@dataclass(frozen=True, slots=True)
class Message:
    """A text marked for translation (`_()`) with its figures, worded when rendered."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()

    def render(self, language: Language | None = None) -> str:
        language = language or current_language()
        template = _catalogue(language).get(self.msgid) or self.msgid
        if not self.params:
            return template
        return template.format_map({k: _figure(v, language) for k, v in self.params})

    def __str__(self) -> str:
        return self.render()


Text = str | Message
"""Where a text a person reads may still be a plain string (not yet marked, or a name)."""


def _(msgid: str, /, **params: object) -> Message:
    """Mark `msgid` for translation; `params` fill its `{name}` placeholders when rendered."""
    return Message(msgid, tuple(params.items()))


def render(text: Text, language: Language | None = None) -> str:
    """A text in `language` (by default the answer's)."""
    return text.render(language) if isinstance(text, Message) else text


def english(text: Text) -> str:
    """A text in English: for what every caller shares (the OpenAPI document, logs)."""
    return render(text, DEFAULT_LANGUAGE)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in a message: `1 234 567,00 kr` in Swedish, `SEK 1,234,567.00` in
    English."""

    amount: Decimal | int
    currency: str = "SEK"


@dataclass(frozen=True, slots=True)
class Listing:
    """Texts in a message joined with the language's conjunction (`a, b and c`, `a, b y c`), or
    with its `or` (`disjunction=True`)."""

    items: tuple[Text, ...]
    disjunction: bool = False


def _figure(value: object, language: Language) -> object:
    """A figure of a message as `language` writes it. English keeps what the messages said
    before they were translated: ISO dates (unambiguous to British and American readers)."""
    if isinstance(value, Message):
        return value.render(language)
    if isinstance(value, Money):
        return _money(value, language)
    if isinstance(value, Listing):
        words = [render(item, language) for item in value.items]
        if language == DEFAULT_LANGUAGE or len(words) < 2:
            joint = "or" if value.disjunction else "and"
            return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joint} {words[-1]}"
        return format_list(
            words, style="or" if value.disjunction else "standard", locale=_LOCALES[language]
        )
    if language != DEFAULT_LANGUAGE:
        if isinstance(value, datetime):
            locale = _LOCALES[language]
            day = format_date(value, "long", locale=locale)
            return f"{day} {format_time(value, 'HH:mm', locale=locale)}"
        if isinstance(value, date):
            return format_date(value, "long", locale=_LOCALES[language])
    return value


def _money(money: Money, language: Language) -> str:
    text: str = format_currency(money.amount, money.currency, locale=_LOCALES[language])
    if (
        text.startswith(money.currency)
        and text[len(money.currency) : len(money.currency) + 1].isdigit()
    ):
        # CLDR spaces a currency code from the figures (currencySpacing); Babel does not.
        text = f"{money.currency}\xa0{text[len(money.currency) :]}"
    return text


@cache
def _catalogue(language: Language) -> dict[str, str]:
    """The translations of `language` (msgid -> translation; English has none): read from the
    catalogue's .po file once (no compiled .mo to keep in step, docs/translations.md). A fuzzy or
    empty entry is left out: its English is answered until it is translated."""
    if language == DEFAULT_LANGUAGE:
        return {}
    return {
        str(m.id): str(m.string)
        for m in read_catalogue(language)
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


def catalogue_path(language: Language) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(language: Language) -> Catalog:
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=_LOCALES[language])


def concat(*parts: Text) -> Message:
    """Texts one after the other, each worded in the answer's language (not a message of its
    own: nothing to translate)."""
    names = [f"p{i}" for i in range(len(parts))]
    return Message("".join(f"{{{n}}}" for n in names), tuple(zip(names, parts, strict=True)))


def separated(parts: Sequence[Text], separator: str) -> Message:
    """Texts with `separator` between them, each worded in the answer's language."""
    names = [f"p{i}" for i in range(len(parts))]
    template = separator.replace("{", "{{").replace("}", "}}").join(f"{{{n}}}" for n in names)
    return Message(template, tuple(zip(names, parts, strict=True)))
