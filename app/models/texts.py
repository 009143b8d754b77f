"""Texts in more than one language: the main language and the translations beside it, and the
full-text search vector over all of them (docs/languages-content.md)."""

from typing import Final

# The languages texts are written in, and PostgreSQL's text-search configuration of each. The
# same three as `app.core.i18n.LANGUAGES` (a test holds them equal; the models sit below core).
TEXT_SEARCH_CONFIGS: Final[dict[str, str]] = {"en": "english", "sv": "swedish", "es": "spanish"}
CONTENT_LANGUAGES: Final[tuple[str, ...]] = tuple(TEXT_SEARCH_CONFIGS)
LANGUAGE_CHECK: Final[str] = (
    f"language IN ({', '.join(repr(language) for language in CONTENT_LANGUAGES)})"
)


def _texts(fields: tuple[str, ...], language: str | None) -> str:
    """The `fields` of the main texts (language None) or of one translation, as one text."""
    parts = [
        f"coalesce({field}, '')"
        if language is None
        else f"coalesce(translations #>> '{{{language},{field}}}', '')"
        for field in fields
    ]
    return " || ' ' || ".join(parts)


def search_expression(title: str | None, description: str | None) -> str:
    """The tsvector of a table's texts in every language: the titles weighted A, every word
    unstemmed ('simple', for prefixes), the main texts stemmed in the main `language`, and each
    translation stemmed in its own. Only immutable functions: a stored generated column."""
    fields = tuple(f for f in (title, description) if f is not None)
    everything = " || ' ' || ".join(
        _texts(fields, language) for language in (None, *CONTENT_LANGUAGES)
    )
    parts = []
    if title is not None:
        titles = " || ' ' || ".join(
            _texts((title,), language) for language in (None, *CONTENT_LANGUAGES)
        )
        parts.append(f"setweight(to_tsvector('simple'::regconfig, {titles}), 'A')")
    parts.append(f"to_tsvector('simple'::regconfig, {everything})")
    main_config = (
        "CASE language "
        + " ".join(
            f"WHEN '{language}' THEN '{config}'::regconfig"
            for language, config in TEXT_SEARCH_CONFIGS.items()
        )
        + " ELSE 'simple'::regconfig END"
    )
    parts.append(f"to_tsvector({main_config}, {_texts(fields, None)})")
    parts.extend(
        f"to_tsvector('{config}'::regconfig, {_texts(fields, language)})"
        for language, config in TEXT_SEARCH_CONFIGS.items()
    )
    return " || ".join(parts)
