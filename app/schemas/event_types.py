"""The event catalogue (docs/events.md): each type, when a flushed change is one, and its payload.

A payload is a snapshot of the object as its read route answers it: the read schema's own
fields, with the same names and shapes (money as `{"amount", "currency"}`), less what the row
alone cannot give (fields built from other rows: a partnership's partners, a grant's budget)
and less anything that is or may be personal data: no person's name, e-mail, phone, title or
party, no meeting participants, no one's name in a cancellation or an amendment, and no free
text (descriptions, narratives, notes, outcomes, reasons, conditions), which may name people.
`tests/events/test_payloads.py` holds each payload to its read schema. Each payload is a
Pydantic model, so `GET /api/v1/event-types` publishes its JSON Schema and the snapshot is built
by the same model.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.core.i18n import Language
from app.models.enums import (
    AmendmentKind,
    ApplicationKind,
    ApplicationStatus,
    FundingRegion,
    GrantStatus,
    MeetingKind,
    MeetingStatus,
    PartnerInterestSide,
    PartnerInterestStatus,
    PartnershipStatus,
    PhaseKind,
    PhaseStatus,
    Principle,
    ReportKind,
    ReportStatus,
)
from app.models.funding import Amendment, Application, Grant, Payment, Report
from app.models.partner_interests import PartnerInterest
from app.models.partnerships import Meeting, Partnership, Phase
from app.models.people import Person
from app.schemas.common import Money
from app.schemas.continuity import ContinuityAlert
from app.schemas.funding.applications import sek
from app.schemas.funding.grants import Figures
from app.schemas.partnerships.compliance import OverdueReport
from app.schemas.partnerships.partnerships import PartnershipOrigin


class _Payload(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _in_sek(value: Any) -> Any:
    """A stored amount (SEK) as the read routes write it."""
    return sek(value) if isinstance(value, Decimal) else value


Sek = Annotated[Money, BeforeValidator(_in_sek)]


class PartnershipPayload(_Payload):
    id: UUID
    title: str = Field(description="In the main `language`, whoever reads the event.")
    language: Language = Field(description="The main language of the partnership's texts.")
    themes: list[str]
    principles: list[Principle]
    swedish_party_id: UUID
    third_party_id: UUID | None
    applied_on: date
    network_id: UUID | None
    status: PartnershipStatus
    published_at: datetime | None
    origin: PartnershipOrigin | None

    @model_validator(mode="before")
    @classmethod
    def _origin(cls, partnership: Any) -> Any:
        """The stored partnership's origin, as its read route gives it."""
        if not isinstance(partnership, Partnership):
            return partnership
        fields = {n: getattr(partnership, n) for n in cls.model_fields if n != "origin"}
        swedish = partnership.origin_swedish_interest_id
        partner = partnership.origin_partner_interest_id
        origin = (
            None
            if swedish is None or partner is None
            else {"swedish_interest_id": swedish, "partner_interest_id": partner}
        )
        return {**fields, "origin": origin}


class PartnerInterestPayload(_Payload):
    """What a declaration of interest seeks (not its challenge: free text)."""

    id: UUID
    organisation_id: UUID
    side: PartnerInterestSide
    themes: list[str]
    principles: list[Principle]
    countries: list[str]
    funding_regions: list[FundingRegion]
    phase_kind: PhaseKind
    earliest_start: date
    network_id: UUID | None
    listed: bool
    status: PartnerInterestStatus
    expires_on: date


class PhasePayload(_Payload):
    id: UUID
    partnership_id: UUID
    kind: PhaseKind
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    status: PhaseStatus


class MeetingPayload(_Payload):
    id: UUID
    partnership_id: UUID
    kind: MeetingKind
    host_organisation_id: UUID
    place: str
    start_date: date
    end_date: date
    status: MeetingStatus
    sequence: int


class ApplicationPayload(_Payload):
    id: UUID
    partnership_id: UUID
    kind: ApplicationKind
    round_id: UUID | None
    planned_start: date
    planned_end: date
    status: ApplicationStatus
    submitted_on: date | None
    decided_on: date | None


class GrantPayload(_Payload):
    id: UUID
    partnership_id: UUID
    application_id: UUID | None
    kind: ApplicationKind
    reference: str
    decided_on: date
    starts: date
    original: Figures
    current: Figures
    status: GrantStatus
    closed_on: date | None

    @model_validator(mode="before")
    @classmethod
    def _figures(cls, grant: Any) -> Any:
        """The stored grant's figures, as decided and as amended, as its read route gives them."""
        if not isinstance(grant, Grant):
            return grant
        return {
            **{name: getattr(grant, name) for name in cls.model_fields if hasattr(grant, name)},
            "original": {"amount": sek(grant.original_amount), "ends": grant.original_ends},
            "current": {"amount": sek(grant.amount), "ends": grant.ends},
        }


class AmendmentPayload(_Payload):
    """The amendment decided (not who decided it, a name, nor its details, which hold its
    reason)."""

    id: UUID
    grant_id: UUID
    kind: AmendmentKind
    reference: str
    decided_on: date
    amount_change: Sek
    ends_before: date
    ends_after: date


class ReportPayload(_Payload):
    """The report's decision (not its narrative nor the decision's note, which may name people)."""

    id: UUID
    grant_id: UUID
    kind: ReportKind
    year: int
    status: ReportStatus
    submitted_on: date
    decided_on: date | None


class PaymentPayload(_Payload):
    id: UUID
    grant_id: UUID
    report_id: UUID
    amount: Sek
    paid_on: date
    reference: str


class ErasedPersonPayload(_Payload):
    """Which person was erased, and when: no name, no contact details, nothing else."""

    id: UUID
    organisation_id: UUID
    erased_at: datetime


class DeletedPersonPayload(_Payload):
    """Which person was deleted, from which organisation, and when they had been erased if they
    had: no name, nothing else."""

    id: UUID
    organisation_id: UUID
    erased_at: datetime | None


Changes = dict[str, list[Any]]


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    model: type[Any]
    """The table of the object the event is about."""
    payload: type[BaseModel]
    url: Callable[[Any], str]
    happened: Callable[[str, Changes], bool] | None
    """Whether a flushed change (kind: create, update or delete; its [before, after] fields)
    is this event; None for an event no change makes, which a periodic task writes."""

    @property
    def object_type(self) -> str:
        return str(self.model.__tablename__)

    def json_schema(self) -> dict[str, Any]:
        """The payload as it is sent (money amounts are strings)."""
        return self.payload.model_json_schema(mode="serialization")


def _created(kind: str, changes: Changes) -> bool:
    return kind == "create"


def _deleted(kind: str, changes: Changes) -> bool:
    return kind == "delete"


def _became(field: str, value: str) -> Callable[[str, Changes], bool]:
    def happened(kind: str, changes: Changes) -> bool:
        return kind in ("create", "update") and changes.get(field, [None, None])[1] == value

    return happened


def _set(field: str) -> Callable[[str, Changes], bool]:
    def happened(kind: str, changes: Changes) -> bool:
        before, after = changes.get(field, [None, None])
        return kind == "update" and before is None and after is not None

    return happened


def _moved(kind: str, changes: Changes) -> bool:
    return kind == "update" and ("start_date" in changes or "end_date" in changes)


def _partnership_url(obj: Partnership) -> str:
    return f"/api/v1/partnerships/{obj.id}"


def _partner_interest_url(obj: PartnerInterest) -> str:
    return f"/api/v1/partner-interests/{obj.id}"


EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "partnership.created",
        "A partnership was registered.",
        Partnership,
        PartnershipPayload,
        _partnership_url,
        _created,
    ),
    EventType(
        "partnership.published",
        "A partnership's public summary is now shown to everyone.",
        Partnership,
        PartnershipPayload,
        _partnership_url,
        _set("published_at"),
    ),
    EventType(
        "partner_interest.declared",
        "An organisation declared that it seeks a partner (docs/partner-search.md).",
        PartnerInterest,
        PartnerInterestPayload,
        _partner_interest_url,
        _created,
    ),
    EventType(
        "partner_interest.matched",
        "A declaration of interest was made into a draft partnership with one of the other "
        "side (the partnership's `origin` names both).",
        PartnerInterest,
        PartnerInterestPayload,
        _partner_interest_url,
        _became("status", PartnerInterestStatus.matched),
    ),
    EventType(
        "partner_interest.withdrawn",
        "A declaration of interest was withdrawn.",
        PartnerInterest,
        PartnerInterestPayload,
        _partner_interest_url,
        _became("status", PartnerInterestStatus.withdrawn),
    ),
    EventType(
        "phase.started",
        "A phase (inception or project) started.",
        Phase,
        PhasePayload,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/phases/{o.id}",
        _became("status", PhaseStatus.active),
    ),
    EventType(
        "phase.terminated",
        "A phase was terminated before its end.",
        Phase,
        PhasePayload,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/phases/{o.id}",
        _became("status", PhaseStatus.terminated),
    ),
    EventType(
        "meeting.held",
        "A meeting was recorded as held.",
        Meeting,
        MeetingPayload,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/meetings/{o.id}",
        _became("status", MeetingStatus.held),
    ),
    EventType(
        "meeting.cancelled",
        "A meeting was cancelled.",
        Meeting,
        MeetingPayload,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/meetings/{o.id}",
        _became("status", MeetingStatus.cancelled),
    ),
    EventType(
        "meeting.rescheduled",
        "A meeting moved to other days.",
        Meeting,
        MeetingPayload,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/meetings/{o.id}",
        _moved,
    ),
    EventType(
        "meeting.deleted",
        "A meeting entered by mistake was deleted; the payload is its last state.",
        Meeting,
        MeetingPayload,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/meetings/{o.id}",
        _deleted,
    ),
    EventType(
        "application.submitted",
        "An application was submitted to ICLD.",
        Application,
        ApplicationPayload,
        lambda o: f"/api/v1/applications/{o.id}",
        _became("status", ApplicationStatus.submitted),
    ),
    EventType(
        "application.approved",
        "An application was approved.",
        Application,
        ApplicationPayload,
        lambda o: f"/api/v1/applications/{o.id}",
        _became("status", ApplicationStatus.approved),
    ),
    EventType(
        "grant.decided",
        "ICLD decided a grant.",
        Grant,
        GrantPayload,
        lambda o: f"/api/v1/grants/{o.id}",
        _created,
    ),
    EventType(
        "grant.amended",
        "An amendment (extension, postponement or reallocation) of a grant was decided.",
        Amendment,
        AmendmentPayload,
        lambda o: f"/api/v1/grants/{o.grant_id}/amendments/{o.id}",
        _created,
    ),
    EventType(
        "report.approved",
        "A grant's report was approved.",
        Report,
        ReportPayload,
        lambda o: f"/api/v1/grants/{o.grant_id}/reports/{o.id}",
        _became("status", ReportStatus.approved),
    ),
    EventType(
        "payment.made",
        "A payment to the Swedish party was recorded.",
        Payment,
        PaymentPayload,
        lambda o: f"/api/v1/grants/{o.grant_id}/payments/{o.id}",
        _created,
    ),
    EventType(
        "report.overdue",
        "A grant's report is past its due date and none is filed (or the one filed was "
        "returned); told once per report. The object is the grant, whose `reports_due` lists it.",
        Grant,
        OverdueReport,
        lambda o: f"/api/v1/grants/{o.grant_id}",
        None,
    ),
    EventType(
        "partnership.continuity_at_risk",
        "An election entered the next 12 months at which the partnership's steering group is at "
        "risk (`medium` or `high`, docs/continuity.md); told once per partnership and election. "
        "The object is the partnership, whose `/continuity` shows it whole.",
        Partnership,
        ContinuityAlert,
        lambda o: f"/api/v1/partnerships/{o.partnership_id}/continuity",
        None,
    ),
    EventType(
        "person.erased",
        "A person's personal data was erased. The payload names no one.",
        Person,
        ErasedPersonPayload,
        lambda o: f"/api/v1/people/{o.id}",
        _set("erased_at"),
    ),
    EventType(
        "person.deleted",
        "A person was deleted. The payload names no one.",
        Person,
        DeletedPersonPayload,
        lambda o: f"/api/v1/people/{o.id}",
        _deleted,
    ),
)

BY_NAME: dict[str, EventType] = {t.name: t for t in EVENT_TYPES}
BY_MODEL: dict[type[Any], list[EventType]] = {}
for _type in EVENT_TYPES:
    if _type.happened is not None:
        BY_MODEL.setdefault(_type.model, []).append(_type)
EVENT_TYPE_NAMES = frozenset(BY_NAME)
