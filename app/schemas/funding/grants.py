"""Grants, their amendments, reports and payments: request and response models
(docs/funding.md)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import (
    MISSING,
    AfterValidator,
    ConfigDict,
    Field,
    RootModel,
    field_validator,
    model_validator,
)

from app.clock import today
from app.core.errors import as_field_error
from app.core.i18n import _
from app.core.paging import Page
from app.models.enums import (
    AmendmentKind,
    ApplicationKind,
    CostCategory,
    GrantStatus,
    ReportKind,
    ReportStatus,
)
from app.rules.funding import (
    check_exchange_rate,
    check_grant_period,
    check_lines_sum,
    check_move_lines,
)
from app.rules.partnerships import PROJECT_MAX_YEARS, check_duration, check_postponement_days
from app.schemas.common import (
    NO_CONTROL,
    DecimalString,
    IsoDate,
    Money,
    NotBlank,
    PositiveMoney,
    RequestModel,
    ResponseModel,
)
from app.schemas.funding.applications import (
    ApplicationRead,
    BudgetLineIn,
    Note,
    Text,
    lines_once,
    whole_kronor,
)
from app.schemas.partnerships.partnerships import PartnershipRead

Reference = Annotated[
    str,
    NotBlank(50),
]
_CENT = Decimal("0.01")


def _not_future(day: date) -> date:
    if day > today():
        raise ValueError(_("a day that has not come yet"))
    return day


PastDay = Annotated[IsoDate, AfterValidator(_not_future)]
# numeric(14, 6) in the database.
ExchangeRate = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=6),
    DecimalString(whole_digits=8, places=6, example="10.512300"),
]


def sek_amount(original: Decimal, rate: Decimal) -> Decimal:
    """The one rounding of the API: a foreign amount at its rate, half up to the öre."""
    return (original * rate).quantize(_CENT, rounding=ROUND_HALF_UP)


# Grants


class GrantCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partnership_id": "5b0c1a52-1f0e-4bb8-9a0e-8a1f4c7d2e11",
                    "kind": "inception",
                    "reference": "KP 2024/117",
                    "decided_on": "2024-05-20",
                    "starts": "2024-09-01",
                    "ends": "2025-08-31",
                    "amount": {"amount": "250000.00", "currency": "SEK"},
                    "budget": [
                        {
                            "category": "travel",
                            "year": 1,
                            "amount": {"amount": "250000.00", "currency": "SEK"},
                        }
                    ],
                }
            ]
        }
    )

    partnership_id: UUID
    application_id: UUID | None = Field(
        default=None, description="The approved application it answers, if any."
    )
    kind: ApplicationKind
    reference: Reference = Field(description="ICLD's decision reference (diarienummer).")
    decided_on: IsoDate
    starts: IsoDate
    ends: IsoDate
    amount: PositiveMoney = Field(description="SEK, whole kronor.")
    conditions: Text | None = None
    budget: list[BudgetLineIn] = Field(min_length=1, max_length=60)

    @field_validator("amount")
    @classmethod
    def _whole(cls, value: PositiveMoney) -> PositiveMoney:
        return whole_kronor(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        with as_field_error("ends"):
            check_grant_period(self.starts, self.ends)
            check_duration(self.kind, self.starts, self.ends)
        lines_once(self.budget)
        with as_field_error("budget"):
            check_lines_sum((line.amount.amount for line in self.budget), self.amount.amount)
        return self


class GrantLineRead(ResponseModel):
    id: UUID
    category: CostCategory
    year: int
    description: str | None
    original: Money = Field(description="As decided (0 for a line an extension added).")
    current: Money = Field(description="After the amendments.")


class Figures(ResponseModel):
    amount: Money
    ends: date


class ChainLink(ResponseModel):
    role: Literal["funder", "grantor", "recipient"]
    name: str
    organisation_id: UUID | None = None


class DueReport(ResponseModel):
    kind: ReportKind
    year: int
    due_on: date
    report_id: UUID | None = Field(description="The report filed for it (not returned), if any.")


class GrantExpand(StrEnum):
    """What `expand` embeds in a grant (docs/front-ends.md)."""

    partnership = "partnership"
    application = "application"


class GrantRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    application_id: UUID | None
    kind: ApplicationKind
    reference: str
    decided_on: date
    starts: date
    original: Figures = Field(description="The decision as it was made.")
    current: Figures = Field(description="The decision as the amendments changed it.")
    status: GrantStatus
    closed_on: date | None
    conditions: str | None
    funding_chain: list[ChainLink]
    budget: list[GrantLineRead]
    reports_due: list[DueReport]
    created_at: datetime
    updated_at: datetime
    partnership: PartnershipRead | MISSING = Field(
        default=MISSING, description="`expand=partnership`: the partnership it funds."
    )
    application: ApplicationRead | MISSING | None = Field(
        default=MISSING,
        description="`expand=application`: the application it answers; null when none.",
    )


class GrantPage(Page[GrantRead]):
    """One page of grants."""


# Amendments


class _AmendmentBase(RequestModel):
    reference: Reference
    decided_on: IsoDate


class Extension(_AmendmentBase):
    kind: Literal[AmendmentKind.extension]
    new_end: IsoDate
    additions: list[BudgetLineIn] = Field(
        default_factory=list,
        max_length=30,
        description="Added to the line of the same category and year, or a new line.",
    )


class Postponement(_AmendmentBase):
    kind: Literal[AmendmentKind.postponement]
    days: int = Field(le=3650, description="The end moves this many days later.")

    @field_validator("days")
    @classmethod
    def _positive(cls, value: int) -> int:
        with as_field_error(""):
            check_postponement_days(value)
        return value


class Move(RequestModel):
    from_line_id: UUID
    to_line_id: UUID
    amount: PositiveMoney

    @field_validator("amount")
    @classmethod
    def _whole(cls, value: PositiveMoney) -> PositiveMoney:
        return whole_kronor(value)

    @model_validator(mode="after")
    def _two_lines(self) -> Self:
        with as_field_error("to_line_id"):
            check_move_lines(self.from_line_id, self.to_line_id)
        return self


class Reallocation(_AmendmentBase):
    kind: Literal[AmendmentKind.reallocation]
    moves: list[Move] = Field(min_length=1, max_length=30)


class Cut(RequestModel):
    line_id: UUID
    amount: PositiveMoney

    @field_validator("amount")
    @classmethod
    def _whole(cls, value: PositiveMoney) -> PositiveMoney:
        return whole_kronor(value)


class Reduction(_AmendmentBase):
    kind: Literal[AmendmentKind.reduction]
    reductions: list[Cut] = Field(min_length=1, max_length=30)


class CloseOut(_AmendmentBase):
    kind: Literal[AmendmentKind.close_out]
    closes_on: IsoDate = Field(description="The grant's last day: before its current end.")


class AmendmentCreate(
    RootModel[
        Annotated[
            Extension | Postponement | Reallocation | Reduction | CloseOut,
            Field(discriminator="kind"),
        ]
    ]
):
    """One amendment, by its kind."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "postponement",
                    "reference": "KP 2020/88",
                    "decided_on": "2020-04-01",
                    "days": 243,
                },
                {
                    "kind": "close_out",
                    "reference": "KP 2023/12",
                    "decided_on": "2023-02-15",
                    "closes_on": "2023-03-31",
                },
            ]
        }
    )


class AmendmentRead(ResponseModel):
    id: UUID
    kind: AmendmentKind
    reference: str
    decided_on: date
    decided_by: str
    amount_change: Money = Field(description="How the grant's amount changed (negative: less).")
    ends_before: date
    ends_after: date
    details: dict[str, object] = Field(description="The amendment as decided.")
    created_at: datetime


# Reports


class CostIn(RequestModel):
    budget_line_id: UUID
    amount: PositiveMoney = Field(description="As paid: in SEK, or in the currency paid in.")
    rate: ExchangeRate | None = Field(
        default=None, description="SEK per unit of the currency; none for SEK."
    )
    description: str | None = Field(default=None, max_length=500, pattern=NO_CONTROL)

    @model_validator(mode="after")
    def _rate(self) -> Self:
        with as_field_error("rate"):
            check_exchange_rate(self.amount.currency, self.rate, self.sek)
        return self

    @property
    def sek(self) -> Decimal:
        if self.rate is None:
            return self.amount.amount
        return sek_amount(self.amount.amount, self.rate)


class ReportCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "interim",
                    "year": 1,
                    "narrative": "Two visits held; the youth council met four times.",
                    "costs": [
                        {
                            "budget_line_id": "0b7c5a10-3e4d-4f1a-9b2c-6d7e8f9a0b1c",
                            "amount": {"amount": "10450.00", "currency": "USD"},
                            "rate": "10.512300",
                        }
                    ],
                }
            ]
        }
    )

    kind: ReportKind
    year: int = Field(ge=1, le=PROJECT_MAX_YEARS)
    narrative: Annotated[str, NotBlank(50_000)]
    costs: list[CostIn] = Field(max_length=200)
    submitted_on: PastDay | None = Field(
        default=None, description="When it reached ICLD (default today; for a paper report)."
    )


class CostRead(ResponseModel):
    budget_line_id: UUID
    amount: Money = Field(description="In SEK.")
    original: Money = Field(description="As paid.")
    rate: Decimal | None
    description: str | None


class ReportRead(ResponseModel):
    id: UUID
    grant_id: UUID
    kind: ReportKind
    year: int
    narrative: str
    status: ReportStatus
    submitted_on: date
    decided_on: date | None
    decision_note: str | None
    costs: list[CostRead]
    total: Money = Field(description="The reported costs in SEK.")
    created_at: datetime
    updated_at: datetime


class ReportDecision(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "Costs match receipts."}]})

    note: Note | None = None
    decided_on: PastDay | None = Field(
        default=None, description="Default today; not before the report was submitted."
    )


# Payments


class PaymentAmount(PositiveMoney):
    """A payment's amount: more than 0, in SEK."""

    currency: Literal["SEK"] = Field(default="SEK", description="Payments are in SEK.")


class PaymentCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "report_id": "2f9d1c3e-5b7a-4e8f-a0b1-c2d3e4f5a6b7",
                    "amount": {"amount": "109850.25", "currency": "SEK"},
                    "paid_on": "2021-03-30",
                    "reference": "UTB 2021-0331",
                }
            ]
        }
    )

    report_id: UUID
    amount: PaymentAmount
    paid_on: PastDay
    reference: Reference


class PaymentRead(ResponseModel):
    id: UUID
    grant_id: UUID
    report_id: UUID
    amount: Money
    paid_on: date
    reference: str
    created_at: datetime


class LineBalance(ResponseModel):
    budget_line_id: UUID
    category: CostCategory
    year: int
    current: Money
    reported: Money
    approved: Money


class Balance(ResponseModel):
    """Everything derived from stored decisions, reports and payments, never stored twice."""

    grant_id: UUID
    decided_original: Money
    decided_current: Money
    reported: Money = Field(description="Costs of reports not returned.")
    approved: Money
    paid: Money
    remaining: Money = Field(description="current - paid")
    lines: list[LineBalance]
