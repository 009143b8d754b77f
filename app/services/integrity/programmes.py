"""Audits of the training programmes' and study visits' rules (app/rules/programmes.py)."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection

from app.rules.programmes import (
    check_contacts,
    check_each_once,
    check_lead,
    check_visit_within_programme,
    check_visiting_countries,
)
from app.services.integrity.base import Finding, judge, programme_url, rows, study_visit_url

# SQL: the countries of a programme's list of value objects (segments, participant countries).
_COUNTRIES = "ARRAY(SELECT x->>'country_code' FROM jsonb_array_elements(tp.{}) x)"


async def programmes(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`one-entry-per-country` of the segments and participant countries (each implementer
    once is the primary key of `programme_organisations`) and `programme-lead`."""
    async for p in rows(
        conn,
        f"SELECT tp.id, {_COUNTRIES.format('segments')} AS segments, "
        f"{_COUNTRIES.format('participant_countries')} AS participant_countries, "
        "ARRAY(SELECT po.role FROM programme_organisations po WHERE po.programme_id = tp.id) "
        "AS roles FROM training_programmes tp ORDER BY tp.id",
    ):
        url = programme_url(p.id)
        if found := judge(url, check_each_once, "segments", p.segments):
            yield found
        if found := judge(url, check_each_once, "participant_countries", p.participant_countries):
            yield found
        if found := judge(url, check_lead, p.roles):
            yield found


async def study_visits(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`visit-within-programme` and `visiting-countries-take-part` of a programme's visits, on
    the programme as it is now; `contacts-of-the-host` on the contacts as they are now (a later
    move to another organisation included)."""
    async for v in rows(
        conn,
        "SELECT v.id, v.visit_on, v.visiting_countries, v.host_organisation_id, v.contact_ids, "
        "v.programme_id, tp.starts, tp.ends, "
        f"{_COUNTRIES.format('participant_countries')} AS taking_part, "
        "ARRAY(SELECT pe.id FROM people pe WHERE pe.id = ANY(v.contact_ids) ORDER BY pe.id) "
        "AS people, ARRAY(SELECT pe.organisation_id FROM people pe "
        "WHERE pe.id = ANY(v.contact_ids) ORDER BY pe.id) AS organisations "
        "FROM study_visits v LEFT JOIN training_programmes tp ON tp.id = v.programme_id "
        "ORDER BY v.id",
    ):
        url = study_visit_url(v.id)
        if v.programme_id is not None:
            if found := judge(
                url, check_visit_within_programme, v.visit_on, v.starts, v.ends, changed="visit"
            ):
                yield found
            if found := judge(
                url,
                check_visiting_countries,
                v.visit_on,
                v.visiting_countries,
                set(v.taking_part),
                changed="visit",
            ):
                yield found
        organisation_of = dict(zip(v.people, v.organisations, strict=True))
        if found := judge(
            url, check_contacts, v.contact_ids, organisation_of, v.host_organisation_id
        ):
            yield found
