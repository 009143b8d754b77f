"""The gettext catalogues: every message marked in the code has a Swedish and a Spanish
translation that keeps its placeholders (docs/translations.md). Part of `make test`."""

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from app.core.i18n import LANGUAGES, LOCALE_DIR, Language, read_catalogue

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED: tuple[Language, ...] = tuple(lang for lang in LANGUAGES if lang != "en")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _marked_in_code() -> set[str]:
    """Every message marked with `_()` in app/ (what `make messages` extracts)."""
    found = set()
    for path in sorted((ROOT / "app").rglob("*.py")):
        for _, message, _, _ in extract_from_file("python", str(path)):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _template() -> set[str]:
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        return {str(m.id) for m in read_po(pot) if m.id}


def test_the_template_holds_every_message_marked_in_the_code() -> None:
    marked, template = _marked_in_code(), _template()
    assert not marked - template, "run `make messages` and translate the new messages"
    assert not template - marked, "run `make messages`: the template names messages gone"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: Language) -> None:
    catalogue = {str(m.id): m for m in read_catalogue(language) if m.id}
    missing = sorted(_template() - catalogue.keys())
    assert not missing, f"{language} lacks (run `make messages`): {missing}"
    untranslated = sorted(i for i, m in catalogue.items() if not m.string or m.fuzzy)
    assert not untranslated, f"{language} has no (or a fuzzy) translation of: {untranslated}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders(language: Language) -> None:
    changed = {
        str(m.id): (sorted(_placeholders(str(m.id))), sorted(_placeholders(str(m.string))))
        for m in read_catalogue(language)
        if m.id and m.string and _placeholders(str(m.id)) != _placeholders(str(m.string))
    }
    assert not changed, f"{language} translations that drop or add a placeholder: {changed}"
