"""Types every resource shares: request/response bases, money, names."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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
