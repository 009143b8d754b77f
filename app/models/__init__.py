"""All tables; importing this module registers them on the shared metadata."""

from app.models.access import ApiKey, User
from app.models.audit import AuditEvent
from app.models.base import metadata
from app.models.calendars import CalendarSubscription
from app.models.countries import Country, CountryEligibility
from app.models.elections import ContinuityNotice, Election
from app.models.events import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.models.funding import (
    Amendment,
    Application,
    ApplicationBudgetLine,
    ApplicationEvent,
    ApplicationRound,
    Grant,
    GrantBudgetLine,
    Payment,
    Report,
    ReportedCost,
)
from app.models.idempotency import IdempotencyKey
from app.models.networks import Network, NetworkMember, Workshop, WorkshopParticipant
from app.models.organisations import Organisation
from app.models.partner_interests import PartnerInterest
from app.models.partnerships import (
    Decision,
    Document,
    Meeting,
    MeetingChange,
    MeetingParticipant,
    Member,
    Partnership,
    PartnershipPartner,
    Phase,
    Result,
)
from app.models.people import Person
from app.models.programmes import ProgrammeOrganisation, StudyVisit, TrainingProgramme
from app.models.sorting import add_sort_indexes

__all__ = [
    "Amendment",
    "ApiKey",
    "Application",
    "ApplicationBudgetLine",
    "ApplicationEvent",
    "ApplicationRound",
    "AuditEvent",
    "CalendarSubscription",
    "ContinuityNotice",
    "Country",
    "CountryEligibility",
    "Decision",
    "Document",
    "Election",
    "Event",
    "Grant",
    "GrantBudgetLine",
    "IdempotencyKey",
    "Meeting",
    "MeetingChange",
    "MeetingParticipant",
    "Member",
    "Network",
    "NetworkMember",
    "Organisation",
    "PartnerInterest",
    "Partnership",
    "PartnershipPartner",
    "Payment",
    "Person",
    "Phase",
    "ProgrammeOrganisation",
    "Report",
    "ReportedCost",
    "Result",
    "StudyVisit",
    "TrainingProgramme",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "Workshop",
    "WorkshopParticipant",
    "metadata",
]

add_sort_indexes()
