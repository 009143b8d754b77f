"""Audits of the reference data's rules (app/rules/reference.py): organisations, people, and the
countries and organisations that lists name (a list cannot hold a foreign key)."""

from collections.abc import AsyncIterator

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import OrganisationType, PersonKind, PoliticalSide
from app.rules.reference import (
    check_known_countries,
    check_known_organisations,
    check_not_reference_type,
    check_official_has_no_party,
    check_org_number_swedish,
    check_political_side,
)
from app.services.integrity.base import (
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
    """`politician-political-side` and `official-has-no-party`."""
    async for p in rows(conn, "SELECT id, kind, party, political_side FROM people ORDER BY id"):
        url, kind = person_url(p.id), PersonKind(p.kind)
        side = PoliticalSide(p.political_side) if p.political_side else None
        if found := judge(url, check_political_side, kind, side):
            yield found
        if found := judge(url, check_official_has_no_party, kind, p.party, side):
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
