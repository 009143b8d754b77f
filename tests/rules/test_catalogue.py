"""Every programme rule says how it holds and what it reads, and what it reads exists."""

from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


async def test_every_rule_has_a_mode_and_reads_stored_columns(
    anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    problems = (await anonymous.get("/problems")).json()
    rules = [p for p in problems if p["code"].startswith("rule.")]
    assert len(rules) >= 70
    assert {p["mode"] for p in problems if not p["code"].startswith("rule.")} == {None}
    assert {r["code"]: r["mode"] for r in rules if r["mode"] not in ("refuse", "report")} == {}
    columns = {
        f"{table}.{column}"
        for table, column in await connection.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            )
        )
    }
    unknown = {r["code"]: sorted(set(r["reads"]) - columns) for r in rules}
    assert {code: cols for code, cols in unknown.items() if cols} == {}
    assert [r["code"] for r in rules if not r["reads"]] == []
    reported = sorted(r["code"] for r in rules if r["mode"] == "report")
    assert reported == [
        "rule.inception-team",
        "rule.letter-of-intent",
        "rule.meetings-per-project-year",
        "rule.project-group-size",
        "rule.reciprocal-visits",
        "rule.report-due",
        "rule.steering-group-composition",
    ]
