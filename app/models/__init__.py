"""All tables; importing this module registers them on the shared metadata."""

from app.models.access import ApiKey, User
from app.models.audit import AuditEvent
from app.models.base import metadata
from app.models.countries import Country, CountryEligibility
from app.models.funding import (
    Application,
    ApplicationBudgetLine,
    ApplicationEvent,
    ApplicationRound,
)
from app.models.networks import Network, NetworkMember, Workshop, WorkshopParticipant
from app.models.organisations import Organisation
from app.models.partnerships import (
    Decision,
    Document,
    Meeting,
    MeetingParticipant,
    Member,
    Partnership,
    PartnershipPartner,
    Phase,
    Result,
)
from app.models.people import Person
from app.models.programmes import ProgrammeOrganisation, StudyVisit, TrainingProgramme

__all__ = [
    "ApiKey",
    "Application",
    "ApplicationBudgetLine",
    "ApplicationEvent",
    "ApplicationRound",
    "AuditEvent",
    "Country",
    "CountryEligibility",
    "Decision",
    "Document",
    "Meeting",
    "MeetingParticipant",
    "Member",
    "Network",
    "NetworkMember",
    "Organisation",
    "Partnership",
    "PartnershipPartner",
    "Person",
    "Phase",
    "ProgrammeOrganisation",
    "Result",
    "StudyVisit",
    "TrainingProgramme",
    "User",
    "Workshop",
    "WorkshopParticipant",
    "metadata",
]
