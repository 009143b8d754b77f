"""Synthetic data at a chosen scale, loaded with COPY (fixed seed: the same rows every run).

Organisations are partner-side local governments in the partner countries; each tenth has two
people, and a partnership with a Swedish municipality funded by a two-year project grant of four
budget lines, with an approved project application of the same budget (not linked to the
grant: the grant's `application_id` stays empty). Every hundredth makes a thematic network.
The reference data (countries, Swedish municipalities and regions) comes from the migrations, as
in production.
"""

import random
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import asyncpg

from app.schemas.phases import last_day_within

SEED = 20260126
PARTNER_COUNTRIES = ["BA", "XK", "RS", "UA", "CO", "GT", "KE", "TZ", "UG", "RW", "BW", "ZA", "ZM"]
TYPES = ["municipality", "county", "district", "city", "local_government_association"]
SYLLABLES = ["ka", "lu", "mbo", "ne", "sa", "ti", "vo", "za", "ri", "go", "ma", "ku", "le", "bra"]
BATCH = 50_000
THEMES = ("gender equality", "local democracy", "climate adaptation")
LINES = (("travel", 1, 300000), ("venue", 1, 100000), ("travel", 2, 300000), ("venue", 2, 100000))


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
        await add_partnerships_and_grants(conn, count)
        await add_applications(conn)
        await add_networks(conn, count)
        await conn.execute(
            "ANALYZE organisations; ANALYZE people; ANALYZE partnerships; ANALYZE grants; "
            "ANALYZE grant_budget_lines; ANALYZE applications; ANALYZE application_budget_lines; "
            "ANALYZE networks"
        )
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


async def backfill(
    dsn: str, fill: Callable[[asyncpg.Connection], Awaitable[None]], *tables: str
) -> None:
    """Add what `fill` makes to a database generated before the bench needed it, then analyse
    `tables`."""
    conn = await asyncpg.connect(dsn)
    try:
        await fill(conn)
        await conn.execute("; ".join(f"ANALYZE {table}" for table in tables))
    finally:
        await conn.close()


async def add_networks(conn: asyncpg.Connection, count: int) -> None:
    """One thematic network for every hundred organisations, of Sweden and a partner country,
    three years long, on one of three themes."""
    rng = random.Random(SEED + 4)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    networks = []
    for i in range(max(count // 100, 1)):
        starts = date(2016 + rng.randint(0, 8), 1, 1)
        networks.append(
            (uuid.UUID(int=rng.getrandbits(128), version=4), now, now, 1, f"Network {i}",
             THEMES[i % len(THEMES)], ["SE", rng.choice(PARTNER_COUNTRIES)], starts,
             date(starts.year + 2, 12, 31), "active")
        )  # fmt: skip
    await conn.copy_records_to_table(
        "networks",
        records=networks,
        columns=["id", "created_at", "updated_at", "version", "title", "theme", "country_codes",
                 "starts", "ends", "status"],
    )  # fmt: skip


async def add_applications(conn: asyncpg.Connection) -> None:
    """For each grant: an approved project application of its partnership with the grant's
    period and budget, filed three months before the decision."""
    rng = random.Random(SEED + 3)
    applications, lines = [], []
    for g in await conn.fetch(
        "SELECT partnership_id, decided_on, starts, ends FROM grants ORDER BY id"
    ):
        aid = uuid.UUID(int=rng.getrandbits(128), version=4)
        filed = datetime.combine(g["decided_on"] - timedelta(days=90), time(9), tzinfo=UTC)
        applications.append(
            (aid, filed, filed, 1, g["partnership_id"], "project", g["starts"], g["ends"],
             "approved", g["decided_on"] - timedelta(days=60), g["decided_on"])
        )  # fmt: skip
        for position, (category, year, amount) in enumerate(LINES):
            lines.append(
                (uuid.UUID(int=rng.getrandbits(128), version=4), aid, position, category, year,
                 Decimal(amount))
            )  # fmt: skip
    await conn.copy_records_to_table(
        "applications",
        records=applications,
        columns=["id", "created_at", "updated_at", "version", "partnership_id", "kind",
                 "planned_start", "planned_end", "status", "submitted_on", "decided_on"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "application_budget_lines",
        records=lines,
        columns=["id", "application_id", "position", "category", "year", "amount"],
    )


async def add_partnerships_and_grants(conn: asyncpg.Connection, count: int) -> None:
    """For each tenth organisation: a partnership with a random Swedish municipality and a
    project grant of 800,000 SEK decided between 2016 and 2024, with its four budget lines."""
    swedish = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM organisations WHERE is_reference AND type = 'municipality' ORDER BY id"
        )
    ]
    rng = random.Random(SEED + 2)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    partnerships, partners, grants, lines = [], [], [], []
    for i, org in enumerate(organisations(count)):
        if i % 10:
            continue
        pid, gid = (uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(2))
        decided = date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))
        starts = decided + timedelta(days=30)
        ends = last_day_within(starts, 2)
        partnerships.append(
            (pid, now, now, 1, f"Partnership {i}", rng.choice(swedish), date(2015, 9, 30),
             "project", ["local democracy"], ["participation"])
        )  # fmt: skip
        partners.append((pid, org[0]))
        grants.append(
            (gid, now, now, 1, pid, "project", f"KP B/{i}", decided, starts, ends, ends,
             Decimal(800000), Decimal(800000), "active", 0)
        )  # fmt: skip
        for position, (category, year, amount) in enumerate(LINES):
            lines.append(
                (uuid.UUID(int=rng.getrandbits(128), version=4), gid, position, category, year,
                 Decimal(amount), Decimal(amount))
            )  # fmt: skip
    await conn.copy_records_to_table(
        "partnerships",
        records=partnerships,
        columns=["id", "created_at", "updated_at", "version", "title", "swedish_party_id",
                 "applied_on", "status", "themes", "principles"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "partnership_partners", records=partners, columns=["partnership_id", "organisation_id"]
    )
    await conn.copy_records_to_table(
        "grants",
        records=grants,
        columns=["id", "created_at", "updated_at", "version", "partnership_id", "kind",
                 "reference", "decided_on", "starts", "original_ends", "ends", "original_amount",
                 "amount", "status", "postponed_days"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "grant_budget_lines",
        records=lines,
        columns=["id", "grant_id", "position", "category", "year", "original_amount", "amount"],
    )  # fmt: skip
