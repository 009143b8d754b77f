"""The closed vocabularies of the domain, shared by tables (CHECK constraints) and schemas."""

from enum import StrEnum


class OrganisationType(StrEnum):
    municipality = "municipality"
    region = "region"
    county = "county"
    district = "district"
    city = "city"
    local_government_association = "local_government_association"
    joint_committee = "joint_committee"
    municipal_company = "municipal_company"
    government_agency = "government_agency"
    research_institute = "research_institute"
    civil_society = "civil_society"
    other = "other"


# Swedish actors that may hold an ICLD partnership grant (DOMAIN.md §2, [RL20 §1], [DAGS]):
# primärkommuner, regioner, kommundels-/stadsdelsnämnder, kommunal-/regionförbund and
# samverkansorganisationer, gemensamma nämnder, kommunala bolag.
ELIGIBLE_SWEDISH_APPLICANT_TYPES = frozenset(
    {
        OrganisationType.municipality,
        OrganisationType.region,
        OrganisationType.district,
        OrganisationType.local_government_association,
        OrganisationType.joint_committee,
        OrganisationType.municipal_company,
    }
)

# Swedish municipalities and regions are shipped as reference data with their SCB codes.
SWEDISH_REFERENCE_TYPES = frozenset({OrganisationType.municipality, OrganisationType.region})


class Role(StrEnum):
    """What a caller may do (docs/access-control.md)."""

    admin = "admin"
    programme_officer = "programme_officer"
    coordinator = "coordinator"
    viewer = "viewer"


# Roles whose reach is limited to their own organisations.
SCOPED_ROLES = frozenset({Role.coordinator, Role.viewer})


class PersonKind(StrEnum):
    politician = "politician"
    official = "official"


class PoliticalSide(StrEnum):
    majority = "majority"
    opposition = "opposition"


class FundingRegion(StrEnum):
    """Regions that set funding ceilings (DOMAIN.md §6)."""

    europe = "europe"
    africa = "africa"
    asia = "asia"
    latin_america = "latin_america"


class Principle(StrEnum):
    """The four democratic principles (core areas) a partnership works on (DOMAIN.md §3)."""

    equality_non_discrimination = "equality_non_discrimination"
    participation = "participation"
    transparency = "transparency"
    accountability = "accountability"


class PartnershipStatus(StrEnum):
    draft = "draft"
    inception = "inception"
    project = "project"
    completed = "completed"
    terminated = "terminated"


class PhaseKind(StrEnum):
    inception = "inception"
    project = "project"


class PhaseStatus(StrEnum):
    planned = "planned"
    active = "active"
    completed = "completed"
    terminated = "terminated"


class PhaseAction(StrEnum):
    start = "start"
    postpone = "postpone"
    extend = "extend"
    terminate = "terminate"
    complete = "complete"


class MemberGroup(StrEnum):
    steering_group = "steering_group"
    project_group = "project_group"
    inception_team = "inception_team"


class MemberRole(StrEnum):
    chair = "chair"
    vice_chair = "vice_chair"
    member = "member"
    coordinator = "coordinator"
    project_manager = "project_manager"


class MeetingKind(StrEnum):
    visit = "visit"
    digital_meeting = "digital_meeting"
    workshop = "workshop"
    study_visit = "study_visit"


# Meetings in which one party hosts the other in its own town (DOMAIN.md §7: reciprocal visits).
HOSTED_VISITS = frozenset({MeetingKind.visit, MeetingKind.study_visit})


class MeetingStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class MeetingAction(StrEnum):
    """A step in a meeting's history (docs/partnerships.md: the life cycle)."""

    create = "create"
    hold = "hold"
    cancel = "cancel"
    reschedule = "reschedule"


class DocumentKind(StrEnum):
    letter_of_intent = "letter_of_intent"
    budget = "budget"
    decision = "decision"
    report = "report"
    other = "other"


class ResultSide(StrEnum):
    """Where a change was seen: in the Swedish municipality, the partner's, or both."""

    swedish = "swedish"
    partner = "partner"
    both = "both"


class NetworkStatus(StrEnum):
    planned = "planned"
    active = "active"
    closed = "closed"


class WorkshopStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class NetworkMemberStatus(StrEnum):
    invited = "invited"
    active = "active"
    left = "left"


class ParticipantGender(StrEnum):
    """A workshop participant's gender, recorded on the participation for aggregate figures."""

    woman = "woman"
    man = "man"
    other = "other"
    not_stated = "not_stated"


class ApplicationKind(StrEnum):
    """What an application (and the grant answering it) is for (DOMAIN.md §6)."""

    inception = "inception"
    project = "project"
    extension = "extension"


class ApplicationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    under_assessment = "under_assessment"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


# Handed in and not withdrawn or rejected: what they rest on stays as it was handed in.
SUBMITTED_APPLICATIONS = frozenset(
    {ApplicationStatus.submitted, ApplicationStatus.under_assessment, ApplicationStatus.approved}
)


class ApplicationAction(StrEnum):
    create = "create"
    submit = "submit"
    withdraw = "withdraw"
    assess = "assess"
    approve = "approve"
    reject = "reject"


class CostCategory(StrEnum):
    """Costs ICLD funds ([BUD], [NYA]); anything else is refused (INELIGIBLE_COSTS names the
    ones the guidelines exclude outright)."""

    travel = "travel"
    accommodation = "accommodation"
    local_travel = "local_travel"
    venue = "venue"
    visas = "visas"
    climate_compensation = "climate_compensation"
    interpretation = "interpretation"
    materials = "materials"
    steering_group_work = "steering_group_work"


class GrantStatus(StrEnum):
    active = "active"
    closed = "closed"  # closed out early: nothing more is reported or funded after closed_on


class AmendmentKind(StrEnum):
    extension = "extension"
    postponement = "postponement"
    reallocation = "reallocation"
    reduction = "reduction"
    close_out = "close_out"


class ReportKind(StrEnum):
    interim = "interim"
    final = "final"


class PartnerInterestSide(StrEnum):
    """Which side of a partnership a declaration of interest seeks the other for."""

    swedish = "swedish"  # a Swedish organisation that may hold the grant seeks a partner
    partner = "partner"  # a local government in a partner country seeks a Swedish one


class PartnerInterestStatus(StrEnum):
    """A declaration of interest's state (docs/partner-search.md); expiry is its `expires_on`."""

    open = "open"
    matched = "matched"  # turned into a draft partnership with a declaration of the other side
    withdrawn = "withdrawn"


class CalendarFeed(StrEnum):
    """The feeds a calendar subscription serves (docs/calendars.md)."""

    partnership = "partnership"  # a partnership's meetings: .../partnerships/{id}/meetings.ics
    organisation = "organisation"  # all an organisation hosts or attends: .../calendar.ics


class ReportStatus(StrEnum):
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


# EU member states (ISO 3166-1 alpha-2), for trilateral partnerships' third party ([RL20 §10]).
EU_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


class ElectionLevel(StrEnum):
    """What an election elects (docs/continuity.md)."""

    municipal = "municipal"
    regional = "regional"
    national = "national"


class ContinuityRisk(StrEnum):
    """How an election threatens a partnership's steering group, least first
    (docs/continuity.md)."""

    none = "none"
    low = "low"
    medium = "medium"
    high = "high"


def sql_in(column: str, values: type[StrEnum]) -> str:
    """A CHECK constraint body limiting `column` to an enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"
