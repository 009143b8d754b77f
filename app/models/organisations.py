"""Organisations: Swedish municipalities and regions (reference data) and partner-side bodies."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field

from app.models.base import Tracked
from app.models.enums import OrganisationType, sql_in

SEARCH_EXPRESSION = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(name_en, '')), 'A') || "
    "to_tsvector('swedish'::regconfig, coalesce(name, '')) || "
    "to_tsvector('english'::regconfig, coalesce(name_en, ''))"
)


class Organisation(Tracked, table=True):
    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(sql_in("type", OrganisationType), name="type"),
        sa.CheckConstraint("population > 0", name="population"),
        sa.Index(
            "uq_organisations_official_code",
            "country_code",
            "type",
            "official_code",
            unique=True,
            postgresql_where=sa.text("official_code IS NOT NULL"),
        ),
        sa.Index(
            "uq_organisations_org_number",
            "org_number",
            unique=True,
            postgresql_where=sa.text("org_number IS NOT NULL"),
        ),
        sa.Index("ix_organisations_name_id", "name", "id"),
        sa.Index("ix_organisations_country_code_name_id", "country_code", "name", "id"),
        sa.Index("ix_organisations_search", "search", postgresql_using="gin"),
    )

    type: str = Field(max_length=40)
    country_code: str = Field(foreign_key="countries.code", max_length=2, ondelete="RESTRICT")
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    official_code: str | None = Field(default=None, max_length=20)
    org_number: str | None = Field(default=None, max_length=11)
    is_reference: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Inhabitants, as the organisation or ICLD last recorded them: the size signal of partner
    # search (docs/partner-search.md). No figures are shipped.
    population: int | None = None
    search: str | None = Field(
        default=None,
        sa_column=sa.Column(TSVECTOR, sa.Computed(SEARCH_EXPRESSION, persisted=True)),
    )
