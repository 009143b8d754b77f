"""Countries (ISO 3166-1) and the periods in which ICLD accepted each as a partner country."""

from datetime import date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import new_id
from app.models.enums import FundingRegion, sql_in


class Country(SQLModel, table=True):
    __tablename__ = "countries"
    __table_args__ = (
        sa.CheckConstraint(sql_in("funding_region", FundingRegion), name="funding_region"),
    )

    code: str = Field(primary_key=True, max_length=2)
    alpha3: str = Field(max_length=3)
    name_en: str
    name_sv: str
    name_es: str
    # The region that sets a partner country's funding ceilings (DOMAIN.md §6).
    funding_region: str | None = Field(default=None)
    # Set by the database on insert and by a trigger on every update (migration 0025): when
    # the row last changed, for a list's `updated_since`.
    updated_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )


class CountryEligibility(SQLModel, table=True):
    """A period in which a country is an eligible ICLD partner country (DOMAIN.md §2)."""

    __tablename__ = "country_eligibility"
    __table_args__ = (
        sa.UniqueConstraint("country_code", "valid_from"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_order"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    country_code: str = Field(foreign_key="countries.code", max_length=2, ondelete="CASCADE")
    valid_from: date
    valid_to: date | None = None
    cluster: str
    source: str
