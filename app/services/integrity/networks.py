"""Audits of the networks' rules (app/rules/networks.py): members, the partnerships of a network,
workshops and their participants."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import WorkshopStatus
from app.rules.networks import (
    check_member_country,
    check_participants,
    check_partner_eligible,
    check_workshop_members,
    check_workshop_within_network,
    partner_country_days,
)
from app.services.integrity.base import (
    Finding,
    groups,
    judge,
    network_member_url,
    partner_country_sql,
    partnership_url,
    rows,
    workshop_url,
)


async def members(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`network-member-country` and `network-partner-eligible` of every member (one who left
    too: a change of the network's countries or period judges them all)."""
    async for m in rows(
        conn,
        "SELECT m.network_id, m.id, o.name, o.country_code, n.country_codes, n.starts, n.ends, "
        f"{partner_country_sql('o.country_code', 'n.starts')} AS on_start, "
        f"{partner_country_sql('o.country_code', 'n.ends')} AS on_end "
        "FROM network_members m JOIN networks n ON n.id = m.network_id "
        "JOIN organisations o ON o.id = m.organisation_id ORDER BY m.network_id, m.id",
    ):
        url = network_member_url(m.network_id, m.id)
        if found := judge(
            url, check_member_country, m.name, m.country_code, m.country_codes, "/organisation_id"
        ):
            yield found
        eligible = {m.starts: m.on_start, m.ends: m.on_end}
        partner_country_on = {
            d: eligible[d] for d in partner_country_days(m.country_code, m.starts, m.ends)
        }
        if found := judge(
            url, check_partner_eligible, m.country_code, partner_country_on, "/organisation_id"
        ):
            yield found


async def partnerships(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`network-member-country` of the partnerships of a network: the Swedish party and each
    partner (a third party is from the EU, not a member) in one of the network's countries."""
    async for p in rows(
        conn,
        "SELECT p.id, 0 AS side, o.id AS organisation_id, o.name, o.country_code, "
        "n.country_codes FROM partnerships p JOIN networks n ON n.id = p.network_id "
        "JOIN organisations o ON o.id = p.swedish_party_id "
        "UNION ALL SELECT p.id, 1, o.id, o.name, o.country_code, n.country_codes "
        "FROM partnerships p JOIN networks n ON n.id = p.network_id "
        "JOIN partnership_partners pp ON pp.partnership_id = p.id "
        "JOIN organisations o ON o.id = pp.organisation_id ORDER BY 1, 2, 3",
    ):
        if found := judge(
            partnership_url(p.id),
            check_member_country,
            p.name,
            p.country_code,
            p.country_codes,
            "/network_id",
        ):
            yield found


async def workshops(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`workshop-within-network` and `workshop-members-only` of a network's workshops: a
    planned workshop's organisations are members that have not left (a member leaves only when
    it takes part in none); a workshop held or cancelled keeps those that were members then,
    who may have left since."""
    async for w in rows(
        conn,
        "SELECT w.id, w.starts, w.ends, w.status, w.organisation_ids, n.starts AS network_starts, "
        "n.ends AS network_ends, ARRAY(SELECT m.organisation_id FROM network_members m "
        "WHERE m.network_id = n.id) AS members, ARRAY(SELECT m.organisation_id "
        "FROM network_members m WHERE m.network_id = n.id AND m.status <> 'left') AS staying "
        "FROM workshops w JOIN networks n ON n.id = w.network_id ORDER BY w.id",
    ):
        url = workshop_url(w.id)
        if found := judge(
            url,
            check_workshop_within_network,
            (w.starts, w.ends),
            (w.network_starts, w.network_ends),
            changed="workshop",
        ):
            yield found
        members = w.staying if w.status == WorkshopStatus.planned else w.members
        if found := judge(url, check_workshop_members, w.organisation_ids, set(members)):
            yield found


async def participants(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`workshop-participants` of each workshop's list, on the people as they are now."""
    async for group in groups(
        conn,
        "SELECT wp.workshop_id, wp.person_id, pe.organisation_id, w.organisation_ids, "
        "w.participants_per_organisation FROM workshop_participants wp "
        "JOIN workshops w ON w.id = wp.workshop_id JOIN people pe ON pe.id = wp.person_id "
        "ORDER BY wp.workshop_id, wp.person_id",
        "workshop_id",
    ):
        workshop = group[0]
        if found := judge(
            f"{workshop_url(workshop.workshop_id)}/participants",
            check_participants,
            [p.person_id for p in group],
            {p.person_id: p.organisation_id for p in group},
            workshop.organisation_ids,
            workshop.participants_per_organisation,
        ):
            yield found
