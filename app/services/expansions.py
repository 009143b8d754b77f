"""The related objects `expand` embeds in reads and lists (docs/front-ends.md, "Expanding related
objects"): for each route, each expansion is a batch over the rows of the page (or the one
read) keyed by their ids, and each embedded object is read under the same scope as its own
route.

An expansion costs one statement for a page of rows whatever they hold (a page whose rows name
no network still asks for none: the cost does not depend on the data), and none for an empty
page; compliance costs the fixed number of statements of its view.

Each function answers, by the id of each row, the fields to add to that row's answer: only
those asked for, so a field not asked for stays absent.
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.core.principal import Principal
from app.schemas.funding.grants import GrantExpand
from app.schemas.networks.workshops import WorkshopExpand
from app.schemas.partnerships.compliance import ComplianceBrief
from app.schemas.partnerships.meetings import MeetingExpand
from app.schemas.partnerships.members import MemberExpand
from app.schemas.partnerships.partnerships import PartnershipExpand, PartyRead
from app.services import people
from app.services.funding import applications
from app.services.networks.networks import networks_by_id
from app.services.organisations import organisations_by_id
from app.services.partnerships import meetings
from app.services.partnerships.compliance import compliance_of_each, default_day
from app.services.partnerships.members import sides_from
from app.services.partnerships.partnerships import PartnershipRecord, readable_partnerships
from app.services.partnerships.phases import current_phases

Embedded = dict[UUID, dict[str, Any]]


def _empty(ids: Sequence[UUID]) -> Embedded:
    return {i: {} for i in ids}


async def in_partnerships(
    session: AsyncSession,
    partnerships: Sequence[PartnershipRecord],
    partners: Mapping[UUID, list[UUID]],
    expand: Collection[PartnershipExpand],
) -> Embedded:
    """For partnerships the caller's scope chose (a page, or the one read) and their partner-side
    parties (`partners_of`). Their parts (phases, meetings, compliance) are the parts routes'
    own, which answer whoever may read the partnership; organisations and networks are read by
    anyone signed in."""
    found = _empty([p.id for p in partnerships])
    if not partnerships:
        return found
    ids = [p.id for p in partnerships]
    sides = sides_from(partnerships, partners)
    if PartnershipExpand.parties in expand:
        organisations = await organisations_by_id(session, {o for s in sides.values() for o in s})
        for p in partnerships:
            order = [p.swedish_party_id, *partners[p.id], *filter(None, [p.third_party_id])]
            found[p.id]["parties"] = [
                PartyRead(**dict(organisations[o]), side=sides[p.id][o]) for o in order
            ]
    if PartnershipExpand.current_phase in expand:
        phases = await current_phases(session, ids)
        for p in partnerships:
            found[p.id]["current_phase"] = phases.get(p.id)
    if PartnershipExpand.next_meeting in expand:
        upcoming = await meetings.next_meetings(session, sides, today())
        for p in partnerships:
            view = upcoming.get(p.id)
            found[p.id]["next_meeting"] = None if view is None else meetings.answer(view)
    if PartnershipExpand.compliance in expand:
        judged = await compliance_of_each(session, partnerships, default_day())
        for p, compliance in zip(partnerships, judged, strict=True):
            found[p.id]["compliance"] = ComplianceBrief(
                as_of=compliance.as_of, met=not compliance.warnings, warnings=compliance.warnings
            )
    if PartnershipExpand.network in expand:
        networks = await networks_by_id(
            session, {p.network_id for p in partnerships if p.network_id}
        )
        for p in partnerships:
            found[p.id]["network"] = networks.get(p.network_id) if p.network_id else None
    return found


async def in_meetings(
    session: AsyncSession, views: Sequence[meetings.MeetingView], expand: Collection[MeetingExpand]
) -> Embedded:
    """For meetings of a partnership the caller may read; their hosts are organisations, which
    anyone may read."""
    found = _empty([v.meeting.id for v in views])
    if not views:
        return found
    if MeetingExpand.host in expand:
        hosts = await organisations_by_id(session, {v.meeting.host_organisation_id for v in views})
        for v in views:
            found[v.meeting.id]["host"] = hosts[v.meeting.host_organisation_id]
    return found


async def in_members(
    session: AsyncSession,
    principal: Principal,
    members: Sequence[Any],
    expand: Collection[MemberExpand],
) -> Embedded:
    """For memberships of a partnership the caller may read: each person as `GET /people/{id}`
    answers the caller, null for a person it may not read there (404)."""
    found = _empty([m.id for m in members])
    if not members:
        return found
    if MemberExpand.person in expand:
        readable = await people.readable_people(session, principal, {m.person_id for m in members})
        for m in members:
            found[m.id]["person"] = readable.get(m.person_id)
    return found


async def in_grants(
    session: AsyncSession,
    principal: Principal,
    grants: Sequence[Any],
    expand: Collection[GrantExpand],
) -> Embedded:
    """For grants the caller may read: their partnerships and applications read under the same
    scope as their own routes (a grant is read through its partnership's scope, so both are
    found)."""
    found = _empty([g.id for g in grants])
    if not grants:
        return found
    if GrantExpand.partnership in expand:
        partnerships = await readable_partnerships(
            session, principal, {g.partnership_id for g in grants}
        )
        for g in grants:
            found[g.id]["partnership"] = partnerships[g.partnership_id]
    if GrantExpand.application in expand:
        answered = await applications.readable_applications(
            session, principal, {g.application_id for g in grants if g.application_id}
        )
        for g in grants:
            found[g.id]["application"] = (
                answered.get(g.application_id) if g.application_id else None
            )
    return found


async def in_workshops(
    session: AsyncSession, workshops: Sequence[Any], expand: Collection[WorkshopExpand]
) -> Embedded:
    """For workshops: their networks, which anyone signed in may read."""
    found = _empty([w.id for w in workshops])
    if not workshops:
        return found
    if WorkshopExpand.network in expand:
        networks = await networks_by_id(session, {w.network_id for w in workshops if w.network_id})
        for w in workshops:
            found[w.id]["network"] = networks.get(w.network_id) if w.network_id else None
    return found
