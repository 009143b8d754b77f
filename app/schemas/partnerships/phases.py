"""Phases of a partnership and the actions on them: request and response models, and the
duration rules that need only the payload."""

from datetime import date, datetime
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import as_field_error
from app.models.enums import PhaseAction, PhaseKind, PhaseStatus
from app.rules.partnerships import check_duration, check_pause
from app.schemas.common import NO_CONTROL, IsoDate, RequestModel, ResponseModel


class PhaseCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"kind": "inception", "planned_start": "2020-02-01", "planned_end": "2021-01-31"}
            ]
        }
    )

    kind: PhaseKind
    planned_start: IsoDate
    planned_end: IsoDate = Field(description="The last day of the phase.")

    @model_validator(mode="after")
    def _duration(self) -> Self:
        with as_field_error("planned_end"):
            check_duration(self.kind, self.planned_start, self.planned_end)
        return self


class PhaseRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    kind: PhaseKind
    planned_start: date
    planned_end: date = Field(description="Moves with postponements and extensions.")
    actual_start: date | None
    actual_end: date | None
    status: PhaseStatus = Field(description="Changed by actions only.")
    created_at: datetime
    updated_at: datetime


Reference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_CONTROL)
]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class DecisionFields(RequestModel):
    decision_reference: Reference = Field(description="The decision's number or reference.")
    reason: Reason


class StartPhase(DecisionFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "actual_start": "2020-02-01",
                    "decision_reference": "ICLD 2019/114",
                    "reason": "Inception approved",
                }
            ]
        }
    )

    actual_start: IsoDate


class PostponePhase(DecisionFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "paused_from": "2020-04-01",
                    "paused_until": "2022-03-31",
                    "decision_reference": "ICLD 2020/77",
                    "reason": "Covid-19 pandemic",
                }
            ]
        }
    )

    paused_from: IsoDate
    paused_until: IsoDate = Field(description="The last day of the pause.")

    @model_validator(mode="after")
    def _length(self) -> Self:
        with as_field_error("paused_until"):
            check_pause(self.paused_from, self.paused_until)
        return self

    @property
    def days(self) -> int:
        return (self.paused_until - self.paused_from).days + 1


class ExtendPhase(DecisionFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "new_planned_end": "2023-11-30",
                    "decision_reference": "ICLD 2021/301",
                    "reason": "New grant decision for a further year",
                }
            ]
        }
    )

    new_planned_end: IsoDate


class TerminatePhase(DecisionFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "effective_date": "2023-04-01",
                    "decision_reference": "KUN 2023/12",
                    "reason": "Both parties agree the goals are met",
                }
            ]
        }
    )

    effective_date: IsoDate = Field(description="The first day the phase is no longer in force.")


class CompletePhase(DecisionFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "actual_end": "2021-01-31",
                    "decision_reference": "ICLD 2021/12",
                    "reason": "Inception report approved",
                }
            ]
        }
    )

    actual_end: IsoDate


class DecisionRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    phase_id: UUID
    action: PhaseAction
    decided_by: str
    decided_at: datetime
    decision_reference: str
    reason: str
    details: dict[str, Any] = Field(description="The dates the action set, before and after.")
