"""Countries: public reference data."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.api.auth import OPTIONAL_AUTH, PublicCaller
from app.api.deps import SearchQuery, SessionDep
from app.api.etag import conditional, content_etag
from app.api.headers import conditional_read
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.models.countries import Country, CountryEligibility
from app.models.enums import FundingRegion
from app.schemas.common import IsoDate
from app.schemas.countries import CountryPage, CountryRead, EligibilityPeriodRead
from app.services import countries as service

router = APIRouter(prefix="/countries", tags=["countries"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_countries",
    openapi_extra=OPTIONAL_AUTH,
    summary="List countries",
    description="Countries, by default sorted by ISO code. Filter by partner-country eligibility "
    "on a date.",
)
async def list_countries(
    session: SessionDep,
    principal: PublicCaller,
    page: Annotated[PageParams, listing(service.SORTING)],
    eligible_on: Annotated[
        IsoDate | None,
        Query(description="Only countries that were ICLD partner countries that day."),
    ] = None,
    funding_region: Annotated[FundingRegion | None, Query()] = None,
    q: SearchQuery = None,
) -> CountryPage:
    filters = service.CountryFilters(eligible_on=eligible_on, funding_region=funding_region, q=q)
    countries, periods, cursor = await service.list_countries(session, filters, page)
    return CountryPage.of([_read(c, periods.get(c.code, [])) for c in countries], cursor)


@router.get(
    "/{code}",
    operation_id="get_country",
    openapi_extra=OPTIONAL_AUTH,
    summary="Get a country",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_country(
    session: SessionDep,
    principal: PublicCaller,
    request: Request,
    response: Response,
    code: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$", examples=["KE"])],
) -> CountryRead:
    country, periods = await service.get_country(session, code)
    read = _read(country, periods)
    # Countries carry no version counter: their ETag is a digest of what they say.
    tag = content_etag(read.model_dump_json())
    if unchanged := conditional(request, response, tag):
        return unchanged  # type: ignore[return-value]
    return read


def _read(country: Country, periods: list[CountryEligibility]) -> CountryRead:
    return CountryRead(
        code=country.code,
        alpha3=country.alpha3,
        name_en=country.name_en,
        name_sv=country.name_sv,
        name_es=country.name_es,
        funding_region=FundingRegion(country.funding_region) if country.funding_region else None,
        eligibility=[EligibilityPeriodRead.model_validate(p) for p in periods],
    )
