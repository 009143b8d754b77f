"""`partnership-api check`: every refuse-rule is either audited over the stored data or classified
as not judgeable on it; the demo data passes; rows broken behind the API's back are found, each
with its rule's code and its URL, and the command then exits 1.

The command runs as a process against scratch databases (the demo data loaded by the command line
into one, copied for the test that breaks rows), so nothing here touches the suite's shared
database or its rolled-back transactions."""

import asyncio
import os
import re
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db.migrations import upgrade_to_head
from app.services.integrity import RULES, Audited, NotJudged
from bench.generate import generate
from tests.conftest import create_database, drop_database, plain_dsn, with_database

ROOT = Path(__file__).resolve().parents[2]


async def test_every_refuse_rule_is_audited_or_says_why_not(anonymous: AsyncClient) -> None:
    problems = (await anonymous.get("/problems")).json()
    refused = {p["code"] for p in problems if p["mode"] == "refuse"}
    classified = {kind.code for kind in RULES}
    assert refused - classified == set(), "refuse-rules neither audited nor classified"
    assert classified - refused == set(), "classified, but not refuse-rules of the catalogue"
    assert all(how.audits for how in RULES.values() if isinstance(how, Audited))
    assert all(how.why for how in RULES.values() if isinstance(how, NotJudged))


async def test_the_constraints_named_for_a_rule_exist(connection: AsyncConnection) -> None:
    named = {c for how in RULES.values() if isinstance(how, NotJudged) for c in how.constraints}
    found = set(
        await connection.scalars(
            text(
                "SELECT conname FROM pg_constraint UNION "
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
            )
        )
    )
    assert named - found == set()


def test_docs_list_the_rules_not_judged() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = docs.split("## The audit of stored data", 1)[1]
    listed = set(re.findall(r"^\| `(rule\.[a-z-]+)` \|", section, flags=re.MULTILINE))
    assert listed == {k.code for k, how in RULES.items() if isinstance(how, NotJudged)}


async def run(*args: str, url: str) -> tuple[int, str]:
    """`partnership-api <args>` against the database at `url`: its exit code and stdout."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode is not None
    return process.returncode, out.decode()


def findings(out: str) -> set[tuple[str, str]]:
    """The (rule code, URL) of each finding the command printed."""
    found = set()
    for line in out.splitlines():
        if line.startswith("rule."):
            code, url, message = line.split("  ", 2)
            assert message
            found.add((code, url))
    return found


@pytest.fixture(scope="module")
async def demo_url(server_url: str) -> AsyncIterator[str]:
    """A database migrated and loaded with the demo data by the command line."""
    name = f"partnership_check_demo_{os.getpid()}"
    url = await create_database(server_url, name)
    assert (await run("migrate", url=url))[0] == 0
    assert (await run("demo-data", url=url))[0] == 0
    yield url
    await drop_database(server_url, name)


@pytest.fixture
async def demo_copy(server_url: str, demo_url: str) -> AsyncIterator[str]:
    """A copy of the demo database to break rows in."""
    name = f"partnership_check_broken_{os.getpid()}"
    admin = await asyncpg.connect(plain_dsn(with_database(server_url, "postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        template = make_url(demo_url).database
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    yield with_database(server_url, name)
    await drop_database(server_url, name)


async def test_the_bench_data_breaks_no_rule(server_url: str) -> None:
    # bench/generate.py writes its rows with COPY, past every check: the same generator as the
    # 1M data set, at 1k.
    name = f"partnership_check_bench_{os.getpid()}"
    url = await create_database(server_url, name)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        await generate(plain_dsn(url), 1000)
        code, out = await run("check", url=url)
        assert findings(out) == set()
        assert code == 0
    finally:
        await drop_database(server_url, name)


async def test_a_database_that_cannot_be_read_is_not_a_pass(server_url: str) -> None:
    code, out = await run("check", url=with_database(server_url, "partnership_no_such_database"))
    assert (code, out) == (2, "")


async def test_the_demo_data_breaks_no_rule(demo_url: str) -> None:
    code, out = await run("check", url=demo_url)
    assert findings(out) == set()
    judged = sum(isinstance(how, Audited) for how in RULES.values())
    assert out.splitlines()[-1].startswith(f"0 row(s) break a rule; {judged} refuse-rules judged")
    assert code == 0


Expect = Callable[[str, str], None]


async def break_rows(db: asyncpg.Connection, expect: Expect) -> None:
    """Write, straight into the database, rows that break the rules; `expect` each finding."""

    async def one(sql: str, *args: Any) -> Any:
        return await db.fetchval(sql, *args)

    api = "/api/v1"
    partnership = {
        title.split(":")[0]: id
        for id, title in await db.fetch("SELECT id, title FROM partnerships")
    }
    organisation = {name: id for id, name in await db.fetch("SELECT id, name FROM organisations")}
    grant = {ref: id for id, ref in await db.fetch("SELECT id, reference FROM grants")}

    async def org(kind: str, country: str, name: str, number: str | None = None) -> Any:
        return await one(
            "INSERT INTO organisations (id, type, country_code, name, org_number) "
            "VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING id",
            kind,
            country,
            name,
            number,
        )

    async def person(organisation_id: Any, kind: str, side: str | None, party: str | None) -> Any:
        return await one(
            "INSERT INTO people (id, organisation_id, kind, given_name, family_name, "
            "political_side, party) VALUES (gen_random_uuid(), $1, $2, 'Test', 'Person', $3, $4) "
            "RETURNING id",
            organisation_id,
            kind,
            side,
            party,
        )

    # Reference data and access
    bergen = await org("municipality", "NO", "Bergen kommune")
    kisumu = await org("county", "KE", "Kisumu County")
    numbered = await org("county", "KE", "Numbered", "1234567890")
    expect("organisation-number-swedish-only", f"{api}/organisations/{numbered}")
    swedish = await org("municipality", "SE", "Ny kommun")
    expect("swedish-reference-organisation", f"{api}/organisations/{swedish}")
    makueni = organisation["Makueni County"]
    sideless = await person(makueni, "politician", None, None)
    expect("politician-political-side", f"{api}/people/{sideless}")
    partisan = await person(makueni, "official", None, "Party")
    expect("official-has-no-party", f"{api}/people/{partisan}")
    mandated = await person(makueni, "official", None, None)
    await db.execute("UPDATE people SET mandate_ends = '2027-08-10' WHERE id = $1", mandated)
    expect("official-has-no-mandate", f"{api}/people/{mandated}")
    abroad = await one(
        "INSERT INTO elections (id, country_code, organisation_id, level, held_on, source) "
        "VALUES (gen_random_uuid(), 'TZ', $1, 'regional', '2027-10-01', 'test') RETURNING id",
        kisumu,
    )
    expect("election-organisation-country", f"{api}/elections/{abroad}")
    key = (
        "INSERT INTO api_keys (id, name, prefix, secret_hash, role, organisation_ids, created_by) "
        "VALUES (gen_random_uuid(), 'broken', $1, repeat('0', 64), 'coordinator', $2, 'test') "
        "RETURNING id"
    )
    unknown = await one(key, "pa_broken1", [makueni, uuid.UUID(int=1)])
    expect("unknown-organisation", f"{api}/api-keys/{unknown}")
    none = await one(key, "pa_broken2", [])
    expect("scoped-role-needs-organisations", f"{api}/api-keys/{none}")

    # Partnerships: parties
    gotland = partnership["Region Gotland - Kibaha"]
    await db.execute("INSERT INTO partnership_partners VALUES ($1, $2)", gotland, bergen)
    expect("partner-country-eligible", f"{api}/partnerships/{gotland}")
    sida = organisation["Styrelsen för internationellt utvecklingssamarbete"]
    broken = await one(
        "INSERT INTO partnerships (id, title, swedish_party_id, third_party_id, applied_on, "
        "status) VALUES (gen_random_uuid(), 'Broken', $1, $2, '2024-01-01', 'draft') RETURNING id",
        sida,
        makueni,
    )
    expect("swedish-applicant-eligible", f"{api}/partnerships/{broken}")
    expect("third-party-in-eu", f"{api}/partnerships/{broken}")

    # Partner search: open declarations, judged as their organisations are now
    declaration = (
        "INSERT INTO partner_interests (id, organisation_id, side, themes, principles, "
        "local_challenge, countries, phase_kind, earliest_start, status, expires_on) "
        "VALUES (gen_random_uuid(), $1, $2, '{gender equality}', '{participation}', 'A challenge', "
        "$3, 'inception', '2026-01-01', 'open', '2027-01-01') RETURNING id"
    )
    norwegian = await one(declaration, bergen, "partner", [])
    expect("partner-country-eligible", f"{api}/partner-interests/{norwegian}")
    agency = await one(declaration, sida, "swedish", ["GT", "NO"])
    expect("swedish-applicant-eligible", f"{api}/partner-interests/{agency}")
    expect("partner-interest-countries", f"{api}/partner-interests/{agency}")

    # Phases
    karlstad, alingsas = partnership["Karlstad - Makueni"], partnership["Alingsås - Chililabombwe"]
    phase = (
        "INSERT INTO phases (id, partnership_id, kind, planned_start, planned_end, status) "
        "VALUES (gen_random_uuid(), $1, $2, $3::text::date, $4::text::date, 'planned') RETURNING id"
    )
    # The database refuses overlapping phases since revision 0015; a database from before it
    # may hold them.
    await db.execute("ALTER TABLE phases DROP CONSTRAINT ex_phases_period")
    overlapping = await one(phase, karlstad, "inception", "2020-06-01", "2021-05-31")
    expect("phases-do-not-overlap", f"{api}/partnerships/{karlstad}/phases/{overlapping}")
    early = await one(phase, alingsas, "project", "2012-01-01", "2012-12-31")
    expect("project-after-inception", f"{api}/partnerships/{alingsas}/phases/{early}")
    terminated = await one(
        "UPDATE phases SET actual_end = '2023-12-31' WHERE partnership_id = $1 "
        "AND status = 'terminated' RETURNING id",
        alingsas,
    )
    expect("early-termination-date", f"{api}/partnerships/{alingsas}/phases/{terminated}")

    # Partnerships: groups, meetings, documents
    steering = await one(
        "UPDATE partnership_members SET team = 'project_group' WHERE id = (SELECT id FROM "
        "partnership_members WHERE partnership_id = $1 AND team = 'steering_group' LIMIT 1) "
        "RETURNING id",
        alingsas,
    )
    expect("team-member-kind", f"{api}/partnerships/{alingsas}/members/{steering}")
    stranger = await person(makueni, "official", None, None)
    moved = await one(
        "UPDATE partnership_members SET person_id = $2 WHERE id = (SELECT id FROM "
        "partnership_members WHERE partnership_id = $1 AND team = 'project_group' "
        "AND id <> $3 LIMIT 1) RETURNING id",
        alingsas,
        stranger,
        steering,
    )
    expect("member-of-a-party", f"{api}/partnerships/{alingsas}/members/{moved}")
    meetings = [
        r["id"]
        for r in await db.fetch(
            "SELECT id FROM meetings WHERE partnership_id = $1 AND status = 'held' ORDER BY id",
            alingsas,
        )
    ]
    await db.execute(
        "UPDATE meetings SET host_organisation_id = $2 WHERE id = $1", meetings[0], sida
    )
    expect("host-is-a-party", f"{api}/partnerships/{alingsas}/meetings/{meetings[0]}")
    await db.execute("INSERT INTO meeting_participants VALUES ($1, $2)", meetings[1], stranger)
    expect("member-of-a-party", f"{api}/partnerships/{alingsas}/meetings/{meetings[1]}")
    await db.execute(
        "UPDATE meetings SET start_date = '2099-01-01', end_date = '2099-01-02' WHERE id = $1",
        meetings[2],
    )
    expect("meeting-transition", f"{api}/partnerships/{alingsas}/meetings/{meetings[2]}")
    document = await one(
        "INSERT INTO documents (id, partnership_id, kind, title, swedish_signed_on) "
        "VALUES (gen_random_uuid(), $1, 'budget', 'Budget', '2020-01-01') RETURNING id",
        karlstad,
    )
    expect("signed-only-letter-of-intent", f"{api}/partnerships/{karlstad}/documents/{document}")

    # Networks
    network = await one("SELECT id FROM networks")
    member = (
        "INSERT INTO network_members (id, network_id, organisation_id, joined_on, status) "
        "VALUES (gen_random_uuid(), $1, $2, '2024-01-01', 'active') RETURNING id"
    )
    outsider = await one(member, network, kisumu)
    expect("network-member-country", f"{api}/networks/{network}/members/{outsider}")
    await db.execute(
        "UPDATE networks SET country_codes = country_codes || '{NO,QQ}' WHERE id = $1", network
    )
    expect("unknown-country", f"{api}/networks/{network}")
    norwegian = await one(member, network, bergen)
    expect("network-partner-eligible", f"{api}/networks/{network}/members/{norwegian}")
    lessebo_guatemala = partnership["Lessebo - Municipalidad Ejemplo A"]
    await db.execute("INSERT INTO partnership_partners VALUES ($1, $2)", lessebo_guatemala, kisumu)
    expect("network-member-country", f"{api}/partnerships/{lessebo_guatemala}")
    first, second = (
        r["id"] for r in await db.fetch("SELECT id FROM workshops ORDER BY starts, id")
    )
    await db.execute(
        "UPDATE workshops SET starts = '2023-06-01', ends = '2023-06-03', "
        "participants_per_organisation = 1 WHERE id = $1",
        first,
    )
    expect("workshop-within-network", f"{api}/workshops/{first}")
    expect("workshop-participants", f"{api}/workshops/{first}/participants")
    await db.execute(
        "UPDATE workshops SET organisation_ids = organisation_ids || $2::uuid WHERE id = $1",
        second,
        makueni,
    )
    expect("workshop-members-only", f"{api}/workshops/{second}")

    # Training programmes and study visits
    programme = await one("SELECT id FROM training_programmes")
    await db.execute("UPDATE programme_organisations SET role = 'partner'")
    expect("programme-lead", f"{api}/training-programmes/{programme}")
    await db.execute(
        "UPDATE training_programmes SET segments = segments || segments WHERE id = $1", programme
    )
    expect("one-entry-per-country", f"{api}/training-programmes/{programme}")
    visit = await one(
        "UPDATE study_visits SET visit_on = '2018-01-01', visiting_countries = "
        "visiting_countries || '{SE}', contact_ids = ARRAY[$1::uuid] RETURNING id",
        stranger,
    )
    for code in ("visit-within-programme", "visiting-countries-take-part", "contacts-of-the-host"):
        expect(code, f"{api}/study-visits/{visit}")

    # Funding: applications
    [application] = await db.fetch("SELECT id FROM applications")
    lessebo = application["id"]
    await db.execute(
        "UPDATE applications SET planned_end = '2029-02-28', "
        "round_id = (SELECT id FROM application_rounds ORDER BY opens LIMIT 1) WHERE id = $1",
        lessebo,
    )
    await db.execute(
        "UPDATE application_budget_lines SET amount = 500000 WHERE application_id = $1 "
        "AND category = 'travel'",
        lessebo,
    )
    for code in ("inception-duration", "round-open", "budget-ceiling"):
        expect(code, f"{api}/applications/{lessebo}")
    submitted = await one(
        "INSERT INTO applications (id, partnership_id, kind, round_id, planned_start, "
        "planned_end, status, submitted_on) VALUES (gen_random_uuid(), $1, 'project', "
        "(SELECT id FROM application_rounds WHERE title = 'Spring 2026'), '2026-06-01', "
        "'2028-05-31', 'submitted', '2026-03-01') RETURNING id",
        partnership["Jönköping - Stellenbosch"],
    )
    expect("application-budget", f"{api}/applications/{submitted}")
    expect("application-attachments", f"{api}/applications/{submitted}")

    # Funding: grants, amendments, reports, payments
    await db.execute(
        "UPDATE grants SET original_ends = '2020-12-31' WHERE id = $1", grant["KP 2015/21"]
    )
    expect("project-duration", f"{api}/grants/{grant['KP 2015/21']}")
    await db.execute(
        "INSERT INTO grant_budget_lines (id, grant_id, position, category, year, "
        "original_amount, amount) VALUES (gen_random_uuid(), $1, 99, 'travel', 1, 0, 0)",
        grant["KP 2015/21"],
    )
    expect("budget-line-once", f"{api}/grants/{grant['KP 2015/21']}")
    await db.execute(
        "INSERT INTO grant_budget_lines (id, grant_id, position, category, year, "
        "original_amount, amount) VALUES (gen_random_uuid(), $1, 99, 'venue', 3, 0, 1000)",
        grant["KP 2019/52"],
    )
    await db.execute("UPDATE grants SET amount = amount + 1000 WHERE id = $1", grant["KP 2019/52"])
    expect("budget-year", f"{api}/grants/{grant['KP 2019/52']}")
    await db.execute("UPDATE grants SET amount = amount + 1000 WHERE id = $1", grant["KP 2017/40"])
    expect("budget-lines-sum", f"{api}/grants/{grant['KP 2017/40']}")
    amendment = await one(
        "UPDATE grant_amendments SET amount_change = 0.50 WHERE id = (SELECT id FROM "
        "grant_amendments LIMIT 1) RETURNING grant_id || '/amendments/' || id"
    )
    expect("whole-kronor", f"{api}/grants/{amendment}")
    await db.execute(
        "UPDATE grants SET application_id = $2 WHERE id = $1", grant["KP 2014/30"], lessebo
    )
    expect("grant-application", f"{api}/grants/{grant['KP 2014/30']}")
    over = await one(
        "UPDATE grant_reported_costs c SET amount = l.amount + 1 FROM grant_budget_lines l "
        "WHERE c.id = (SELECT c2.id FROM grant_reported_costs c2 JOIN grant_reports r "
        "ON r.id = c2.report_id WHERE r.grant_id = $1 LIMIT 1) AND l.id = c.budget_line_id "
        "RETURNING c.report_id",
        grant["KP 2014/30"],
    )
    expect("cost-beyond-budget-line", f"{api}/grants/{grant['KP 2014/30']}/reports/{over}")
    expect("below-reported", f"{api}/grants/{grant['KP 2014/30']}")
    moved_year = await one(
        "UPDATE grant_reports SET year = 2 WHERE grant_id = $1 AND kind = 'interim' RETURNING id",
        grant["KP 2017/40"],
    )
    expect("report-year", f"{api}/grants/{grant['KP 2017/40']}/reports/{moved_year}")
    after_close = await one(
        "UPDATE grant_reports SET year = 3 WHERE grant_id = $1 AND kind = 'final' RETURNING id",
        grant["KP 2019/38"],
    )
    expect("grant-closed", f"{api}/grants/{grant['KP 2019/38']}/reports/{after_close}")
    early_payment = await one(
        "UPDATE grant_payments SET paid_on = '2000-01-01' WHERE id = (SELECT id FROM "
        "grant_payments WHERE grant_id = $1 ORDER BY paid_on LIMIT 1) RETURNING id",
        grant["KP 2015/21"],
    )
    expect(
        "payment-after-approved-report",
        f"{api}/grants/{grant['KP 2015/21']}/payments/{early_payment}",
    )
    overpaid = await one(
        "UPDATE grant_payments SET amount = amount + 1 WHERE id = (SELECT id FROM "
        "grant_payments WHERE grant_id = $1 ORDER BY paid_on LIMIT 1) RETURNING id",
        grant["KP 2017/40"],
    )
    expect("payment-beyond-approved", f"{api}/grants/{grant['KP 2017/40']}/payments/{overpaid}")


async def test_rows_broken_behind_the_api_are_found(demo_copy: str) -> None:
    expected: set[tuple[str, str]] = set()

    def expect(code: str, url: str) -> None:
        expected.add((f"rule.{code}", url))

    db = await asyncpg.connect(plain_dsn(demo_copy))
    try:
        await break_rows(db, expect)
    finally:
        await db.close()
    code, out = await run("check", url=demo_copy)
    print(out)  # shown when the test fails
    assert code == 1
    assert out.splitlines()[-1].startswith(f"{len(out.splitlines()) - 1} row(s) break a rule")
    assert findings(out) == expected
    # Each audited rule was broken, and found.
    audited = {kind.code for kind, how in RULES.items() if isinstance(how, Audited)}
    assert {code for code, _ in expected} == audited
