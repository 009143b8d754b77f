"""Countries and ICLD partner-country eligibility."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.models.countries import Country, CountryEligibility
from app.models.enums import FundingRegion
from app.models.organisations import Organisation
from app.rules.reference import check_known_countries
from app.services.common import text_search


@dataclass(frozen=True)
class CountryFilters:
    eligible_on: date | None = None
    funding_region: FundingRegion | None = None
    q: str | None = None


def eligible_on(on: date) -> sa.ColumnElement[bool]:
    """The country (in a query on countries) was an ICLD partner country that day."""
    valid_to = col(CountryEligibility.valid_to)
    return sa.exists().where(
        col(CountryEligibility.country_code) == col(Country.code),
        col(CountryEligibility.valid_from) <= on,
        sa.or_(valid_to.is_(None), valid_to >= on),
    )


async def partner_country_on(session: AsyncSession, code: str, day: date) -> bool:
    """The country was an ICLD partner country that day."""
    found = await session.scalar(select(Country.code).where(Country.code == code, eligible_on(day)))
    return found is not None


SORTING = Sorting(
    "countries",
    {
        "code": col(Country.code),
        "name_en": col(Country.name_en),
        "updated_at": col(Country.updated_at),
    },
    default=("code",),
    unique=col(Country.code),
    updated=col(Country.updated_at),
)


async def list_countries(
    session: AsyncSession, filters: CountryFilters, page: PageParams
) -> tuple[list[Country], dict[str, list[CountryEligibility]], Links]:
    stmt = select(Country)
    if filters.eligible_on is not None:
        stmt = stmt.where(eligible_on(filters.eligible_on))
    if filters.funding_region is not None:
        stmt = stmt.where(Country.funding_region == filters.funding_region.value)
    if filters.q:
        names = sa.func.to_tsvector(
            sa.literal_column("'simple'::regconfig"),
            sa.func.concat_ws(" ", Country.code, Country.name_en, Country.name_sv, Country.name_es),
        )
        stmt = stmt.where(text_search(names, filters.q))
    countries: list[Country]
    countries, cursor = await sorted_page(session, stmt, SORTING, page)
    return countries, await eligibility_of(session, [c.code for c in countries]), cursor


async def eligibility_of(
    session: AsyncSession, codes: list[str]
) -> dict[str, list[CountryEligibility]]:
    """The eligibility periods of several countries, in one query."""
    periods: dict[str, list[CountryEligibility]] = defaultdict(list)
    if not codes:
        return periods
    rows = await session.scalars(
        select(CountryEligibility)
        .where(col(CountryEligibility.country_code).in_(codes))
        .order_by(col(CountryEligibility.country_code), col(CountryEligibility.valid_from))
    )
    for period in rows:
        periods[period.country_code].append(period)
    return periods


async def get_country(session: AsyncSession, code: str) -> tuple[Country, list[CountryEligibility]]:
    country = await session.get(Country, code.upper())
    if country is None:
        raise ProblemError(NOT_FOUND, _("No country with code {code}.", code=repr(code)))
    return country, (await eligibility_of(session, [country.code]))[country.code]


async def check_countries(session: AsyncSession, codes: list[tuple[str, str]]) -> None:
    """Each (pointer, code) names a stored country (`unknown-country`)."""
    known = set(
        await session.scalars(
            select(Country.code).where(col(Country.code).in_({code for _, code in codes}))
        )
    )
    check_known_countries(codes, known)


async def funding_regions(
    session: AsyncSession, organisation_ids: list[UUID], moved: tuple[UUID, str] | None = None
) -> list[str | None]:
    """The funding regions of the organisations' countries (None for a country without one);
    with `moved` (an organisation and a country), as if that organisation were in that country.
    What a partnership's ceilings are judged on (`rules.funding.terms`)."""
    country: Any = col(Organisation.country_code)
    if moved is not None:
        country = sa.case((col(Organisation.id) == moved[0], sa.literal(moved[1])), else_=country)
    regions = await session.scalars(
        select(Country.funding_region)
        .join(Organisation, country == col(Country.code))
        .where(col(Organisation.id).in_(organisation_ids))
    )
    return list(regions)
