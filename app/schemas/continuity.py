"""The continuity view: the elections inside a partnership's phases, whose mandates end there and
whether its steering group survives them; and the programme-wide list (docs/continuity.md)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from app.core.paging import CursorPage
from app.models.enums import ContinuityRisk, ElectionLevel, PhaseKind, PhaseStatus, PoliticalSide
from app.rules.continuity import RECONFIRM_DAYS


class Risk(BaseModel):
    level: ContinuityRisk
    rule: str = Field(description="The rule behind the level (docs/continuity.md).")
    reason: str


class MandateEnding(BaseModel):
    """A steering-group politician whose mandate ends at the election (no name: the person's id
    reads them, in the caller's scope)."""

    person_id: UUID
    organisation_id: UUID
    political_side: PoliticalSide | None
    mandate_ends: date
    recorded: bool = Field(
        description="True: the person's `mandate_ends`; false: assumed, the first election of "
        "their organisation after they joined the steering group."
    )


class ElectionContinuity(BaseModel):
    election_id: UUID
    held_on: date
    level: ElectionLevel
    country_code: str
    side: str = Field(description="`swedish` or `partner`: the side whose parties it elects.")
    organisation_ids: list[UUID] = Field(description="The parties it elects.")
    mandates_ending: list[MandateEnding]
    holds_after: dict[str, bool] = Field(
        description="Per side (`swedish`, `partner`): the steering group still holds a majority "
        "and an opposition politician of each party the day after, if none of those whose "
        "mandates end returns (rule.steering-group-composition)."
    )
    missing_after: list[str] = Field(description="What it lacks the day after, in words.")
    reconfirm_by: date = Field(
        description=f"The steering group is re-confirmed by this day ({RECONFIRM_DAYS} days "
        "after the election; an assumption, docs/continuity.md)."
    )
    risk: Risk


class PhaseContinuity(BaseModel):
    phase_id: UUID
    kind: PhaseKind
    status: PhaseStatus
    starts: date
    ends: date
    elections: list[ElectionContinuity] = Field(description="Those inside the phase, in order.")


class UnknownMandate(BaseModel):
    person_id: UUID
    organisation_id: UUID


class Continuity(BaseModel):
    partnership_id: UUID
    as_of: date
    within_days: int
    phases: list[PhaseContinuity]
    risk: Risk = Field(
        description="The highest of the elections in the window: held by as_of + within_days, "
        "their re-confirmation date not before as_of."
    )
    mandates_unknown: list[UnknownMandate] = Field(
        description="Steering-group politicians with no recorded mandate end and no election "
        "of their organisation entered after they joined."
    )


class ContinuityAlert(BaseModel):
    """A partnership at risk at an election in the window: the row of the programme-wide list's
    elections, the funding alerts and the `partnership.continuity_at_risk` event. No person."""

    partnership_id: UUID
    partnership_title: str
    election_id: UUID
    held_on: date
    level: ElectionLevel
    country_code: str = Field(description="The election's country.")
    side: str
    mandates_ending: int = Field(description="How many steering-group mandates end there.")
    holds_after: dict[str, bool]
    reconfirm_by: date
    risk: Risk
    days_left: int = Field(
        description="Days from the day judged to the election (0 or less: held)."
    )


class ContinuitySummary(BaseModel):
    partnership_id: UUID
    title: str
    status: str
    country_code: str | None = Field(description="The first partner country, by code.")
    risk: Risk
    elections: list[ContinuityAlert] = Field(description="The elections in the window.")


class ContinuitySummaryPage(CursorPage[ContinuitySummary]):
    """One page of partnerships facing an election, paged forward only."""
