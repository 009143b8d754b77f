"""The raw twin: the same data and the same JSON as the Partnership API's benchmarked routes
(bench/run.py), served by bare Starlette on asyncpg, with no ORM, no validation and no
middleware (the grants' due reports use the API's own date arithmetic, a pure function). It
answers in English, the language of a caller who names none, as the bench's requests are (it
reads no Accept-Language): a partnership's, network's or workshop's texts are its English
translation's when whole, else its main language's (docs/languages-content.md). Its
writes (a person, a payment) are one INSERT each, its own transaction, answered as the API
answers them; no check, no audit trail, no event, no Idempotency-Key.

Run: DATABASE_URL=postgresql://... uvicorn bench.twin:app
"""

import base64
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.core.periods import add_months
from app.rules.funding import FINAL_REPORT_MONTHS, INTERIM_REPORT_MONTHS, grant_years

ELIGIBLE = {
    "municipality",
    "region",
    "district",
    "local_government_association",
    "joint_committee",
    "municipal_company",
}
COLUMNS = (
    "id, type, country_code, name, name_en, official_code, org_number, population, "
    "is_reference, created_at, updated_at, version"
)
pool: asyncpg.Pool | None = None


def _row(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "type": r["type"],
        "country_code": r["country_code"],
        "name": r["name"],
        "name_en": r["name_en"],
        "official_code": r["official_code"],
        "org_number": r["org_number"],
        "population": r["population"],
        "is_reference": r["is_reference"],
        "created_at": r["created_at"].isoformat().replace("+00:00", "Z"),
        "updated_at": r["updated_at"].isoformat().replace("+00:00", "Z"),
        "eligible_swedish_applicant": r["country_code"] == "SE" and r["type"] in ELIGIBLE,
    }


async def _organisations(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [_row(r) for r in rows]


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status,
        headers=headers,
        media_type="application/json",
    )


async def _page(
    request: Request,
    select: str,
    filters: dict[str, str],
    order: tuple[str, ...],
    sort: str,
    parse: tuple[Callable[[str], Any], ...] = (str,),
) -> tuple[list[asyncpg.Record], dict[str, Any]]:
    """One keyset page: `select` filtered by the query parameters named in `filters` (parameter
    -> column), after the cursor, ordered by `order` (key columns, then the id), with the
    cursor of the next page as the API builds it (`sort` names the order, `parse` reads the
    cursor's keys before the id)."""
    assert pool is not None
    limit = min(int(request.query_params.get("limit", 20)), 100)
    where, args = [], []
    for parameter, column in filters.items():
        if value := request.query_params.get(parameter):
            args.append(value.upper() if parameter == "country" else value)
            where.append(f"{column} = ${len(args)}")
    if cursor := request.query_params.get("cursor"):
        keys = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["k"]
        marks = [f"${len(args) + n}" for n in range(1, len(order) + 1)]
        args += [read(key) for read, key in zip(parse, keys[:-1], strict=True)] + [keys[-1]]
        where.append(f"({', '.join(order)}) > ({', '.join(marks)}::uuid)")
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    sql += f" ORDER BY {', '.join(order)} LIMIT {limit + 1}"
    rows = await pool.fetch(sql, *args)
    more = len(rows) > limit
    rows = rows[:limit]

    def cursor_at(row: asyncpg.Record, direction: str) -> str:
        keys = [row[column.rsplit(".", 1)[-1]] for column in order]
        plain = [v.isoformat() if isinstance(v, date | datetime) else str(v) for v in keys]
        data = {"s": sort, "k": plain, "d": direction}
        raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    return rows, {
        "next_cursor": cursor_at(rows[-1], "a") if more else None,
        "prev_cursor": cursor_at(rows[0], "b") if cursor and rows else None,
        "total": None,
    }


async def _one(
    select: str,
    key: str,
    answer: Callable[[list[asyncpg.Record]], Awaitable[list[dict[str, Any]]]],
    id_column: str = "id",
) -> Response:
    """One row by id, answered as `answer` builds a list of rows, with its ETag; 404 without
    it."""
    assert pool is not None
    row = await pool.fetchrow(f"{select} WHERE {id_column} = $1::uuid", key)
    if row is None:
        return _json({"status": 404}, 404)
    [body] = await answer([row])
    return _json(body, headers={"ETag": f'"v{row["version"]}"'})


async def list_organisations(request: Request) -> Response:
    rows, cursor = await _page(
        request, f"SELECT {COLUMNS} FROM organisations", {"country": "country_code"},
        ("name", "id"), "organisations:name",
    )  # fmt: skip
    return _json({"items": [_row(r) for r in rows], **cursor})


async def get_organisation(request: Request) -> Response:
    return await _one(
        f"SELECT {COLUMNS} FROM organisations",
        request.path_params["organisation_id"],
        _organisations,
    )


GRANT_SQL = (
    "SELECT g.*, o.id AS recipient_id, o.name AS recipient FROM grants g "
    "JOIN partnerships p ON p.id = g.partnership_id "
    "JOIN organisations o ON o.id = p.swedish_party_id"
)


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _stamp(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


def _sek(amount: Decimal) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currency": "SEK"}


async def _grants(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    assert pool is not None
    ids = [r["id"] for r in rows]
    lines: dict[Any, list[asyncpg.Record]] = {i: [] for i in ids}
    for line in await pool.fetch(
        "SELECT * FROM grant_budget_lines WHERE grant_id = ANY($1::uuid[]) ORDER BY year, position",
        ids,
    ):
        lines[line["grant_id"]].append(line)
    filed = {
        (r["grant_id"], r["kind"], r["year"]): str(r["id"])
        for r in await pool.fetch(
            "SELECT grant_id, kind, year, id FROM grant_reports "
            "WHERE grant_id = ANY($1::uuid[]) AND status <> 'returned'",
            ids,
        )
    }
    out = []
    for g in rows:
        years = grant_years(g["starts"], g["ends"], g["postponed_days"])
        due = [
            ("interim", n, add_months(last, INTERIM_REPORT_MONTHS))
            for n, (_, last) in enumerate(years[:-1], start=1)
        ]
        due.append(("final", len(years), add_months(g["ends"], FINAL_REPORT_MONTHS)))
        out.append(
            {
                "id": str(g["id"]),
                "partnership_id": str(g["partnership_id"]),
                "application_id": str(g["application_id"]) if g["application_id"] else None,
                "kind": g["kind"],
                "reference": g["reference"],
                "decided_on": _day(g["decided_on"]),
                "starts": _day(g["starts"]),
                "original": {
                    "amount": _sek(g["original_amount"]),
                    "ends": _day(g["original_ends"]),
                },
                "current": {"amount": _sek(g["amount"]), "ends": _day(g["ends"])},
                "status": g["status"],
                "closed_on": _day(g["closed_on"]),
                "conditions": g["conditions"],
                "funding_chain": [
                    {"role": "funder", "name": "Sida", "organisation_id": None},
                    {"role": "grantor", "name": "ICLD", "organisation_id": None},
                    {
                        "role": "recipient",
                        "name": g["recipient"],
                        "organisation_id": str(g["recipient_id"]),
                    },
                ],
                "budget": [
                    {
                        "id": str(x["id"]),
                        "category": x["category"],
                        "year": x["year"],
                        "description": x["description"],
                        "original": _sek(x["original_amount"]),
                        "current": _sek(x["amount"]),
                    }
                    for x in lines[g["id"]]
                ],
                "reports_due": [
                    {
                        "kind": kind,
                        "year": year,
                        "due_on": _day(on),
                        "report_id": filed.get((g["id"], kind, year)),
                    }
                    for kind, year, on in due
                ],
                "created_at": _stamp(g["created_at"]),
                "updated_at": _stamp(g["updated_at"]),
            }
        )
    return out


async def list_grants(request: Request) -> Response:
    rows, cursor = await _page(
        request, GRANT_SQL, {"status": "g.status"}, ("g.decided_on", "g.id"), "grants:decided_on",
        (date.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _grants(list(rows)), **cursor})


async def get_grant(request: Request) -> Response:
    return await _one(GRANT_SQL, request.path_params["grant_id"], _grants, "g.id")


PARTNERSHIP_COLUMNS = (
    "id, title, description, language, translations, local_challenge, themes, principles, "
    "swedish_party_id, third_party_id, applied_on, network_id, status, published_at, "
    "origin_swedish_interest_id, origin_partner_interest_id, created_at, updated_at, version"
)


def _uuid(value: Any) -> str | None:
    return str(value) if value is not None else None


def _texts(r: asyncpg.Record, names: tuple[str, ...]) -> dict[str, Any]:
    """A row's `names` texts as the API serves them to a caller who asks for no language (the
    bench's): in English when the row has them all in it, else in its main language, with every
    language's texts (docs/languages-content.md)."""
    main = r["language"]
    every = {main: {n: r[n] for n in names}}
    every |= {k: {n: t.get(n) for n in names} for k, t in json.loads(r["translations"]).items()}
    whole = "en" in every and all(every["en"][n] is not None for n in names if r[n])
    served = "en" if whole else main
    return {**every[served], "language": main, "served_language": served, "translations": every}


async def _partnerships(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    assert pool is not None
    partners: dict[Any, list[str]] = {r["id"]: [] for r in rows}
    for p in await pool.fetch(
        "SELECT partnership_id, organisation_id FROM partnership_partners "
        "WHERE partnership_id = ANY($1::uuid[]) ORDER BY organisation_id",
        list(partners),
    ):
        partners[p["partnership_id"]].append(str(p["organisation_id"]))
    out = []
    for r in rows:
        ids = partners[r["id"]]
        form = (
            "multilateral" if len(ids) > 1 else "trilateral" if r["third_party_id"] else "bilateral"
        )
        out.append(
            {
                "id": str(r["id"]),
                **_texts(r, ("title", "description")),
                "local_challenge": r["local_challenge"],
                "themes": list(r["themes"]),
                "principles": list(r["principles"]),
                "swedish_party_id": str(r["swedish_party_id"]),
                "partner_ids": ids,
                "third_party_id": _uuid(r["third_party_id"]),
                "applied_on": _day(r["applied_on"]),
                "network_id": _uuid(r["network_id"]),
                "status": r["status"],
                "published_at": _stamp(r["published_at"]) if r["published_at"] else None,
                "origin": {
                    "swedish_interest_id": str(r["origin_swedish_interest_id"]),
                    "partner_interest_id": str(r["origin_partner_interest_id"]),
                }
                if r["origin_swedish_interest_id"]
                else None,
                "created_at": _stamp(r["created_at"]),
                "updated_at": _stamp(r["updated_at"]),
                "form": form,
            }
        )
    return out


async def list_partnerships(request: Request) -> Response:
    rows, cursor = await _page(
        request, f"SELECT {PARTNERSHIP_COLUMNS} FROM partnerships", {"status": "status"},
        ("title", "id"), "partnerships:title",
    )  # fmt: skip
    return _json({"items": await _partnerships(list(rows)), **cursor})


async def get_partnership(request: Request) -> Response:
    return await _one(
        f"SELECT {PARTNERSHIP_COLUMNS} FROM partnerships",
        request.path_params["partnership_id"],
        _partnerships,
    )


async def _applications(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    assert pool is not None
    budgets: dict[Any, list[asyncpg.Record]] = {r["id"]: [] for r in rows}
    for line in await pool.fetch(
        "SELECT application_id, category, year, amount, description "
        "FROM application_budget_lines WHERE application_id = ANY($1::uuid[]) "
        "ORDER BY position",
        list(budgets),
    ):
        budgets[line["application_id"]].append(line)
    return [
        {
            "id": str(a["id"]),
            "partnership_id": str(a["partnership_id"]),
            "kind": a["kind"],
            "round_id": _uuid(a["round_id"]),
            "planned_start": _day(a["planned_start"]),
            "planned_end": _day(a["planned_end"]),
            "description": a["description"],
            "budget": [
                {
                    "category": x["category"],
                    "year": x["year"],
                    "amount": _sek(x["amount"]),
                    "description": x["description"],
                }
                for x in budgets[a["id"]]
            ],
            "budget_total": _sek(sum((x["amount"] for x in budgets[a["id"]]), Decimal(0))),
            "attachment_ids": [str(i) for i in a["attachment_ids"]],
            "status": a["status"],
            "submitted_on": _day(a["submitted_on"]),
            "decided_on": _day(a["decided_on"]),
            "created_at": _stamp(a["created_at"]),
            "updated_at": _stamp(a["updated_at"]),
        }
        for a in rows
    ]


async def list_applications(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM applications", {"status": "status"}, ("created_at", "id"),
        "applications:created_at", (datetime.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _applications(list(rows)), **cursor})


async def get_application(request: Request) -> Response:
    return await _one(
        "SELECT * FROM applications", request.path_params["application_id"], _applications
    )


NETWORK_COLUMNS = (
    "id, title, theme, description, language, translations, country_codes, starts, ends, "
    "coordinator_id, status, created_at, updated_at, version"
)


def _network(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        **_texts(r, ("title", "description")),
        "theme": r["theme"],
        "country_codes": list(r["country_codes"]),
        "starts": _day(r["starts"]),
        "ends": _day(r["ends"]),
        "coordinator_id": _uuid(r["coordinator_id"]),
        "status": r["status"],
        "created_at": _stamp(r["created_at"]),
        "updated_at": _stamp(r["updated_at"]),
    }


async def _networks(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [_network(r) for r in rows]


async def list_networks(request: Request) -> Response:
    rows, cursor = await _page(
        request, f"SELECT {NETWORK_COLUMNS} FROM networks", {"theme": "theme"},
        ("title", "id"), "networks:title",
    )  # fmt: skip
    return _json({"items": [_network(r) for r in rows], **cursor})


async def get_network(request: Request) -> Response:
    return await _one(
        f"SELECT {NETWORK_COLUMNS} FROM networks", request.path_params["network_id"], _networks
    )


async def _people(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "organisation_id": str(r["organisation_id"]),
            "kind": r["kind"],
            "given_name": r["given_name"],
            "family_name": r["family_name"],
            "title": r["title"],
            "party": r["party"],
            "political_side": r["political_side"],
            "email": r["email"],  # an administrator sees contact details
            "phone": r["phone"],
            "mandate_ends": _day(r["mandate_ends"]),
            "erased_at": _stamp(r["erased_at"]) if r["erased_at"] else None,
            "created_at": _stamp(r["created_at"]),
            "updated_at": _stamp(r["updated_at"]),
        }
        for r in rows
    ]


async def list_people(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM people",
        {"organisation_id": "organisation_id", "kind": "kind", "political_side": "political_side"},
        ("family_name", "given_name", "id"), "people:family_name,given_name", (str, str),
    )  # fmt: skip
    return _json({"items": await _people(list(rows)), **cursor})


async def get_person(request: Request) -> Response:
    return await _one("SELECT * FROM people", request.path_params["person_id"], _people)


PERSON_FIELDS = ("kind", "given_name", "family_name", "title", "party", "political_side", "email",
                 "phone")  # fmt: skip


def _created(body: dict[str, Any], location: str, version: int) -> Response:
    return _json(body, 201, {"Location": location, "ETag": f'"v{version}"'})


async def create_person(request: Request) -> Response:
    """A person as sent, in one INSERT (the organisation's foreign key is the only check)."""
    assert pool is not None
    body = json.loads(await request.body())
    row = await pool.fetchrow(
        "INSERT INTO people (id, organisation_id, kind, given_name, family_name, title, party, "
        "political_side, email, phone) VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING *",
        uuid.uuid4(),
        body["organisation_id"],
        *(body.get(field) for field in PERSON_FIELDS),
    )
    [answer] = await _people([row])
    return _created(answer, f"/api/v1/people/{row['id']}", row["version"])


async def _workshops(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "network_id": _uuid(r["network_id"]),
            **_texts(r, ("title",)),
            "host_organisation_id": str(r["host_organisation_id"]),
            "country_code": r["country_code"],
            "city": r["city"],
            "starts": _day(r["starts"]),
            "ends": _day(r["ends"]),
            "topics": list(r["topics"]),
            "organisation_ids": [str(i) for i in r["organisation_ids"]],
            "participants_per_organisation": r["participants_per_organisation"],
            "paid_by": r["paid_by"],
            "status": r["status"],
            "outcome": r["outcome"],
            "created_at": _stamp(r["created_at"]),
            "updated_at": _stamp(r["updated_at"]),
        }
        for r in rows
    ]


async def list_workshops(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM workshops", {"network_id": "network_id"}, ("starts", "id"),
        "workshops:starts", (date.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _workshops(list(rows)), **cursor})


async def get_workshop(request: Request) -> Response:
    return await _one("SELECT * FROM workshops", request.path_params["workshop_id"], _workshops)


async def _programmes(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    assert pool is not None
    implementers: dict[Any, list[dict[str, str]]] = {r["id"]: [] for r in rows}
    for i in await pool.fetch(
        "SELECT programme_id, organisation_id, role FROM programme_organisations "
        "WHERE programme_id = ANY($1::uuid[]) ORDER BY role, organisation_id",
        list(implementers),
    ):
        implementers[i["programme_id"]].append(
            {"organisation_id": str(i["organisation_id"]), "role": i["role"]}
        )
    return [
        {
            "id": str(r["id"]),
            "title": r["title"],
            "code": r["code"],
            "funder": r["funder"],
            "starts": _day(r["starts"]),
            "ends": _day(r["ends"]),
            "implementers": implementers[r["id"]],
            "segments": json.loads(r["segments"]),
            "participant_countries": json.loads(r["participant_countries"]),
            "created_at": _stamp(r["created_at"]),
            "updated_at": _stamp(r["updated_at"]),
        }
        for r in rows
    ]


async def list_programmes(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM training_programmes", {}, ("starts", "id"),
        "training_programmes:starts", (date.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _programmes(list(rows)), **cursor})


async def get_programme(request: Request) -> Response:
    return await _one(
        "SELECT * FROM training_programmes", request.path_params["programme_id"], _programmes
    )


async def _study_visits(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "visit_on": _day(r["visit_on"]),
            "host_organisation_id": str(r["host_organisation_id"]),
            "programme_id": _uuid(r["programme_id"]),
            "partnership_id": _uuid(r["partnership_id"]),
            "visiting_countries": list(r["visiting_countries"]),
            "topics": list(r["topics"]),
            "contact_ids": [str(i) for i in r["contact_ids"]],
            "description": r["description"],
            "created_at": _stamp(r["created_at"]),
            "updated_at": _stamp(r["updated_at"]),
        }
        for r in rows
    ]


async def list_study_visits(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM study_visits",
        {"host_organisation_id": "host_organisation_id", "programme_id": "programme_id"},
        ("visit_on", "id"), "study_visits:visit_on", (date.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _study_visits(list(rows)), **cursor})


async def get_study_visit(request: Request) -> Response:
    return await _one("SELECT * FROM study_visits", request.path_params["visit_id"], _study_visits)


async def create_payment(request: Request) -> Response:
    """A payment as sent, in one INSERT: no check of the report, its approval or what it leaves
    to pay, and no lock of the grant."""
    assert pool is not None
    body = json.loads(await request.body())
    row = await pool.fetchrow(
        "INSERT INTO grant_payments (id, grant_id, report_id, amount, paid_on, reference) "
        "VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6) RETURNING *",
        uuid.uuid4(),
        request.path_params["grant_id"],
        body["report_id"],
        Decimal(body["amount"]["amount"]),
        date.fromisoformat(body["paid_on"]),
        body["reference"],
    )
    answer = {
        "id": str(row["id"]),
        "grant_id": str(row["grant_id"]),
        "report_id": str(row["report_id"]),
        "amount": _sek(row["amount"]),
        "paid_on": _day(row["paid_on"]),
        "reference": row["reference"],
        "created_at": _stamp(row["created_at"]),
    }
    location = f"/api/v1/grants/{row['grant_id']}/payments/{row['id']}"
    return _created(answer, location, row["version"])


MEETING_SQL = (
    "SELECT m.*, p.swedish_party_id, p.third_party_id FROM partnerships p "
    "LEFT JOIN meetings m ON m.partnership_id = p.id"
)


async def _meetings(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    """Meetings, each read with its partnership's Swedish and third parties (a host who is
    neither is on the partner side)."""
    assert pool is not None
    participants: dict[Any, list[str]] = {r["id"]: [] for r in rows}
    for x in await pool.fetch(
        "SELECT meeting_id, person_id FROM meeting_participants "
        "WHERE meeting_id = ANY($1::uuid[]) ORDER BY person_id",
        list(participants),
    ):
        participants[x["meeting_id"]].append(str(x["person_id"]))
    out = []
    for r in rows:
        host = r["host_organisation_id"]
        side = (
            "swedish" if host == r["swedish_party_id"]
            else "third_party" if host == r["third_party_id"]
            else "partner"
        )  # fmt: skip
        out.append(
            {
                "id": str(r["id"]),
                "partnership_id": str(r["partnership_id"]),
                "kind": r["kind"],
                "host_organisation_id": str(host),
                "host_side": side,
                "place": r["place"],
                "start_date": _day(r["start_date"]),
                "end_date": _day(r["end_date"]),
                "participant_ids": participants[r["id"]],
                "status": r["status"],
                "outcome": r["outcome"],
                "sequence": r["sequence"],
                "cancellation": None
                if r["cancelled_at"] is None
                else {
                    "reason": r["cancelled_reason"],
                    "cancelled_by": r["cancelled_by"],
                    "cancelled_at": _stamp(r["cancelled_at"]),
                },
                "created_at": _stamp(r["created_at"]),
                "updated_at": _stamp(r["updated_at"]),
            }
        )
    return out


async def _partner_interests(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "organisation_id": str(r["organisation_id"]),
            "side": r["side"],
            "themes": list(r["themes"]),
            "principles": list(r["principles"]),
            "local_challenge": r["local_challenge"],
            "countries": list(r["countries"]),
            "funding_regions": list(r["funding_regions"]),
            "phase_kind": r["phase_kind"],
            "earliest_start": _day(r["earliest_start"]),
            "network_id": _uuid(r["network_id"]),
            "listed": r["listed"],
            "status": r["status"],
            "expires_on": _day(r["expires_on"]),
            "created_at": _stamp(r["created_at"]),
            "updated_at": _stamp(r["updated_at"]),
        }
        for r in rows
    ]


async def list_partner_interests(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM partner_interests", {"status": "status"}, ("created_at", "id"),
        "partner_interests:created_at", (datetime.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _partner_interests(list(rows)), **cursor})


async def get_partner_interest(request: Request) -> Response:
    return await _one(
        "SELECT * FROM partner_interests", request.path_params["interest_id"], _partner_interests
    )


async def _elections(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "country_code": r["country_code"],
            "organisation_id": _uuid(r["organisation_id"]),
            "level": r["level"],
            "held_on": _day(r["held_on"]),
            "source": r["source"],
            "generated": r["generated"],
            "created_at": _stamp(r["created_at"]),
            "updated_at": _stamp(r["updated_at"]),
        }
        for r in rows
    ]


async def list_elections(request: Request) -> Response:
    rows, cursor = await _page(
        request, "SELECT * FROM elections", {"country": "country_code", "level": "level"},
        ("held_on", "id"), "elections:held_on", (date.fromisoformat,),
    )  # fmt: skip
    return _json({"items": await _elections(list(rows)), **cursor})


async def get_election(request: Request) -> Response:
    return await _one("SELECT * FROM elections", request.path_params["election_id"], _elections)


async def list_meetings(request: Request) -> Response:
    """A partnership's meetings by date (404 for no partnership, no items for one without)."""
    assert pool is not None
    rows = await pool.fetch(
        f"{MEETING_SQL} WHERE p.id = $1::uuid ORDER BY m.start_date, m.id",
        request.path_params["partnership_id"],
    )
    if not rows:
        return _json({"status": 404}, 404)
    meetings = await _meetings([r for r in rows if r["id"] is not None])
    # A page since issue 25; a partnership's few meetings fit on the first.
    return _json({"items": meetings, "next_cursor": None, "prev_cursor": None, "total": None})


async def get_meeting(request: Request) -> Response:
    assert pool is not None
    row = await pool.fetchrow(
        f"{MEETING_SQL} WHERE p.id = $1::uuid AND m.id = $2::uuid",
        request.path_params["partnership_id"],
        request.path_params["meeting_id"],
    )
    if row is None:
        return _json({"status": 404}, 404)
    [body] = await _meetings([row])
    return _json(body, headers={"ETag": f'"v{row["version"]}"'})


async def health(request: Request) -> Response:
    """No database: beside ours, what the framework and middleware cost on their own."""
    return _json({"status": "ok"})


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=2, max_size=10)
    yield
    await pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/organisations", list_organisations),
        Route("/api/v1/organisations/{organisation_id}", get_organisation),
        Route("/api/v1/grants", list_grants),
        Route("/api/v1/grants/{grant_id}", get_grant),
        Route("/api/v1/grants/{grant_id}/payments", create_payment, methods=["POST"]),
        Route("/api/v1/partnerships", list_partnerships),
        Route("/api/v1/partnerships/{partnership_id}", get_partnership),
        Route("/api/v1/applications", list_applications),
        Route("/api/v1/applications/{application_id}", get_application),
        Route("/api/v1/networks", list_networks),
        Route("/api/v1/networks/{network_id}", get_network),
        Route("/api/v1/people", list_people),
        Route("/api/v1/people", create_person, methods=["POST"]),
        Route("/api/v1/people/{person_id}", get_person),
        Route("/api/v1/workshops", list_workshops),
        Route("/api/v1/workshops/{workshop_id}", get_workshop),
        Route("/api/v1/training-programmes", list_programmes),
        Route("/api/v1/training-programmes/{programme_id}", get_programme),
        Route("/api/v1/study-visits", list_study_visits),
        Route("/api/v1/study-visits/{visit_id}", get_study_visit),
        Route("/api/v1/partner-interests", list_partner_interests),
        Route("/api/v1/partner-interests/{interest_id}", get_partner_interest),
        Route("/api/v1/elections", list_elections),
        Route("/api/v1/elections/{election_id}", get_election),
        Route("/api/v1/partnerships/{partnership_id}/meetings", list_meetings),
        Route("/api/v1/partnerships/{partnership_id}/meetings/{meeting_id}", get_meeting),
        Route("/healthz", health),
    ],
    lifespan=lifespan,
)
