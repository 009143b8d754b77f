"""Funding: application rounds, applications and their budgets (docs/funding.md)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from app.core.errors import as_field_error, rule_error
from app.core.paging import Page
from app.models.enums import (
    INELIGIBLE_COSTS,
    ApplicationAction,
    ApplicationKind,
    ApplicationStatus,
    CostCategory,
)
from app.rules.funding import (
    APPLICATION_PERIOD,
    BUDGET_LINE_ONCE,
    BUDGET_YEAR,
    INELIGIBLE_COST,
    ROUND_PERIOD,
    WHOLE_KRONOR,
)
from app.rules.partnerships import check_duration
from app.schemas.common import NO_CONTROL, Money, RequestModel, ResponseModel

Text = Annotated[str, StringConstraints(max_length=10_000, pattern=NO_CONTROL)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_CONTROL)]


def sek(amount: Decimal) -> Money:
    return Money(amount=amount, currency="SEK")


def whole_kronor(money: Money, field: str = "") -> Money:
    """A budget or decided amount: positive whole kronor in SEK. `field` names it when a model
    validator calls (a field validator's error already points at its field)."""
    if money.currency != "SEK" or money.amount != money.amount.to_integral_value():
        raise rule_error(WHOLE_KRONOR, "budgets are whole kronor in SEK", field=field)
    if money.amount <= 0:
        raise ValueError("an amount must be positive")
    return money


# Rounds


class RoundFields(RequestModel):
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL),
    ]
    opens: date = Field(description="The first day applications are taken.")
    closes: date = Field(description="The last day applications are taken.")

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.closes < self.opens:
            raise rule_error(ROUND_PERIOD, "closes is before opens", field="closes")
        return self


class RoundCreate(RoundFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"title": "Spring 2027", "opens": "2027-02-15", "closes": "2027-03-15"}]
        }
    )


class RoundUpdate(RequestModel):
    """A JSON merge patch."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"closes": "2027-03-26"}]})

    title: str | None = Field(default=None, min_length=1, max_length=200, pattern=NO_CONTROL)
    opens: date | None = None
    closes: date | None = None


class RoundRead(ResponseModel):
    id: UUID
    title: str
    opens: date
    closes: date
    created_at: datetime
    updated_at: datetime


class RoundPage(Page[RoundRead]):
    """One page of application rounds."""


# Budgets


class BudgetLineIn(RequestModel):
    category: str = Field(
        max_length=40, description="A funded cost category (see rule.ineligible-cost)."
    )
    year: int = Field(description="The project year, 1 to 3.")
    amount: Money = Field(description="SEK, whole kronor.")
    description: str | None = Field(default=None, max_length=500, pattern=NO_CONTROL)

    @field_validator("category")
    @classmethod
    def _funded(cls, value: str) -> str:
        if value in INELIGIBLE_COSTS:
            raise rule_error(INELIGIBLE_COST, f"{value} are never funded", field="")
        if value not in {c.value for c in CostCategory}:
            raise rule_error(
                INELIGIBLE_COST, f"{value!r} is not a cost the guidelines name", field=""
            )
        return value

    @field_validator("year")
    @classmethod
    def _year(cls, value: int) -> int:
        if not 1 <= value <= 3:
            raise rule_error(BUDGET_YEAR, "a project year is 1, 2 or 3", field="")
        return value

    @field_validator("amount")
    @classmethod
    def _whole(cls, value: Money) -> Money:
        return whole_kronor(value)


def check_lines_once(lines: list[BudgetLineIn]) -> None:
    seen: set[tuple[str, int]] = set()
    for i, line in enumerate(lines):
        if (line.category, line.year) in seen:
            raise rule_error(
                BUDGET_LINE_ONCE,
                f"{line.category} in year {line.year} has a line already",
                field=f"budget/{i}",
            )
        seen.add((line.category, line.year))


class BudgetLineRead(ResponseModel):
    category: CostCategory
    year: int
    amount: Money
    description: str | None


# Applications


class ApplicationFields(RequestModel):
    partnership_id: UUID
    kind: ApplicationKind
    round_id: UUID | None = Field(
        default=None, description="The round; none for an inception application (any time)."
    )
    planned_start: date
    planned_end: date
    description: Text | None = None
    budget: list[BudgetLineIn] = Field(default_factory=list, max_length=60)
    attachment_ids: list[UUID] = Field(
        default_factory=list,
        max_length=20,
        description="Documents of the partnership: a letter of intent and a budget at least.",
    )

    @field_validator("budget", "attachment_ids", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        return [] if value is None else value  # a merge patch's null removes them all

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.planned_end < self.planned_start:
            raise rule_error(
                APPLICATION_PERIOD, "planned_end is before planned_start", field="planned_end"
            )
        with as_field_error("planned_end"):
            check_duration(self.kind, self.planned_start, self.planned_end)
        check_lines_once(self.budget)
        self.attachment_ids = list(dict.fromkeys(self.attachment_ids))
        return self


class ApplicationCreate(ApplicationFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partnership_id": "5b0c1a52-1f0e-4bb8-9a0e-8a1f4c7d2e11",
                    "kind": "inception",
                    "planned_start": "2027-03-01",
                    "planned_end": "2028-02-29",
                    "budget": [
                        {
                            "category": "travel",
                            "year": 1,
                            "amount": {"amount": "120000.00", "currency": "SEK"},
                        }
                    ],
                }
            ]
        }
    )


class ApplicationUpdate(RequestModel):
    """A JSON merge patch of a draft; `budget` and `attachment_ids` are replaced whole."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"planned_end": "2028-01-31"}]})

    kind: ApplicationKind | None = None
    round_id: UUID | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    description: Text | None = None
    budget: list[BudgetLineIn] | None = Field(default=None, max_length=60)
    attachment_ids: list[UUID] | None = Field(default=None, max_length=20)


class ApplicationRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    kind: ApplicationKind
    round_id: UUID | None
    planned_start: date
    planned_end: date
    description: str | None
    budget: list[BudgetLineRead]
    budget_total: Money
    attachment_ids: list[UUID]
    status: ApplicationStatus
    submitted_on: date | None
    decided_on: date | None
    created_at: datetime
    updated_at: datetime


class ApplicationPage(Page[ApplicationRead]):
    """One page of applications."""


class ApplicationEventRead(ResponseModel):
    action: ApplicationAction
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    actor: str
    at: datetime
    note: str | None


class ActionNote(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Complete; to assessment."}]}
    )

    note: Note | None = None


class Rejection(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reason": "The activity plan has no visit to Sweden."}]}
    )

    reason: Note
