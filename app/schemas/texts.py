"""Texts in more than one language (docs/languages-content.md): a main `language`, the
`translations` beside it in requests (L1-L4), and answers worded in the caller's language with the
language they `served`."""

from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    MISSING,
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, _, current_language
from app.schemas.common import NotBlank, RequestModel, ResponseModel

TranslatedTitle = Annotated[str, NotBlank(300)]
TranslatedDescription = Annotated[str, NotBlank(10_000)]
TranslatedResultDescription = Annotated[str, NotBlank(4000)]

MAIN_LANGUAGE_DESCRIPTION = (
    "The main language of the texts (`en`, `sv` or `es`): that of `title` and `description` "
    "as written (docs/languages-content.md)."
)
TRANSLATIONS_DESCRIPTION = (
    "The texts in other languages than the main one, by language code; a translation may not "
    "be blank. A merge patch changes one language's texts at a time: null removes a text, or a "
    "whole language."
)


class _Translation(RequestModel):
    """A translation as stored: at least one text (L4), none null (leave a text out)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(getattr(self, name) in (None, MISSING) for name in type(self).model_fields):
            raise ValueError(_("a translation has at least one text"))
        return self

    @model_serializer(mode="wrap")
    def _without_nulls(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {key: value for key, value in dumped.items() if value is not None}


class TitleAndDescription(_Translation):
    title: TranslatedTitle | MISSING = MISSING
    description: TranslatedDescription | MISSING = MISSING


class TitleAndDescriptionChange(RequestModel):
    """A merge patch of one language's texts: null removes a text."""

    title: TranslatedTitle | None = None
    description: TranslatedDescription | None = None


class TitleOnly(_Translation):
    title: TranslatedTitle | MISSING = MISSING


class TitleOnlyChange(RequestModel):
    title: TranslatedTitle | None = None


class DescriptionOnly(_Translation):
    description: TranslatedResultDescription | MISSING = MISSING


class DescriptionOnlyChange(RequestModel):
    description: TranslatedResultDescription | None = None


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class Translatable(RequestModel):
    """The main language of a resource's texts, checked against its `translations` (L3). A
    subclass declares `translations`."""

    # The default is said in words, not as the schema's `default`: generated clients (such as
    # openapi-typescript's) would read a default as a field the request must send.
    language: Language = Field(
        default=DEFAULT_LANGUAGE,
        description=MAIN_LANGUAGE_DESCRIPTION + " Default `en`.",
        json_schema_extra=_no_default,
    )

    @model_validator(mode="after")
    def _main_not_translated(self) -> Self:
        translations: dict[str, Any] = getattr(self, "translations", {})
        if self.language in translations:
            raise PydanticCustomError(
                "value_error",
                "{reason}",  # worded in the answer's language when the error is read
                {
                    "field": f"translations/{self.language}",
                    "reason": _(
                        "the main language's texts are the resource's own fields, not a "
                        "translation (move them first to change the main language)"
                    ),
                },
            )
        return self


class TitleAndDescriptionRead(BaseModel):
    title: str | None = None
    description: str | None = None


class TitleRead(BaseModel):
    title: str | None = None


class DescriptionRead(BaseModel):
    description: str | None = None


SERVED_LANGUAGE_DESCRIPTION = (
    "The language of the texts of this answer: the caller's when the object has them all in it, "
    "else the main language (docs/languages-content.md)."
)
READ_TRANSLATIONS_DESCRIPTION = (
    "The texts in every language the object has them in, the main language included (the "
    "original, for editors), by language code."
)


class Localized(ResponseModel):
    """An answer whose `texts` are worded in the caller's language when the object has a
    complete translation in it, else in its main language; `served_language` says which. A
    subclass declares `translations` (its texts' read model by language) and `texts`."""

    texts: ClassVar[tuple[str, ...]] = ("title", "description")

    language: Language = Field(description="The main language of the texts.")
    served_language: Language = Field(description=SERVED_LANGUAGE_DESCRIPTION)

    @model_validator(mode="before")
    @classmethod
    def _served(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            data = {name: getattr(data, name) for name in cls.model_fields if hasattr(data, name)}
        if "served_language" in data:  # an answer already worded
            return data
        return {**data, **served(data, cls.texts, current_language())}


def served(data: dict[str, Any], texts: tuple[str, ...], wanted: Language) -> dict[str, Any]:
    """The texts of `data` (a stored row's fields) in `wanted` if it has them all in it, else in
    the main language; with `language`, `served_language`, and every language's `translations`."""
    main_language = data.get("language") or DEFAULT_LANGUAGE
    main = {name: data.get(name) for name in texts}
    stored: dict[str, dict[str, Any]] = data.get("translations") or {}
    every = {main_language: {k: v for k, v in main.items() if v is not None}, **stored}
    chosen = main_language
    translation = stored.get(wanted)
    if wanted != main_language and translation is not None:
        complete = all(translation.get(name) is not None for name, v in main.items() if v)
        if complete:
            chosen = wanted
    texts_served = main if chosen == main_language else {n: every[chosen].get(n) for n in texts}
    return {
        **texts_served,
        "language": main_language,
        "served_language": chosen,
        "translations": {language: every[language] for language in LANGUAGES if language in every},
    }


def served_texts(record: Any, texts: tuple[str, ...] = ("title", "description")) -> dict[str, Any]:
    """The texts of a stored row or object (with its `language` and `translations`) as an
    answer in the caller's language serves them (`served`)."""
    fields = {name: getattr(record, name, None) for name in (*texts, "language", "translations")}
    return served(fields, texts, current_language())


def served_public(record: Any, texts: tuple[str, ...] = ("title", "description")) -> dict[str, Any]:
    """The served texts and `served_language` alone: what a public view shows (no original
    texts, which are for editors)."""
    answer = served_texts(record, texts)
    return {name: answer[name] for name in (*texts, "served_language")}
