"""Audits of partner search (app/rules/partner_interests.py): the open declarations of
interest, judged as their organisations are now."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import PartnerInterestSide
from app.rules.partner_interests import check_wanted_countries
from app.rules.partnerships import check_partner_country, check_swedish_applicant
from app.services.integrity.base import (
    Finding,
    judge,
    partner_country_sql,
    partner_interest_url,
    rows,
)


async def declarations(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`swedish-applicant-eligible` or `partner-country-eligible` (on the day it could start) by
    its side, and `partner-interest-countries`, on each open declaration: what the write paths
    judge (a matched or withdrawn one is kept as it was)."""
    async for d in rows(
        conn,
        "SELECT i.id, i.side, i.countries, i.funding_regions, i.earliest_start, o.name, "
        "o.country_code, o.type, "
        f"{partner_country_sql('o.country_code', 'i.earliest_start')} AS eligible, "
        "ARRAY(SELECT c FROM unnest(i.countries) AS c "
        f"WHERE {partner_country_sql('c', 'i.earliest_start')}) AS partner_countries "
        "FROM partner_interests i JOIN organisations o ON o.id = i.organisation_id "
        "WHERE i.status = 'open' ORDER BY i.id",
    ):
        url = partner_interest_url(d.id)
        side = PartnerInterestSide(d.side)
        if side is PartnerInterestSide.swedish:
            found = judge(url, check_swedish_applicant, d.name, d.country_code, d.type)
        else:
            found = judge(
                url,
                check_partner_country,
                d.name,
                d.country_code,
                d.earliest_start,
                eligible=d.eligible,
            )
        if found:
            yield found
        partner_countries = set(d.partner_countries)
        if found := judge(
            url,
            check_wanted_countries,
            side,
            d.countries,
            d.funding_regions,
            {code: code in partner_countries for code in d.countries},
            d.earliest_start,
        ):
            yield found
