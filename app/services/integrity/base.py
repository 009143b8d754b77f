"""What every audit shares: a finding, the judging of one row by a rule's check, the API URL of a
row, and reading a whole table in bounded memory."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ParamSpec
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.errors import RuleViolation
from app.core.i18n import english

API = "/api/v1"
# Rows fetched per round trip from a server-side cursor: what an audit holds at most (besides
# the rows of one group, see `groups`).
BATCH = 2_000

P = ParamSpec("P")


@dataclass(frozen=True)
class Finding:
    """A stored row that breaks a rule: the rule's code, the row's URL in the API, and the
    rule's message for it."""

    code: str
    url: str
    message: str

    def line(self) -> str:
        return f"{self.code}  {self.url}  {self.message}"


def judge(url: str, check: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> Finding | None:
    """The rule's own check (the one every write calls) on a stored row's facts: a finding at
    `url` when it refuses them."""
    try:
        check(*args, **kwargs)
    except RuleViolation as violation:
        return Finding(violation.kind.code, url, english(violation.detail))
    return None


async def rows(conn: AsyncConnection, sql: str, **params: Any) -> AsyncIterator[sa.Row[Any]]:
    """The rows of a query over whole tables, through a server-side cursor: BATCH at a time,
    never the whole result in memory."""
    statement = sa.text(sql).bindparams(**params) if params else sa.text(sql)
    result = await conn.stream(statement.execution_options(yield_per=BATCH))
    async for row in result:
        yield row


async def groups(
    conn: AsyncConnection, sql: str, key: str, **params: Any
) -> AsyncIterator[list[sa.Row[Any]]]:
    """The rows of a query ordered by `key` (a column), one list per value of it: what one
    rule judges together (a partnership's phases, a grant's reports). Memory holds one group."""
    group: list[sa.Row[Any]] = []
    async for row in rows(conn, sql, **params):
        if group and getattr(row, key) != getattr(group[0], key):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def partner_country_sql(country: str, day: str) -> str:
    """SQL: the country (a column) was an ICLD partner country on the day (a column): the same
    periods `app.services.countries.eligible_on` reads."""
    return (
        "EXISTS (SELECT FROM country_eligibility e "
        f"WHERE e.country_code = {country} AND e.valid_from <= {day} "
        f"AND (e.valid_to IS NULL OR e.valid_to >= {day}))"
    )


def sides(swedish: UUID, third: UUID | None, partners: list[UUID]) -> dict[UUID, str]:
    """Each party of a partnership with its side, as `sides_of_each` gives them to the rules."""
    found = dict.fromkeys(partners, "partner")
    found[swedish] = "swedish"
    if third is not None:
        found[third] = "third_party"
    return found


# SQL: the partner-side parties of the partnership `p`.
PARTNERS = (
    "ARRAY(SELECT pp.organisation_id FROM partnership_partners pp WHERE pp.partnership_id = p.id)"
)


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# The URL of each kind of row, as the API serves it.


def organisation_url(id: UUID) -> str:
    return f"{API}/organisations/{id}"


def person_url(id: UUID) -> str:
    return f"{API}/people/{id}"


def partnership_url(id: UUID) -> str:
    return f"{API}/partnerships/{id}"


def part_url(partnership_id: UUID, part: str, id: UUID) -> str:
    """A part of a partnership: phases, members, meetings, documents."""
    return f"{API}/partnerships/{partnership_id}/{part}/{id}"


def network_url(id: UUID) -> str:
    return f"{API}/networks/{id}"


def network_member_url(network_id: UUID, id: UUID) -> str:
    return f"{API}/networks/{network_id}/members/{id}"


def workshop_url(id: UUID) -> str:
    return f"{API}/workshops/{id}"


def programme_url(id: UUID) -> str:
    return f"{API}/training-programmes/{id}"


def study_visit_url(id: UUID) -> str:
    return f"{API}/study-visits/{id}"


def application_url(id: UUID) -> str:
    return f"{API}/applications/{id}"


def grant_url(id: UUID) -> str:
    return f"{API}/grants/{id}"


def grant_part_url(grant_id: UUID, part: str, id: UUID) -> str:
    """A part of a grant: amendments, reports, payments."""
    return f"{API}/grants/{grant_id}/{part}/{id}"


def partner_interest_url(id: UUID) -> str:
    return f"{API}/partner-interests/{id}"


def api_key_url(id: UUID) -> str:
    return f"{API}/api-keys/{id}"


def user_url(id: UUID) -> str:
    return f"{API}/users/{id}"
