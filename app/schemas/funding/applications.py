"""Funding: applications and their budgets (docs/funding.md; rounds in rounds.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from app.core.errors import RuleViolation, as_field_error, rule_error
from app.core.paging import Page
from app.models.enums import (
    ApplicationAction,
    ApplicationKind,
    ApplicationStatus,
    CostCategory,
)
from app.rules.funding import (
    check_application_period,
    check_cost_category,
    check_lines_once,
    check_project_year,
    check_whole_kronor,
)
from app.rules.partnerships import PROJECT_MAX_YEARS, check_duration
from app.schemas.common import NO_CONTROL, IsoDate, MergePatch, Money, RequestModel, ResponseModel

Text = Annotated[str, StringConstraints(max_length=10_000, pattern=NO_CONTROL)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_CONTROL)]


def sek(amount: Decimal) -> Money:
    return Money(amount=amount, currency="SEK")


def whole_kronor(money: Money, field: str = "") -> Money:
    """A budget or decided amount: positive whole kronor in SEK. `field` names it when a model
    validator calls (a field validator's error already points at its field)."""
    with as_field_error(field):
        check_whole_kronor(money.currency, money.amount)
    if money.amount <= 0:
        raise ValueError("an amount must be positive")
    return money


# Budgets


class BudgetLineIn(RequestModel):
    category: str = Field(
        max_length=40, description="A funded cost category (see rule.ineligible-cost)."
    )
    year: int = Field(description=f"The project year, 1 to {PROJECT_MAX_YEARS}.")
    amount: Money = Field(description="SEK, whole kronor.")
    description: str | None = Field(default=None, max_length=500, pattern=NO_CONTROL)

    @field_validator("category")
    @classmethod
    def _funded(cls, value: str) -> str:
        with as_field_error(""):
            check_cost_category(value)
        return value

    @field_validator("year")
    @classmethod
    def _year(cls, value: int) -> int:
        with as_field_error(""):
            check_project_year(value)
        return value

    @field_validator("amount")
    @classmethod
    def _whole(cls, value: Money) -> Money:
        return whole_kronor(value)


def lines_once(lines: list[BudgetLineIn]) -> None:
    """`budget-line-once` of a budget sent, pointing at the line that repeats one."""
    with as_pointed_error():
        check_lines_once([(line.category, line.year) for line in lines])


@contextmanager
def as_pointed_error() -> Iterator[None]:
    """Inside a model validator: like `as_field_error`, for a check that points into the body
    itself (at a line of a list): its pointer names the field."""
    try:
        yield
    except RuleViolation as exc:
        pointer = exc.errors[0].pointer if exc.errors else ""
        raise rule_error(exc.kind, exc.detail, field=pointer.removeprefix("/")) from None


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
    planned_start: IsoDate
    planned_end: IsoDate
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
        with as_field_error("planned_end"):
            check_application_period(self.planned_start, self.planned_end)
            check_duration(self.kind, self.planned_start, self.planned_end)
        lines_once(self.budget)
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


class ApplicationUpdate(MergePatch):
    """A JSON merge patch of a draft; `budget` and `attachment_ids` are replaced whole."""

    patches = ApplicationFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"planned_end": "2028-01-31"}]})

    kind: ApplicationKind | None = None
    round_id: UUID | None = None
    planned_start: IsoDate | None = None
    planned_end: IsoDate | None = None
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
