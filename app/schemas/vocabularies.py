"""The closed vocabularies with their labels in the caller's language
(docs/languages-content.md)."""

from pydantic import BaseModel, Field

from app.core.i18n import Language


class Term(BaseModel):
    code: str = Field(description="The value the API takes and answers.")
    label: str = Field(description="What a person reads, in `language`.")


class VocabularyRead(BaseModel):
    name: str = Field(description="The vocabulary (`phase_kind`, `cost_category`, ...).")
    language: Language = Field(description="The language of the labels.")
    terms: list[Term] = Field(description="In the vocabulary's own order.")


class VocabularyList(BaseModel):
    language: Language = Field(description="The language of the labels.")
    vocabularies: list[VocabularyRead] = Field(description="Sorted by name.")
