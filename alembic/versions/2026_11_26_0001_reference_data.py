"""Countries with partner-country periods, organisations (Swedish municipalities and regions
shipped as reference data), and people.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import csv
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCE = Path(__file__).resolve().parents[2] / "app" / "reference_data"
# Reference organisations get stable ids, the same in every database (uuid5 of their SCB code).
ORG_NAMESPACE = uuid.UUID("6f1d8a52-3c2e-4f57-9a8e-1c0de5ab1e00")

ORG_TYPES = (
    "'municipality', 'region', 'county', 'district', 'city', 'local_government_association', "
    "'joint_committee', 'municipal_company', 'government_agency', 'research_institute', "
    "'civil_society', 'other'"
)
SEARCH = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(name_en, '')), 'A') || "
    "to_tsvector('swedish'::regconfig, coalesce(name, '')) || "
    "to_tsvector('english'::regconfig, coalesce(name_en, ''))"
)


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _countries() -> list[dict[str, object]]:
    import pycountry
    from babel import Locale

    names = {lang: Locale(lang).territories for lang in ("en", "sv", "es")}
    regions = {r["country_code"]: r["funding_region"] for r in _read("partner_countries.csv")}
    codes = [(c.alpha_2, c.alpha_3) for c in pycountry.countries]
    codes.append(("XK", "XKX"))  # Kosovo: user-assigned code used by IATI and the EU
    return [
        {
            "code": a2,
            "alpha3": a3,
            "name_en": names["en"].get(a2, a2),
            "name_sv": names["sv"].get(a2, names["en"].get(a2, a2)),
            "name_es": names["es"].get(a2, names["en"].get(a2, a2)),
            "funding_region": regions.get(a2),
        }
        for a2, a3 in sorted(codes)
    ]


def upgrade() -> None:
    countries = op.create_table(
        "countries",
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("alpha3", sa.String(3), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("name_sv", sa.String(), nullable=False),
        sa.Column("name_es", sa.String(), nullable=False),
        sa.Column("funding_region", sa.String(), nullable=True),
        sa.CheckConstraint(
            "funding_region IN ('europe', 'africa', 'asia', 'latin_america')",
            name=op.f("ck_countries_funding_region"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_countries")),
    )
    eligibility = op.create_table(
        "country_eligibility",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("cluster", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from",
            name=op.f("ck_country_eligibility_period_order"),
        ),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            name=op.f("fk_country_eligibility_country_code_countries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_country_eligibility")),
        sa.UniqueConstraint(
            "country_code",
            "valid_from",
            name=op.f("uq_country_eligibility_country_code_valid_from"),
        ),
    )
    organisations = op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("official_code", sa.String(20), nullable=True),
        sa.Column("org_number", sa.String(11), nullable=True),
        sa.Column("is_reference", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("search", postgresql.TSVECTOR(), sa.Computed(SEARCH, persisted=True)),
        sa.CheckConstraint(f"type IN ({ORG_TYPES})", name=op.f("ck_organisations_type")),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            name=op.f("fk_organisations_country_code_countries"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(
        "uq_organisations_official_code",
        "organisations",
        ["country_code", "type", "official_code"],
        unique=True,
        postgresql_where=sa.text("official_code IS NOT NULL"),
    )
    op.create_index(
        "uq_organisations_org_number",
        "organisations",
        ["org_number"],
        unique=True,
        postgresql_where=sa.text("org_number IS NOT NULL"),
    )
    op.create_index("ix_organisations_name_id", "organisations", ["name", "id"])
    op.create_index(
        "ix_organisations_country_code_name_id", "organisations", ["country_code", "name", "id"]
    )
    op.create_index("ix_organisations_search", "organisations", ["search"], postgresql_using="gin")
    op.create_table(
        "people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("party", sa.String(100), nullable=True),
        sa.Column("political_side", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.CheckConstraint("kind IN ('politician', 'official')", name=op.f("ck_people_kind")),
        sa.CheckConstraint(
            "political_side IN ('majority', 'opposition')", name=op.f("ck_people_political_side")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_people_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    op.create_index(
        "ix_people_organisation_id_family_name",
        "people",
        ["organisation_id", "family_name", "id"],
    )
    op.create_index(
        "ix_people_family_name_given_name_id", "people", ["family_name", "given_name", "id"]
    )

    op.bulk_insert(countries, _countries())
    op.bulk_insert(
        eligibility,
        [
            {
                "id": uuid.uuid5(
                    ORG_NAMESPACE, f"eligibility-{r['country_code']}-{r['valid_from']}"
                ),
                "country_code": r["country_code"],
                "valid_from": date.fromisoformat(r["valid_from"]),
                "valid_to": date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
                "cluster": r["cluster"],
                "source": r["source"],
            }
            for r in _read("partner_countries.csv")
        ],
    )
    municipalities = [
        {
            "id": uuid.uuid5(ORG_NAMESPACE, f"se-municipality-{m['municipality_code']}"),
            "type": "municipality",
            "country_code": "SE",
            "name": m["municipality_name"],
            "official_code": m["municipality_code"],
            "is_reference": True,
        }
        for m in _read("se-municipalities.csv")
    ]
    regions = [
        {
            "id": uuid.uuid5(ORG_NAMESPACE, f"se-region-{r['county_code']}"),
            "type": "region",
            "country_code": "SE",
            "name": r["region_name"],
            "official_code": r["county_code"],
            "is_reference": True,
        }
        for r in _read("se-regions.csv")
    ]
    op.bulk_insert(organisations, municipalities + regions)


def downgrade() -> None:
    op.drop_table("people")
    op.drop_table("organisations")
    op.drop_table("country_eligibility")
    op.drop_table("countries")
