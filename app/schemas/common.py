"""Types every resource shares: request/response bases, money, names."""

from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

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
    """An amount as a decimal string with two decimals, never a float, and its ISO 4217 currency."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"amount": "12500.00", "currency": "SEK"}]}
    )

    amount: Decimal = Field(max_digits=14, decimal_places=2)
    currency: str = Field(default="SEK", pattern=r"^[A-Z]{3}$")

    @field_validator("amount", mode="before")
    @classmethod
    def _no_float(cls, value: object) -> object:
        if isinstance(value, float):
            raise ValueError("send amounts as decimal strings, not as floats")
        return value

    @field_validator("amount")
    @classmethod
    def _two_decimals(cls, value: Decimal) -> Decimal:
        return value.quantize(Decimal("0.01"))  # exact: more decimals were refused above
