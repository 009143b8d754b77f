"""Synthetic data at a chosen scale, loaded with COPY (fixed seed: the same rows every run).

Organisations are partner-side local governments in the partner countries; each tenth has two
people, and a partnership with a Swedish municipality funded by a two-year project grant of four
budget lines, with an approved project application of the same budget in that year's round, with
its signed letter of intent and its budget attached (not linked to the grant: the grant's
`application_id` stays empty), four meetings (a visit each way in each year), a study visit to
its Swedish municipality, and a project phase over the grant's years (completed when the grant
ended before 2026, else active, with a digital meeting planned in its last month). Every
hundredth makes a thematic network with ten workshops, and a training programme with two
implementers; every twentieth declares it seeks a Swedish partner (and every tenth Swedish
municipality a partner). The reference data (countries, Swedish municipalities
and regions) comes from the migrations, as in production.

The rows keep the programme's rules (`partnership-api check` finds none broken): a partnership
is applied for, and a network runs, while its partner country is one (some became partner
countries only in 2023).
"""

import json
import random
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import asyncpg

from app.core.periods import last_day_within

SEED = 20260126
PARTNER_COUNTRIES = ["BA", "XK", "RS", "UA", "CO", "GT", "KE", "TZ", "UG", "RW", "BW", "ZA", "ZM"]
TYPES = ["municipality", "county", "district", "city", "local_government_association"]
SYLLABLES = ["ka", "lu", "mbo", "ne", "sa", "ti", "vo", "za", "ri", "go", "ma", "ku", "le", "bra"]
BATCH = 50_000
THEMES = ("gender equality", "local democracy", "climate adaptation")
INTEREST_STATUSES = ("open", "open", "open", "open", "matched", "withdrawn")
LINES = (("travel", 1, 300000), ("venue", 1, 100000), ("travel", 2, 300000), ("venue", 2, 100000))
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # every row's created_at and updated_at
APPLIED_ON = date(2015, 9, 30)  # the partnerships' application, unless the country came later
FIRST_DECISION = date(2016, 1, 1)  # grants are decided from then, for 3000 days
DECISION_DAYS = 3000
TRACKED = ["id", "created_at", "updated_at", "version"]


def _id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _name(rng: random.Random, n: int) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return f"{word} {rng.choice(['Municipality', 'County', 'District', 'Town Council'])} {n}"


def organisations(count: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(SEED)
    for n in range(count):
        name = _name(rng, n)
        yield (
            _id(rng),
            NOW,
            NOW,
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
        for i, row in enumerate(organisations(count)):
            batch.append(row)
            if i % 10 == 0:
                for kind, side in (("politician", "majority"), ("official", None)):
                    people.append(
                        (
                            _id(rng),
                            NOW,
                            NOW,
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
        for _, fill in FILLS:
            await fill(conn, count)
        await conn.execute("ANALYZE")
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


async def backfill(dsn: str, count: int) -> None:
    """Add to a database generated by an earlier version of the bench what this one adds: each
    fill whose table is still empty."""
    conn = await asyncpg.connect(dsn)
    try:
        added = False
        for table, fill in FILLS:
            if not await conn.fetchval(f"SELECT EXISTS (SELECT FROM {table})"):
                print(f"  backfilling {table}")
                await fill(conn, count)
                added = True
        if added:
            await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def partner_since(conn: asyncpg.Connection) -> dict[str, date]:
    """The day each partner country became one (its first period in `country_eligibility`)."""
    return {
        r["country_code"]: r["since"]
        for r in await conn.fetch(
            "SELECT country_code, min(valid_from) AS since FROM country_eligibility "
            "GROUP BY country_code"
        )
    }


async def add_networks(conn: asyncpg.Connection, count: int) -> None:
    """One thematic network for every hundred organisations, of Sweden and a partner country,
    three years long, on one of three themes, starting in 2016-2024 (from the year the country
    became a partner country, if later)."""
    rng = random.Random(SEED + 4)
    since = await partner_since(conn)
    networks = []
    for i in range(max(count // 100, 1)):
        year = rng.randint(0, 8)
        network_id, country = _id(rng), rng.choice(PARTNER_COUNTRIES)
        first = max(2016, since[country].year + (since[country] > date(since[country].year, 1, 1)))
        starts = date(first + year % (2025 - first), 1, 1)
        networks.append(
            (network_id, NOW, NOW, 1, f"Network {i}",
             THEMES[i % len(THEMES)], ["SE", country], starts,
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
    period and budget, created three months before the decision and submitted a month later in
    the round of the year it was created (open from 1 January to 31 January of the next year),
    with a letter of intent signed by both sides and a budget attached, each with its file
    (rule.round-open, rule.application-attachments)."""
    rng = random.Random(SEED + 3)
    documents_rng, rounds_rng = random.Random(SEED + 9), random.Random(SEED + 10)
    applications, lines, documents, rounds = [], [], [], {}
    for g in await conn.fetch(
        "SELECT partnership_id, decided_on, starts, ends FROM grants ORDER BY id"
    ):
        aid = _id(rng)
        filed = datetime.combine(g["decided_on"] - timedelta(days=90), time(9), tzinfo=UTC)
        call = filed.year
        if call not in rounds:
            rounds[call] = (_id(rounds_rng), NOW, NOW, 1, f"Round {call}", date(call, 1, 1),
                            date(call + 1, 1, 31))  # fmt: skip
        attached = []
        for kind, signed in (("letter_of_intent", filed.date() - timedelta(days=30)),
                             ("budget", None)):  # fmt: skip
            did = _id(documents_rng)
            attached.append(did)
            documents.append(
                (did, filed, filed, 1, g["partnership_id"], kind, kind.replace("_", " "), signed,
                 signed, f"bench/{did}", f"{kind}.pdf", "application/pdf", 1024, "0" * 64)
            )  # fmt: skip
        applications.append(
            (aid, filed, filed, 1, g["partnership_id"], "project", rounds[call][0], g["starts"],
             g["ends"], attached, "approved", g["decided_on"] - timedelta(days=60),
             g["decided_on"])
        )  # fmt: skip
        for position, (category, year, amount) in enumerate(LINES):
            lines.append(
                (_id(rng), aid, position, category, year,
                 Decimal(amount))
            )  # fmt: skip
    await conn.copy_records_to_table(
        "application_rounds",
        records=list(rounds.values()),
        columns=[*TRACKED, "title", "opens", "closes"],
    )
    await conn.copy_records_to_table(
        "documents",
        records=documents,
        columns=[*TRACKED, "partnership_id", "kind", "title", "swedish_signed_on",
                 "partner_signed_on", "file_key", "file_name", "content_type", "size_bytes",
                 "sha256"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "applications",
        records=applications,
        columns=["id", "created_at", "updated_at", "version", "partnership_id", "kind",
                 "round_id", "planned_start", "planned_end", "attachment_ids", "status",
                 "submitted_on", "decided_on"],
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
    since = await partner_since(conn)
    partnerships, partners, grants, lines = [], [], [], []
    for i, org in enumerate(organisations(count)):
        if i % 10:
            continue
        pid, gid = (_id(rng) for _ in range(2))
        # Applied for once the partner's country is a partner country (rule.partner-country-
        # eligible), decided from three months later.
        applied_on = max(APPLIED_ON, since[str(org[5])])
        earliest = max(FIRST_DECISION, applied_on + timedelta(days=90))
        days = (FIRST_DECISION - earliest).days + DECISION_DAYS + 1
        decided = earliest + timedelta(days=rng.randint(0, DECISION_DAYS) % days)
        starts = decided + timedelta(days=30)
        ends = last_day_within(starts, 2)
        partnerships.append(
            (pid, NOW, NOW, 1, f"Partnership {i}", rng.choice(swedish), applied_on,
             "project", ["local democracy"], ["participation"])
        )  # fmt: skip
        partners.append((pid, org[0]))
        grants.append(
            (gid, NOW, NOW, 1, pid, "project", f"KP B/{i}", decided, starts, ends, ends,
             Decimal(800000), Decimal(800000), "active", 0)
        )  # fmt: skip
        for position, (category, year, amount) in enumerate(LINES):
            lines.append(
                (_id(rng), gid, position, category, year,
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


async def add_meetings(conn: asyncpg.Connection) -> None:
    """For each partnership with a grant: in each of the grant's two years, a visit to the
    Swedish municipality and one to the partner, held, each with the partner's politician."""
    rng = random.Random(SEED + 5)
    meetings, participants = [], []
    for p in await conn.fetch(
        "SELECT p.id, p.swedish_party_id, pp.organisation_id AS partner, g.starts, "
        "(SELECT id FROM people WHERE organisation_id = pp.organisation_id "
        "AND kind = 'politician' ORDER BY id LIMIT 1) AS politician "
        "FROM partnerships p JOIN partnership_partners pp ON pp.partnership_id = p.id "
        "JOIN grants g ON g.partnership_id = p.id ORDER BY p.id"
    ):
        for year in range(2):
            for offset, host, place in ((60, p["swedish_party_id"], "Sweden"),
                                        (240, p["partner"], "Partner town")):  # fmt: skip
                mid = _id(rng)
                on = p["starts"] + timedelta(days=365 * year + offset)
                meetings.append(
                    (mid, NOW, NOW, 1, p["id"], "visit", host, place, on, on + timedelta(days=3),
                     "held")
                )  # fmt: skip
                if p["politician"]:
                    participants.append((mid, p["politician"]))
    await conn.copy_records_to_table(
        "meetings",
        records=meetings,
        columns=[*TRACKED, "partnership_id", "kind", "host_organisation_id", "place",
                 "start_date", "end_date", "status"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "meeting_participants", records=participants, columns=["meeting_id", "person_id"]
    )


async def add_phases(conn: asyncpg.Connection) -> None:
    """For each partnership, a project phase over its grant's two years: completed as planned
    when the grant ended before NOW, else active; an active one also has a digital meeting
    planned twenty days before its end, hosted by the Swedish party (the overview screen's next
    meeting, bench/overview.py)."""
    rng = random.Random(SEED + 9)
    phases, meetings = [], []
    for g in await conn.fetch(
        "SELECT g.partnership_id, g.starts, g.ends, p.swedish_party_id FROM grants g "
        "JOIN partnerships p ON p.id = g.partnership_id ORDER BY g.partnership_id"
    ):
        ended = g["ends"] < NOW.date()
        phases.append(
            (_id(rng), NOW, NOW, 1, g["partnership_id"], "project", g["starts"], g["ends"],
             g["starts"], g["ends"] if ended else None, "completed" if ended else "active")
        )  # fmt: skip
        if not ended:
            on = g["ends"] - timedelta(days=20)
            meetings.append(
                (_id(rng), NOW, NOW, 1, g["partnership_id"], "digital_meeting",
                 g["swedish_party_id"], "Online", on, on, "planned")
            )  # fmt: skip
    await conn.copy_records_to_table(
        "phases",
        records=phases,
        columns=[*TRACKED, "partnership_id", "kind", "planned_start", "planned_end",
                 "actual_start", "actual_end", "status"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "meetings",
        records=meetings,
        columns=[*TRACKED, "partnership_id", "kind", "host_organisation_id", "place",
                 "start_date", "end_date", "status"],
    )  # fmt: skip


async def add_study_visits(conn: asyncpg.Connection) -> None:
    """For each partnership with a grant: a study visit to its Swedish municipality from the
    partner's country, half a year into the grant."""
    rng = random.Random(SEED + 6)
    visits = []
    for p in await conn.fetch(
        "SELECT p.id, p.swedish_party_id, o.country_code, g.starts FROM partnerships p "
        "JOIN partnership_partners pp ON pp.partnership_id = p.id "
        "JOIN organisations o ON o.id = pp.organisation_id "
        "JOIN grants g ON g.partnership_id = p.id ORDER BY p.id"
    ):
        visits.append(
            (_id(rng), NOW, NOW, 1, p["starts"] + timedelta(days=180), p["swedish_party_id"],
             p["id"], [p["country_code"]], ["local democracy", "citizen dialogue"])
        )  # fmt: skip
    await conn.copy_records_to_table(
        "study_visits",
        records=visits,
        columns=[*TRACKED, "visit_on", "host_organisation_id", "partnership_id",
                 "visiting_countries", "topics"],
    )  # fmt: skip


async def _partners_by_country(conn: asyncpg.Connection) -> dict[str, list[uuid.UUID]]:
    """A sample of the partner-side organisations (the first 2000 by id), by country."""
    found: dict[str, list[uuid.UUID]] = {}
    for o in await conn.fetch(
        "SELECT id, country_code FROM organisations WHERE NOT is_reference ORDER BY id LIMIT 2000"
    ):
        found.setdefault(o["country_code"], []).append(o["id"])
    return found


async def add_workshops(conn: asyncpg.Connection) -> None:
    """Ten workshops for each network, a quarter apart from its start, each hosted by an
    organisation of the network's partner country in its own country, which is an active
    member of the network from its start (rule.workshop-members-only,
    rule.network-member-country)."""
    rng = random.Random(SEED + 7)
    partners = await _partners_by_country(conn)
    workshops, members = [], []
    for n in await conn.fetch("SELECT id, starts, country_codes FROM networks ORDER BY id"):
        [country] = [c for c in n["country_codes"] if c != "SE"]
        hosts = set()
        for k in range(10):
            host = rng.choice(partners[country])
            hosts.add(host)
            starts = n["starts"] + timedelta(days=91 * k)
            workshops.append(
                (_id(rng), NOW, NOW, 1, n["id"], f"Workshop {k + 1}", host, country, "Capital",
                 starts, starts + timedelta(days=2), ["gender equality"], [host], 3, "ICLD",
                 "held" if k < 5 else "planned")
            )  # fmt: skip
        members += [
            (_id(rng), NOW, NOW, 1, n["id"], host, n["starts"], "active") for host in sorted(hosts)
        ]
    await conn.copy_records_to_table(
        "network_members",
        records=members,
        columns=[*TRACKED, "network_id", "organisation_id", "joined_on", "status"],
    )
    await conn.copy_records_to_table(
        "workshops",
        records=workshops,
        columns=[*TRACKED, "network_id", "title", "host_organisation_id", "country_code", "city",
                 "starts", "ends", "topics", "organisation_ids", "participants_per_organisation",
                 "paid_by", "status"],
    )  # fmt: skip


async def add_programmes(conn: asyncpg.Connection) -> None:
    """A training programme for every hundred organisations (as many as networks): a year long,
    three weeks in Sweden and one in a partner country, led by a Swedish municipality with an
    organisation of that country, with participants from it and from one other country."""
    rng = random.Random(SEED + 8)
    swedish = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM organisations WHERE is_reference AND type = 'municipality' ORDER BY id"
        )
    ]
    partners = await _partners_by_country(conn)
    count = await conn.fetchval("SELECT count(*) FROM networks")
    programmes, implementers = [], []
    for i in range(count):
        pid = _id(rng)
        starts = date(2016 + rng.randint(0, 8), rng.randint(1, 12), 1)
        country = rng.choice(sorted(partners))
        other = rng.choice([c for c in PARTNER_COUNTRIES if c != country])
        segments = [{"country_code": "SE", "weeks": 3}, {"country_code": country, "weeks": 1}]
        taking_part = [
            {"country_code": country, "participants": 6},
            {"country_code": other, "participants": None},
        ]
        programmes.append(
            (pid, NOW, NOW, 1, f"Local democracy ITP {i}", f"ITP {300 + i}", "Sida", starts,
             date(starts.year + 1, starts.month, 1) - timedelta(days=1), json.dumps(segments),
             json.dumps(taking_part))
        )  # fmt: skip
        implementers.append((pid, rng.choice(swedish), "lead"))
        implementers.append((pid, rng.choice(partners[country]), "partner"))
    await conn.copy_records_to_table(
        "training_programmes",
        records=programmes,
        columns=[*TRACKED, "title", "code", "funder", "starts", "ends", "segments",
                 "participant_countries"],
    )  # fmt: skip
    await conn.copy_records_to_table(
        "programme_organisations",
        records=implementers,
        columns=["programme_id", "organisation_id", "role"],
    )


async def add_partner_interests(conn: asyncpg.Connection, count: int) -> None:
    """For each twentieth organisation, a declaration of interest seeking a Swedish partner
    (open four times in six, else matched or withdrawn), and one for every tenth Swedish
    municipality naming two partner countries; all could start on 2026-03-01 (every partner
    country is one then), and expire a year after NOW."""
    swedish = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM organisations WHERE is_reference AND type = 'municipality' ORDER BY id"
        )
    ]
    rng = random.Random(SEED + 8)
    declared: list[tuple[object, str, list[str]]] = [
        (org[0], "partner", []) for i, org in enumerate(organisations(count)) if i % 20 == 5
    ]
    declared += [(org, "swedish", rng.sample(PARTNER_COUNTRIES, 2)) for org in swedish[::10]]
    rows = []
    for organisation_id, side, countries in declared:
        status = rng.choice(INTEREST_STATUSES)
        rows.append(
            (_id(rng), NOW, NOW, 1, organisation_id, side, [rng.choice(THEMES)],
             ["participation"], "A local challenge, in the organisation's own words.", countries,
             "inception", date(2026, 3, 1), rng.random() < 0.5, status, date(2027, 1, 1))
        )  # fmt: skip
    await conn.copy_records_to_table(
        "partner_interests",
        records=rows,
        columns=[*TRACKED, "organisation_id", "side", "themes", "principles", "local_challenge",
                 "countries", "phase_kind", "earliest_start", "listed", "status", "expires_on"],
    )  # fmt: skip


Fill = Callable[[asyncpg.Connection, int], Awaitable[None]]

# What is made after the organisations and their people, in order, each with the table it fills
# (empty in a database made before the bench needed it: `backfill` adds it then).
FILLS: tuple[tuple[str, Fill], ...] = (
    ("grants", add_partnerships_and_grants),
    ("applications", lambda conn, count: add_applications(conn)),
    ("networks", add_networks),
    ("meetings", lambda conn, count: add_meetings(conn)),
    ("study_visits", lambda conn, count: add_study_visits(conn)),
    ("workshops", lambda conn, count: add_workshops(conn)),
    ("training_programmes", lambda conn, count: add_programmes(conn)),
    ("phases", lambda conn, count: add_phases(conn)),
    ("partner_interests", add_partner_interests),
)
