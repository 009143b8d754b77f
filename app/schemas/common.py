"""Types every resource shares: request/response bases, dates, times, money, names."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from app.core.i18n import Message, _

# No string may hold a NUL or other C0 control character except tab and newlines: PostgreSQL
# cannot store NUL, and the others only ever arrive by mistake.
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f"
NO_CONTROL = rf"^[^{CONTROL}]*$"
# What a request's strings are stripped of, once judged: Unicode's White_Space.
WHITE_SPACE = (
    "".join(map(chr, (*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B))))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# The same, less the control characters \x0b and \x0c, as a regex class. Spelled out because
# `\s` is another set in each dialect: Python's adds \x1c-\x1f, ECMAScript's leaves out \x85 and
# adds \ufeff.
SPACE = r" \t\n\r\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A text with something in it: a character that is neither whitespace nor a control character,
# and no control character.
NOT_BLANK = rf"^[{SPACE}]*[^{SPACE}{CONTROL}][^{CONTROL}]*$"


@dataclass(frozen=True)
class NotBlank:
    """A text of at most `max_length` characters as sent, with no control character and
    something in it besides whitespace (else it is refused as too short); stripped. Annotate a
    `str` with it; the JSON Schema states it with `NOT_BLANK`."""

    max_length: int

    def _check(self, value: str) -> str:
        stripped = value.strip(WHITE_SPACE)
        if not stripped:
            raise PydanticCustomError(
                "string_too_short", "String should have at least 1 character", {"min_length": 1}
            )
        return stripped

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.str_schema(max_length=self.max_length, pattern=NO_CONTROL)
        return core_schema.no_info_after_validator_function(self._check, text)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": self.max_length,
            "pattern": NOT_BLANK,
        }


Name = Annotated[str, NotBlank(200)]
ShortName = Annotated[str, NotBlank(100)]
Code = Annotated[str, StringConstraints(max_length=20, pattern=NO_CONTROL)]


# Inputs are strict where the schema names a format (docs/conventions.md, "Representation"):
# Pydantic alone would read the JSON integer 0 as the date 1970-01-01, a datetime as a date, and
# "1_000", "1e3" or full-width digits as amounts. Each type below lets through only the strings
# its format describes (and values of its own type, which only this service's code passes), then
# Pydantic parses them as usual, so "2023-02-30" is still refused as no date.

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "Input should be a date as a string YYYY-MM-DD")


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _RFC3339.fullmatch(value):
        return value
    raise PydanticCustomError(
        "datetime_format",
        "Input should be an RFC 3339 date and time with an offset, as a string "
        "YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DDThh:mm:ss+hh:mm",
    )


# A calendar day in a request (a body's field or a query parameter): only "YYYY-MM-DD".
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# An instant in a request: only an RFC 3339 date-time with its offset.
Timestamp = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]


@dataclass(frozen=True)
class DecimalString:
    """A decimal sent as a canonical string: an optional '-', ASCII digits without leading zeros
    (at most `whole_digits`), and an optional '.' with 1 to `places` decimals. Never a JSON number
    (a float loses cents), and no '+', exponent, '_', space or digits other than 0-9. Annotate a
    `Decimal` with it; the JSON Schema then states exactly the strings accepted. A `positive` one
    takes no '-' and no zero, and its pattern says so."""

    whole_digits: int
    places: int
    example: str
    positive: bool = False

    @property
    def pattern(self) -> str:
        return self._positive_pattern if self.positive else self._signed_pattern

    @property
    def _signed_pattern(self) -> str:
        whole, places = self.whole_digits, self.places
        return rf"^-?(0|[1-9][0-9]{{0,{whole - 1}}})(\.[0-9]{{1,{places}}})?$"

    @property
    def _positive_pattern(self) -> str:
        """A whole part from 1, or 0 and decimals that are not all zeros (`0.05`, `0.5`,
        `0.50`): no lookahead, which not every regex dialect has."""
        whole, places = self.whole_digits, self.places
        fractions = "|".join(
            "0" * zeros
            + "[1-9]"
            + (f"[0-9]{{0,{places - zeros - 1}}}" if places - zeros > 1 else "")
            for zeros in range(places)
        )
        return rf"^([1-9][0-9]{{0,{whole - 1}}}(\.[0-9]{{1,{places}}})?|0\.({fractions}))$"

    def _check(self, value: object) -> object:
        if isinstance(value, Decimal):  # from this service's own code
            return value
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return value
        if isinstance(value, str) and re.fullmatch(self._signed_pattern, value):
            raise PydanticCustomError("greater_than", "Input should be greater than 0", {"gt": 0})
        raise PydanticCustomError(
            "decimal_format",
            "Input should be a decimal string such as '{example}': {shape}",
            {"example": self.example, "shape": self._shape},
        )

    @property
    def _shape(self) -> Message:
        """The strings accepted, in words (worded in the answer's language when rendered)."""
        if self.positive:
            return _(
                "up to {whole_digits} digits 0-9 without leading zeros, and an optional '.' with "
                "1 to {places} decimals, greater than 0",
                whole_digits=self.whole_digits,
                places=self.places,
            )
        return _(
            "an optional '-', up to {whole_digits} digits 0-9 without leading zeros, and an "
            "optional '.' with 1 to {places} decimals",
            whole_digits=self.whole_digits,
            places=self.places,
        )

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": self.pattern,
            "description": f"A decimal string (a JSON number is refused): {self._shape}.",
            "examples": [self.example],
        }


# An amount of money: numeric(14, 2) in the database.
Amount = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2),
    DecimalString(whole_digits=12, places=2, example="12500.00"),
]
# One that must be more than nothing: a budget line, a grant, a cost, a payment.
PositiveAmount = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2),
    DecimalString(whole_digits=12, places=2, example="12500.00", positive=True),
]


class RequestModel(BaseModel):
    """Request bodies: unknown fields are refused (no mass assignment). A string is judged as
    sent, so by exactly the lengths and patterns the document states, and then stripped of
    surrounding whitespace before any rule reads it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _stripped(cls, value: Any) -> Any:
        if type(value) is str:  # not a StrEnum's member
            return value.strip(WHITE_SPACE)
        if isinstance(value, list):
            return [v.strip(WHITE_SPACE) if type(v) is str else v for v in value]
        return value


class MergePatch(RequestModel):
    """A JSON merge patch (RFC 7396) of the fields of `patches`, which the result is validated
    as (`merge_patch` in `app/services/common.py`): send only what changes; null clears a field.

    Every field is optional here, but only a field that may be empty in `patches` may be null,
    as the request is validated and as the OpenAPI document says, field by field."""

    patches: ClassVar[type[BaseModel]]
    # Fields merged member by member rather than replaced (`translations`).
    deep: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _clearable(cls, value: Any, info: ValidationInfo) -> Any:
        """A null only for a field that may be empty: refused here, before anything is read."""
        name = info.field_name or ""
        judged = name in cls.patches.model_fields
        if value is None and judged and name not in nullable_fields(cls.patches):
            raise ValueError(_("may not be null: it always has a value (leave it out to keep it)"))
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        properties = handler.resolve_ref_schema(schema).get("properties", {})
        nullable = nullable_fields(cls.patches)
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if name in cls.patches.model_fields and name not in nullable and key in properties:
                properties[key] = _not_null(properties[key])
        return schema


@cache
def nullable_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` that take a null, as its validation judges each (a validator may
    turn a null into a value, as an application's `budget` into no lines)."""
    try:
        model.model_validate({name: None for name in model.model_fields})
    except ValidationError as exc:
        refused = {e["loc"][0] for e in exc.errors() if e["loc"]}
        return frozenset(set(model.model_fields) - refused)
    return frozenset(model.model_fields)


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema without its null: `X | None` becomes `X`."""
    schema = {k: v for k, v in schema.items() if k != "default"}
    branches = [b for b in schema.pop("anyOf", []) if b != {"type": "null"}]
    if len(branches) == 1:
        return {**branches[0], **schema}
    return {**schema, "anyOf": branches} if branches else schema


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def money_data(amount: Decimal, currency: str = "SEK") -> dict[str, Any]:
    """Money as `Money` answers it, as plain data for `answer_json` (app/api/answers.py)."""
    return {"amount": _cents(amount), "currency": currency}


def _cents(value: Decimal) -> Decimal:
    """Two decimals (exact: more were refused on the way in), and no "-0": answered "0.00"."""
    cents = value.quantize(Decimal("0.01"))
    return cents.copy_abs() if cents.is_zero() else cents


class Money(BaseModel):
    """An amount as a decimal string (answered with two decimals) and its ISO 4217 currency."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"amount": "12500.00", "currency": "SEK"}]}
    )

    amount: Amount
    currency: str = Field(default="SEK", pattern=r"^[A-Z]{3}$")

    @field_validator("amount")
    @classmethod
    def _two_decimals(cls, value: Decimal) -> Decimal:
        return _cents(value)


class PositiveMoney(Money):
    """Money of more than 0: the pattern of its amount admits no '-' and no zero."""

    amount: PositiveAmount
