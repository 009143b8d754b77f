"""The raw twin: the same queries and the same JSON as the Partnership API's organisation routes,
served by bare Starlette on asyncpg, with no ORM, no validation and no middleware.

Run: DATABASE_URL=postgresql://... uvicorn bench.twin:app
"""

import base64
import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ELIGIBLE = {
    "municipality",
    "region",
    "district",
    "local_government_association",
    "joint_committee",
    "municipal_company",
}
COLUMNS = (
    "id, type, country_code, name, name_en, official_code, org_number, is_reference, "
    "created_at, updated_at, version"
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
        "is_reference": r["is_reference"],
        "created_at": r["created_at"].isoformat().replace("+00:00", "Z"),
        "updated_at": r["updated_at"].isoformat().replace("+00:00", "Z"),
        "eligible_swedish_applicant": r["country_code"] == "SE" and r["type"] in ELIGIBLE,
    }


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status,
        headers=headers,
        media_type="application/json",
    )


async def list_organisations(request: Request) -> Response:
    assert pool is not None
    limit = min(int(request.query_params.get("limit", 20)), 100)
    where, args = [], []
    if country := request.query_params.get("country"):
        args.append(country.upper())
        where.append(f"country_code = ${len(args)}")
    if cursor := request.query_params.get("cursor"):
        keys = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["k"]
        args += [keys[0], keys[1]]
        where.append(f"(name, id) > (${len(args) - 1}, ${len(args)}::uuid)")
    sql = f"SELECT {COLUMNS} FROM organisations"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY name, id LIMIT {limit + 1}"
    rows = await pool.fetch(sql, *args)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        raw = json.dumps(
            {"s": "name", "k": [rows[-1]["name"], str(rows[-1]["id"])]},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        next_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return _json({"items": [_row(r) for r in rows], "next_cursor": next_cursor})


async def get_organisation(request: Request) -> Response:
    assert pool is not None
    row = await pool.fetchrow(
        f"SELECT {COLUMNS} FROM organisations WHERE id = $1::uuid",
        request.path_params["organisation_id"],
    )
    if row is None:
        return _json({"status": 404}, 404)
    return _json(_row(row), headers={"ETag": f'"v{row["version"]}"'})


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
    ],
    lifespan=lifespan,
)
