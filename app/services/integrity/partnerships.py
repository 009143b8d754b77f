"""Audits of the partnerships' rules (app/rules/partnerships.py): parties, phases, groups, meetings
and documents."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import today
from app.models.enums import MeetingStatus, MemberGroup, PhaseStatus
from app.rules.partnerships import (
    SIGNATURE_FIELDS,
    check_duration,
    check_fits,
    check_host,
    check_member_of_a_party,
    check_partner_country,
    check_signature,
    check_started,
    check_swedish_applicant,
    check_team_member_kind,
    check_termination_date,
    check_third_party,
    first_day,
    last_day,
)
from app.services.integrity.base import (
    PARTNERS,
    Finding,
    day,
    groups,
    judge,
    part_url,
    partner_country_sql,
    partnership_url,
    rows,
    sides,
)


async def parties(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`swedish-applicant-eligible` and `third-party-in-eu`, on the parties as they are now
    (an organisation's later change of country or type included)."""
    async for p in rows(
        conn,
        "SELECT p.id, s.name, s.country_code, s.type, t.name AS third_name, "
        "t.country_code AS third_country FROM partnerships p "
        "JOIN organisations s ON s.id = p.swedish_party_id "
        "LEFT JOIN organisations t ON t.id = p.third_party_id ORDER BY p.id",
    ):
        url = partnership_url(p.id)
        if found := judge(url, check_swedish_applicant, p.name, p.country_code, p.type):
            yield found
        if p.third_name is not None and (
            found := judge(url, check_third_party, p.third_name, p.third_country)
        ):
            yield found


async def partners(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`partner-country-eligible`: each partner's country was an ICLD partner country on the
    day the partnership was applied for."""
    async for p in rows(
        conn,
        "SELECT pp.partnership_id, o.name, o.country_code, p.applied_on, "
        f"{partner_country_sql('o.country_code', 'p.applied_on')} AS eligible "
        "FROM partnership_partners pp JOIN partnerships p ON p.id = pp.partnership_id "
        "JOIN organisations o ON o.id = pp.organisation_id "
        "ORDER BY pp.partnership_id, pp.organisation_id",
    ):
        if found := judge(
            partnership_url(p.partnership_id),
            check_partner_country,
            p.name,
            p.country_code,
            p.applied_on,
            eligible=p.eligible,
        ):
            yield found


@dataclass(frozen=True)
class StoredPhase:
    """A stored phase as the rules read it (`PhaseFacts`)."""

    id: UUID
    kind: str
    status: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None


async def phases(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """Each partnership's phases: `project-duration` and `inception-duration` of each phase's
    plan as it was made (its planned end before the first postponement or extension, which are
    judged when decided, from the decisions' record); `phases-do-not-overlap` and
    `project-after-inception` of each pair, on the days each phase runs (actual, else planned),
    as every phase action judges them (a finding names the phase stored later);
    `early-termination-date` of a terminated phase (it took effect the day after its actual
    end)."""
    async for group in groups(
        conn,
        "SELECT ph.partnership_id, ph.id, ph.kind, ph.status, ph.planned_start, ph.planned_end, "
        "ph.actual_start, ph.actual_end, ph.created_at, (SELECT d.details->>'old_planned_end' "
        "FROM partnership_decisions d WHERE d.phase_id = ph.id "
        "AND d.action IN ('postpone', 'extend') ORDER BY d.decided_at, d.id LIMIT 1) AS first_end "
        "FROM phases ph ORDER BY ph.partnership_id, ph.planned_start, ph.id",
        "partnership_id",
    ):
        stored: list[StoredPhase] = []
        added = {row.id: row.created_at for row in group}
        for row in group:
            phase = StoredPhase(
                row.id,
                row.kind,
                row.status,
                row.planned_start,
                row.planned_end,
                row.actual_start,
                row.actual_end,
            )
            url = part_url(row.partnership_id, "phases", phase.id)
            planned_end = day(row.first_end) or phase.planned_end
            if found := judge(url, check_duration, phase.kind, phase.planned_start, planned_end):
                yield found
            if phase.status == PhaseStatus.terminated and phase.actual_start and phase.actual_end:
                effective = phase.actual_end + timedelta(days=1)
                if found := judge(
                    url, check_termination_date, phase.actual_start, phase.planned_end, effective
                ):
                    yield found
            stored.append(phase)
        # Each pair once: a phase against those stored before it (the later one is the row
        # that broke the rule, unless both came in one transaction: then the later-starting).
        stored.sort(key=lambda p: (added[p.id], first_day(p), p.id))
        for i, phase in enumerate(stored):
            url = part_url(group[0].partnership_id, "phases", phase.id)
            for other in stored[:i]:
                if found := judge(
                    url, check_fits, [other], phase, first_day(phase), last_day(phase), ""
                ):
                    yield found


async def members(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`member-of-a-party` and `team-member-kind` of each member of a partnership's groups, on
    the person as they are now (a later move to another organisation, or change of kind,
    included)."""
    async for m in rows(
        conn,
        "SELECT m.partnership_id, m.id, m.team, pe.kind, pe.given_name, pe.family_name, "
        f"pe.organisation_id, p.swedish_party_id, p.third_party_id, {PARTNERS} AS partners "
        "FROM partnership_members m JOIN people pe ON pe.id = m.person_id "
        "JOIN partnerships p ON p.id = m.partnership_id ORDER BY m.partnership_id, m.id",
    ):
        url = part_url(m.partnership_id, "members", m.id)
        who = f"{m.given_name} {m.family_name}"
        parties = sides(m.swedish_party_id, m.third_party_id, m.partners)
        if found := judge(
            url, check_member_of_a_party, parties, m.organisation_id, who, "/person_id"
        ):
            yield found
        if found := judge(url, check_team_member_kind, MemberGroup(m.team), m.kind, who):
            yield found


async def meetings(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`host-is-a-party` of each meeting, `member-of-a-party` of its participants, and
    `meeting-transition` as far as a state shows it: a meeting is held only once it started.
    (That a held or cancelled meeting stays so is judged on each change; a cancelled meeting may
    lie ahead.)"""
    day = today()  # the day the meetings' service judges by (Stockholm)
    async for m in rows(
        conn,
        "SELECT m.partnership_id, m.id, m.host_organisation_id, m.status, m.start_date, "
        f"p.swedish_party_id, p.third_party_id, {PARTNERS} AS partners "
        "FROM meetings m JOIN partnerships p ON p.id = m.partnership_id "
        "ORDER BY m.partnership_id, m.id",
    ):
        url = part_url(m.partnership_id, "meetings", m.id)
        parties = sides(m.swedish_party_id, m.third_party_id, m.partners)
        if found := judge(url, check_host, parties, m.host_organisation_id):
            yield found
        if m.status == MeetingStatus.held and (
            found := judge(url, check_started, m.start_date, day, None)
        ):
            yield found
    async for m in rows(
        conn,
        "SELECT m.partnership_id, m.id, mp.person_id, pe.organisation_id, p.swedish_party_id, "
        f"p.third_party_id, {PARTNERS} AS partners FROM meeting_participants mp "
        "JOIN meetings m ON m.id = mp.meeting_id JOIN people pe ON pe.id = mp.person_id "
        "JOIN partnerships p ON p.id = m.partnership_id "
        "ORDER BY m.partnership_id, m.id, mp.person_id",
    ):
        parties = sides(m.swedish_party_id, m.third_party_id, m.partners)
        if found := judge(
            part_url(m.partnership_id, "meetings", m.id),
            check_member_of_a_party,
            parties,
            m.organisation_id,
            f"Person {m.person_id}",
            "/participant_ids",
        ):
            yield found


async def documents(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`signed-only-letter-of-intent`."""
    async for d in rows(
        conn,
        "SELECT partnership_id, id, kind, swedish_signed_on, partner_signed_on FROM documents "
        "ORDER BY partnership_id, id",
    ):
        for field in SIGNATURE_FIELDS:
            if found := judge(
                part_url(d.partnership_id, "documents", d.id),
                check_signature,
                d.kind,
                field,
                getattr(d, field),
            ):
                yield found
