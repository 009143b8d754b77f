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

# No string may hold a NUL or other C0 control character except tab and newlines: PostgreSQL
# cannot store NUL, and the others only ever arrive by mistake.
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL)
]
ShortName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_CONTROL)
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20, pattern=NO_CONTROL)]


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
    `Decimal` with it; the JSON Schema then states exactly the strings accepted."""

    whole_digits: int
    places: int
    example: str

    @property
    def pattern(self) -> str:
        whole, places = self.whole_digits, self.places
        return rf"^-?(0|[1-9][0-9]{{0,{whole - 1}}})(\.[0-9]{{1,{places}}})?$"

    def _check(self, value: object) -> object:
        if isinstance(value, Decimal):  # from this service's own code
            return value
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return value
        raise PydanticCustomError(
            "decimal_format",
            f"Input should be a decimal string such as '{self.example}': {self._shape}",
        )

    @property
    def _shape(self) -> str:
        return (
            f"an optional '-', up to {self.whole_digits} digits 0-9 without leading zeros, and "
            f"an optional '.' with 1 to {self.places} decimals"
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


class RequestModel(BaseModel):
    """Request bodies: unknown fields are refused (no mass assignment)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MergePatch(RequestModel):
    """A JSON merge patch (RFC 7396) of the fields of `patches`, which the result is validated
    as (`merge_patch` in `app/services/common.py`): send only what changes; null clears a field.

    Every field is optional here, but only a field that may be empty in `patches` may be null,
    as the request is validated and as the OpenAPI document says, field by field."""

    patches: ClassVar[type[BaseModel]]

    @field_validator("*")
    @classmethod
    def _clearable(cls, value: Any, info: ValidationInfo) -> Any:
        """A null only for a field that may be empty: refused here, before anything is read."""
        name = info.field_name or ""
        judged = name in cls.patches.model_fields
        if value is None and judged and name not in nullable_fields(cls.patches):
            raise ValueError("may not be null: it always has a value (leave it out to keep it)")
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
        cents = value.quantize(Decimal("0.01"))  # exact: more decimals were refused above
        return cents.copy_abs() if cents.is_zero() else cents  # "-0" is answered "0.00"
