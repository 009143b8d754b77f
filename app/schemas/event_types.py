"""The event catalogue (docs/events.md): each type, when a flushed change is one, and its payload.

A payload is a snapshot of the object's own fields, named as its read route names them, and
never personal data: no person's name, e-mail, phone, title or party, no meeting participants, no
one's name in a cancellation (`cancelled_by`). Each payload is a Pydantic model, so
`GET /api/v1/event-types` publishes its JSON Schema and the snapshot is built by the same model.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from app.models.enums import ApplicationStatus, MeetingStatus, PhaseStatus, ReportStatus
from app.models.funding import Amendment, Application, Grant, Payment, Report
from app.models.partnerships import Meeting, Partnership, Phase
from app.models.people import Person


class _Payload(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PartnershipPayload(_Payload):
    id: UUID
    title: str
    status: str
    swedish_party_id: UUID
    third_party_id: UUID | None
    network_id: UUID | None
    applied_on: date
    themes: list[str]
    published_at: datetime | None


class PhasePayload(_Payload):
    id: UUID
    partnership_id: UUID
    kind: str
    status: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None


class MeetingPayload(_Payload):
    id: UUID
    partnership_id: UUID
    kind: str
    status: str
    host_organisation_id: UUID
    place: str
    start_date: date
    end_date: date
    sequence: int


class ApplicationPayload(_Payload):
    id: UUID
    partnership_id: UUID
    kind: str
    round_id: UUID | None
    status: str
    planned_start: date
    planned_end: date
    submitted_on: date | None
    decided_on: date | None


class GrantPayload(_Payload):
    id: UUID
    partnership_id: UUID
    application_id: UUID | None
    kind: str
    reference: str
    decided_on: date
    starts: date
    ends: date
    amount: Decimal
    status: str


class AmendmentPayload(_Payload):
    """The amendment decided (not who decided it: a name)."""

    id: UUID
    grant_id: UUID
    kind: str
    reference: str
    decided_on: date
    amount_change: Decimal
    ends_before: date
    ends_after: date


class ReportPayload(_Payload):
    """The report's decision (not its narrative, which may name people)."""

    id: UUID
    grant_id: UUID
    kind: str
    year: int
    status: str
    submitted_on: date
    decided_on: date | None


class PaymentPayload(_Payload):
    id: UUID
    grant_id: UUID
    report_id: UUID
    amount: Decimal
    paid_on: date
    reference: str


class ErasedPersonPayload(_Payload):
    """Which person was erased, and when: no name, no contact details, nothing else."""

    id: UUID
    organisation_id: UUID
    erased_at: datetime


class DeletedPersonPayload(_Payload):
    """Which person was deleted, and from which organisation: no name, nothing else."""

    id: UUID
    organisation_id: UUID


Changes = dict[str, list[Any]]


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    model: type[Any]
    payload: type[_Payload]
    url: Callable[[Any], str]
    happened: Callable[[str, Changes], bool]
    """Whether a flushed change (kind: create, update or delete; its [before, after] fields)
    is this event."""

    def json_schema(self) -> dict[str, Any]:
        return self.payload.model_json_schema()


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
    BY_MODEL.setdefault(_type.model, []).append(_type)
EVENT_TYPE_NAMES = frozenset(BY_NAME)
