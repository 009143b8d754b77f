"""Audits of the reference data's rules (app/rules/reference.py): organisations, people, and the
countries and organisations that lists name (a list cannot hold a foreign key)."""

from collections.abc import AsyncIterator

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import OrganisationType, PersonKind, PoliticalSide
from app.rules.continuity import check_election_country
from app.rules.reference import (
    check_known_countries,
    check_known_organisations,
    check_not_reference_type,
    check_official_has_no_mandate,
    check_official_has_no_party,
    check_org_number_swedish,
    check_political_side,
)
from app.services.integrity.base import (
    API,
    Finding,
    api_key_url,
    judge,
    network_url,
    organisation_url,
    person_url,
    programme_url,
    rows,
    study_visit_url,
    workshop_url,
)


async def organisations(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`swedish-reference-organisation` (a Swedish municipality or region that is not the
    shipped one) and `organisation-number-swedish-only`."""
    async for o in rows(
        conn,
        "SELECT id, type, country_code, org_number, is_reference FROM organisations ORDER BY id",
    ):
        url = organisation_url(o.id)
        if not o.is_reference and (
            found := judge(url, check_not_reference_type, o.country_code, OrganisationType(o.type))
        ):
            yield found
        if found := judge(url, check_org_number_swedish, o.org_number, o.country_code):
            yield found


async def people(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`politician-political-side`, `official-has-no-party` and `official-has-no-mandate`."""
    async for p in rows(
        conn, "SELECT id, kind, party, political_side, mandate_ends FROM people ORDER BY id"
    ):
        url, kind = person_url(p.id), PersonKind(p.kind)
        side = PoliticalSide(p.political_side) if p.political_side else None
        if found := judge(url, check_political_side, kind, side):
            yield found
        if found := judge(url, check_official_has_no_party, kind, p.party, side):
            yield found
        if found := judge(url, check_official_has_no_mandate, kind, p.mandate_ends):
            yield found


async def listed_countries(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`unknown-country` in the lists of countries: a network's countries, a programme's
    segments and participant countries, a study visit's visiting countries. (A single country
    column is a foreign key to `countries`.)"""
    known = set((await conn.execute(sa.text("SELECT code FROM countries"))).scalars())
    lists = (
        (
            "SELECT id, country_codes AS codes FROM networks ORDER BY id",
            network_url,
            "country_codes",
        ),
        (
            "SELECT id, ARRAY(SELECT s->>'country_code' FROM jsonb_array_elements(segments) s) "
            "AS codes FROM training_programmes ORDER BY id",
            programme_url,
            "segments",
        ),
        (
            "SELECT id, ARRAY(SELECT c->>'country_code' "
            "FROM jsonb_array_elements(participant_countries) c) AS codes "
            "FROM training_programmes ORDER BY id",
            programme_url,
            "participant_countries",
        ),
        (
            "SELECT id, visiting_countries AS codes FROM study_visits ORDER BY id",
            study_visit_url,
            "visiting_countries",
        ),
    )
    for sql, url, field in lists:
        async for row in rows(conn, sql):
            wanted = [(f"/{field}/{i}", code) for i, code in enumerate(row.codes)]
            if found := judge(url(row.id), check_known_countries, wanted, known):
                yield found


async def listed_organisations(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`unknown-organisation` in the lists of organisations: a workshop's organisations taking
    part, an API key's organisations. (A single organisation column is a foreign key.)"""
    lists = (("workshops", workshop_url), ("api_keys", api_key_url))
    for table, url in lists:
        async for row in rows(
            conn,
            f"SELECT t.id, t.organisation_ids, ARRAY(SELECT o.id FROM organisations o "
            f"WHERE o.id = ANY(t.organisation_ids)) AS known FROM {table} t ORDER BY t.id",
        ):
            wanted = [(f"/organisation_ids/{i}", o) for i, o in enumerate(row.organisation_ids)]
            if found := judge(url(row.id), check_known_organisations, wanted, set(row.known)):
                yield found


async def own_elections(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`election-organisation-country`: an organisation's own election is in its country."""
    async for e in rows(
        conn,
        "SELECT e.id, e.country_code, o.name, o.country_code AS organisation_country "
        "FROM elections e JOIN organisations o ON o.id = e.organisation_id ORDER BY e.id",
    ):
        url = f"{API}/elections/{e.id}"
        if found := judge(
            url,
            check_election_country,
            e.name,
            e.organisation_country,
            e.country_code,
            "/country_code",
        ):
            yield found
