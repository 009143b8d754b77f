"""Countries: ISO 3166-1 codes, names in English, Swedish and Spanish, partner-country periods."""

from datetime import UTC, date, datetime

from pydantic import Field, computed_field

from app.core.paging import Page
from app.models.enums import FundingRegion
from app.schemas.common import ResponseModel


class EligibilityPeriodRead(ResponseModel):
    valid_from: date
    valid_to: date | None = Field(description="Last day of the period; null while it lasts.")
    cluster: str = Field(description="ICLD's country cluster, e.g. 'East Africa'.")
    source: str = Field(description="Where the period comes from (DOMAIN.md §2).")

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class CountryRead(ResponseModel):
    code: str = Field(description="ISO 3166-1 alpha-2 (Kosovo: XK).", examples=["KE"])
    alpha3: str
    name_en: str
    name_sv: str
    name_es: str
    funding_region: FundingRegion | None = Field(
        description="The region whose funding ceilings apply, for partner countries."
    )
    eligibility: list[EligibilityPeriodRead] = Field(
        description="Periods in which ICLD accepted it as a partner country, oldest first."
    )

    @computed_field(description="An eligible partner country today (UTC).")  # type: ignore[prop-decorator]
    @property
    def eligible_today(self) -> bool:
        today = datetime.now(UTC).date()
        return any(p.covers(today) for p in self.eligibility)


class CountryPage(Page[CountryRead]):
    """One page of countries."""
