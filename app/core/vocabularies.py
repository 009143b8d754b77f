"""Labels in English, Swedish and Spanish, as data: those of the closed vocabularies
(`app/reference_data/vocabularies.csv`, one vocabulary per enumeration of `app/models/enums.py`)
and the other words answers are worded with (`labels.csv`: CSV column headers, calendar words).
See docs/languages-content.md."""

import csv
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Final

from app.core.i18n import LANGUAGES, Language, current_language
from app.models import enums

REFERENCE_DATA: Final = Path(__file__).resolve().parents[1] / "reference_data"
VOCABULARIES_PATH: Final = REFERENCE_DATA / "vocabularies.csv"
LABELS_PATH: Final = REFERENCE_DATA / "labels.csv"

# (vocabulary, code) -> {language: label}
Labels = dict[tuple[str, str], dict[Language, str]]


def vocabulary_name(enumeration: type[StrEnum]) -> str:
    """An enumeration's vocabulary: its name in snake case (`PhaseKind` -> `phase_kind`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enumeration.__name__).lower()


@cache
def enumerations() -> dict[str, type[StrEnum]]:
    """Every closed vocabulary of the domain, by name, sorted by name."""
    found = {
        vocabulary_name(value): value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    }
    return dict(sorted(found.items()))


def read_labels(path: Path) -> Labels:
    with path.open(encoding="utf-8", newline="") as file:
        return {
            (row["vocabulary"], row["code"]): {language: row[language] for language in LANGUAGES}
            for row in csv.DictReader(file)
        }


@cache
def vocabulary_labels() -> Labels:
    return read_labels(VOCABULARIES_PATH)


@cache
def word_labels() -> Labels:
    return read_labels(LABELS_PATH)


def label(vocabulary: str, code: str, language: Language | None = None) -> str:
    """The label of `code` in `vocabulary` (an enumeration's or a word list of labels.csv), in
    `language` (the caller's by default); the code itself if it has none."""
    labels = vocabulary_labels().get((vocabulary, code)) or word_labels().get((vocabulary, code))
    if labels is None:
        return code
    return labels[language or current_language()]


def terms(vocabulary: str, language: Language | None = None) -> list[tuple[str, str]]:
    """The codes of an enumeration's vocabulary in its order, each with its label."""
    return [(m.value, label(vocabulary, m.value, language)) for m in enumerations()[vocabulary]]


def worded(vocabulary: str, code: str, **values: object) -> str:
    """A template of labels.csv in the caller's language, its `{placeholders}` filled."""
    return label(vocabulary, code).format(**values)
