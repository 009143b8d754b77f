"""Synthetic data at a chosen scale, loaded with COPY (fixed seed: the same rows every run).

Organisations are partner-side local governments in the partner countries; each tenth has two
people. The reference data (countries, Swedish municipalities and regions) comes from the
migrations, as in production.
"""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import asyncpg

SEED = 20260126
PARTNER_COUNTRIES = ["BA", "XK", "RS", "UA", "CO", "GT", "KE", "TZ", "UG", "RW", "BW", "ZA", "ZM"]
TYPES = ["municipality", "county", "district", "city", "local_government_association"]
SYLLABLES = ["ka", "lu", "mbo", "ne", "sa", "ti", "vo", "za", "ri", "go", "ma", "ku", "le", "bra"]
BATCH = 50_000


def _name(rng: random.Random, n: int) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return f"{word} {rng.choice(['Municipality', 'County', 'District', 'Town Council'])} {n}"


def organisations(count: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(SEED)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        name = _name(rng, n)
        yield (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            now,
            now,
            1,
            rng.choice(TYPES),
            rng.choice(PARTNER_COUNTRIES),
            name,
            name if rng.random() < 0.3 else None,
            None,
            None,
            False,
        )


ORG_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "version",
    "type",
    "country_code",
    "name",
    "name_en",
    "official_code",
    "org_number",
    "is_reference",
]


async def generate(dsn: str, count: int) -> None:
    """Add `count` synthetic organisations (and people for every tenth) to a migrated database."""
    conn = await asyncpg.connect(dsn)
    try:
        batch: list[tuple[object, ...]] = []
        people: list[tuple[object, ...]] = []
        rng = random.Random(SEED + 1)
        now = datetime(2026, 1, 1, tzinfo=UTC)
        for i, row in enumerate(organisations(count)):
            batch.append(row)
            if i % 10 == 0:
                for kind, side in (("politician", "majority"), ("official", None)):
                    people.append(
                        (
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            now,
                            now,
                            1,
                            row[0],
                            kind,
                            rng.choice(["Amani", "Baraka", "Chipo", "Dalia", "Elif"]),
                            f"Synthetic {i}",
                            None,
                            None,
                            side,
                            None,
                            None,
                        )
                    )
            if len(batch) >= BATCH:
                await _copy(conn, batch, people)
                batch, people = [], []
        await _copy(conn, batch, people)
        await conn.execute("ANALYZE organisations; ANALYZE people")
    finally:
        await conn.close()


async def _copy(
    conn: asyncpg.Connection, orgs: list[tuple[object, ...]], people: list[tuple[object, ...]]
) -> None:
    if orgs:
        await conn.copy_records_to_table("organisations", records=orgs, columns=ORG_COLUMNS)
    if people:
        await conn.copy_records_to_table(
            "people",
            records=people,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "version",
                "organisation_id",
                "kind",
                "given_name",
                "family_name",
                "title",
                "party",
                "political_side",
                "email",
                "phone",
            ],
        )
