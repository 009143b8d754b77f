"""Partnerships: parties, phases and their decisions, the steering and project groups."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

from app.models.base import Tracked, new_id
from app.models.enums import (
    DocumentKind,
    MeetingAction,
    MeetingKind,
    MeetingStatus,
    MemberGroup,
    MemberRole,
    PartnershipStatus,
    PhaseAction,
    PhaseKind,
    PhaseStatus,
    Principle,
    ResultSide,
    sql_in,
)
from app.models.texts import LANGUAGE_CHECK, search_expression

SEARCH_EXPRESSION = search_expression("title", "description")


class Partnership(Tracked, table=True):
    __tablename__ = "partnerships"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", PartnershipStatus), name="status"),
        sa.CheckConstraint(LANGUAGE_CHECK, name="language"),
        sa.Index("ix_partnerships_title_id", "title", "id"),
        sa.Index("ix_partnerships_swedish_party_id", "swedish_party_id"),
        sa.Index("ix_partnerships_search", "search", postgresql_using="gin"),
        # Made from a match: both declarations are named, or neither.
        sa.CheckConstraint(
            "(origin_swedish_interest_id IS NULL) = (origin_partner_interest_id IS NULL)",
            name="origin_whole",
        ),
    )

    title: str = Field(max_length=300)
    description: str | None = Field(default=None, sa_type=sa.Text)
    language: str = Field(default="en", max_length=2, sa_column_kwargs={"server_default": "en"})
    translations: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=sa.Column(postgresql.JSONB(), nullable=False, server_default="{}"),
    )
    local_challenge: str | None = Field(default=None, sa_type=sa.Text)
    themes: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(100)), nullable=False, server_default="{}"),
    )
    principles: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(40)), nullable=False, server_default="{}"),
    )
    swedish_party_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    third_party_id: UUID | None = Field(
        default=None, foreign_key="organisations.id", ondelete="RESTRICT"
    )
    applied_on: date
    status: str = Field(default=PartnershipStatus.draft, max_length=20)
    network_id: UUID | None = Field(
        default=None, foreign_key="networks.id", ondelete="RESTRICT", index=True
    )
    published_at: datetime | None = Field(
        default=None, description="Set while a public summary is shown to everyone."
    )
    search: str | None = Field(
        default=None,
        sa_column=sa.Column(TSVECTOR, sa.Computed(SEARCH_EXPRESSION, persisted=True)),
    )
    # Where it came from, when it was made from a match of two declarations of interest.
    origin_swedish_interest_id: UUID | None = Field(
        default=None, foreign_key="partner_interests.id", ondelete="RESTRICT"
    )
    origin_partner_interest_id: UUID | None = Field(
        default=None, foreign_key="partner_interests.id", ondelete="RESTRICT"
    )


class PartnershipPartner(SQLModel, table=True):
    """A partner-side party (a local government abroad) of a partnership."""

    __tablename__ = "partnership_partners"
    __table_args__ = (sa.Index("ix_partnership_partners_organisation_id", "organisation_id"),)

    partnership_id: UUID = Field(
        foreign_key="partnerships.id", primary_key=True, ondelete="CASCADE"
    )
    organisation_id: UUID = Field(
        foreign_key="organisations.id", primary_key=True, ondelete="RESTRICT"
    )


class Phase(Tracked, table=True):
    __tablename__ = "phases"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", PhaseKind), name="kind"),
        sa.CheckConstraint(sql_in("status", PhaseStatus), name="status"),
        sa.CheckConstraint("planned_end >= planned_start", name="planned_order"),
        sa.Index("ix_phases_partnership_id_planned_start", "partnership_id", "planned_start", "id"),
        # One phase at a time: the database refuses a second active phase whatever races.
        sa.Index(
            "uq_phases_one_active",
            "partnership_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
        ),
        # Phases do not overlap (rule phases-do-not-overlap), whatever a service lets through.
        postgresql.ExcludeConstraint(
            (sa.column("partnership_id"), "="),
            (
                sa.text(
                    "daterange(coalesce(actual_start, planned_start), "
                    "coalesce(actual_end, planned_end), '[]')"
                ),
                "&&",
            ),
            name="ex_phases_period",
            using="gist",
        ),
    )

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    status: str = Field(default=PhaseStatus.planned, max_length=20)


class Decision(SQLModel, table=True):
    """An action on a phase: who decided, when, on which decision, why. Never changed."""

    __tablename__ = "partnership_decisions"
    __table_args__ = (
        sa.CheckConstraint(sql_in("action", PhaseAction), name="action"),
        sa.Index("ix_partnership_decisions_partnership_id", "partnership_id", "decided_at", "id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    phase_id: UUID = Field(foreign_key="phases.id", ondelete="RESTRICT")
    action: str = Field(max_length=20)
    decided_by: str = Field(max_length=300)
    decided_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    decision_reference: str = Field(max_length=100)
    reason: str = Field(sa_type=sa.Text)
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )


class Member(Tracked, table=True):
    """A person's place in a partnership's steering group, project group or inception team."""

    __tablename__ = "partnership_members"
    __table_args__ = (
        sa.CheckConstraint(sql_in("team", MemberGroup), name="team"),
        sa.CheckConstraint(sql_in("role", MemberRole), name="role"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period_order"),
        sa.Index("ix_partnership_members_partnership_id", "partnership_id", "team", "id"),
        sa.Index("ix_partnership_members_person_id", "person_id"),
    )

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    person_id: UUID = Field(foreign_key="people.id", ondelete="RESTRICT")
    team: str = Field(max_length=20)
    role: str = Field(max_length=20)
    start_date: date
    end_date: date | None = None


class Meeting(Tracked, table=True):
    """A meeting or visit of a partnership: who hosts, where, when, and how it went; once
    cancelled, why, by whom and when (docs/partnerships.md: the life cycle)."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", MeetingKind), name="kind"),
        sa.CheckConstraint(sql_in("status", MeetingStatus), name="status"),
        sa.CheckConstraint("end_date >= start_date", name="period_order"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
        # A cancellation is recorded whole, and only on a cancelled meeting (those cancelled
        # before revision 0016 have none).
        sa.CheckConstraint(
            "(cancelled_at IS NULL AND cancelled_by IS NULL AND cancelled_reason IS NULL) OR "
            "(status = 'cancelled' AND cancelled_at IS NOT NULL AND cancelled_by IS NOT NULL "
            "AND cancelled_reason IS NOT NULL)",
            name="cancellation",
        ),
        sa.Index("ix_meetings_partnership_id_start_date", "partnership_id", "start_date", "id"),
        sa.Index("ix_meetings_host_organisation_id", "host_organisation_id"),
    )
    # Bookkeeping of the calendar feeds, written when a feed is served: not a change of the
    # meeting (no audit event, no new version).
    __audit_ignore__ = frozenset({"in_calendar_since"})

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    host_organisation_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    place: str = Field(max_length=200)
    start_date: date
    end_date: date
    status: str = Field(default=MeetingStatus.planned, max_length=20)
    outcome: str | None = Field(default=None, sa_type=sa.Text)
    sequence: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="The iCalendar SEQUENCE: raised each time the meeting moves or is cancelled.",
    )
    cancelled_at: datetime | None = None
    cancelled_by: str | None = Field(default=None, max_length=300)
    cancelled_reason: str | None = Field(default=None, sa_type=sa.Text)
    in_calendar_since: datetime | None = Field(
        default=None, description="When a calendar feed first listed the meeting."
    )


class MeetingChange(SQLModel, table=True):
    """A step in a meeting's history: created, held, cancelled or moved; who, when, why, and what
    it changed. Never changed. Written in the same transaction as the change, so the outbox the
    `meeting.cancelled` and `meeting.rescheduled` events will be published from."""

    __tablename__ = "meeting_changes"
    __table_args__ = (
        sa.CheckConstraint(sql_in("action", MeetingAction), name="action"),
        sa.CheckConstraint(
            "reason IS NOT NULL OR action NOT IN ('cancel', 'reschedule')", name="reason"
        ),
        sa.Index("ix_meeting_changes_meeting_id", "meeting_id", "changed_at", "id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    meeting_id: UUID = Field(foreign_key="meetings.id", ondelete="RESTRICT")
    action: str = Field(max_length=20)
    changed_by: str = Field(max_length=300)
    changed_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    reason: str | None = Field(default=None, sa_type=sa.Text)
    sequence: int
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )


class MeetingParticipant(SQLModel, table=True):
    __tablename__ = "meeting_participants"
    __table_args__ = (sa.Index("ix_meeting_participants_person_id", "person_id"),)

    meeting_id: UUID = Field(foreign_key="meetings.id", primary_key=True, ondelete="CASCADE")
    person_id: UUID = Field(foreign_key="people.id", primary_key=True, ondelete="RESTRICT")


class Document(Tracked, table=True):
    """A letter of intent, decision or report: its metadata, and the file once uploaded."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", DocumentKind), name="kind"),
        sa.Index("ix_documents_partnership_id", "partnership_id", "created_at", "id"),
    )

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    swedish_signed_on: date | None = None
    partner_signed_on: date | None = None
    file_key: str | None = Field(default=None, max_length=200)
    file_name: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=100)
    size_bytes: int | None = None
    sha256: str | None = Field(default=None, max_length=64)


class Result(Tracked, table=True):
    """What changed, where, tied to a democratic principle."""

    __tablename__ = "results"
    __table_args__ = (
        sa.CheckConstraint(sql_in("principle", Principle), name="principle"),
        sa.CheckConstraint(sql_in("side", ResultSide), name="side"),
        sa.CheckConstraint(LANGUAGE_CHECK, name="language"),
        sa.Index("ix_results_partnership_id", "partnership_id", "observed_on", "id"),
    )

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    principle: str = Field(max_length=40)
    side: str = Field(max_length=20)
    description: str = Field(sa_type=sa.Text)
    language: str = Field(default="en", max_length=2, sa_column_kwargs={"server_default": "en"})
    translations: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=sa.Column(postgresql.JSONB(), nullable=False, server_default="{}"),
    )
    observed_on: date
