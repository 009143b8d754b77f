"""The overview screen every front end needs (docs/front-ends.md): a page of partnerships with
their parties and countries, the current phase with its dates, compliance and the next meeting.

Read two ways against our running service, at each page size, as a client would:

- **expand**: one request, `GET /api/v1/partnerships?limit=N&expand=parties&expand=current_phase
  &expand=next_meeting&expand=compliance`;
- **N+1**, the way a client had to before `expand`: the page, then each party organisation once
  (`GET /api/v1/organisations/{id}`), then for each partnership its phases, compliance and
  meetings (three requests; the meetings a page since issue 25, of 100, where a partnership's
  few fit), one after the other, and again six at a time (what a browser opens
  to one host over HTTP/1.1).

Each way is timed over a few rounds (the median is kept), after one round to warm up; the two
ways must show the same table (the same parties, phase, rules and next meeting for each row),
or the run stops. The statements of the one request are counted in-process, as for the routes.
"""

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import httpx

from app.clock import today
from app.main import create_app
from app.settings import Settings
from bench.query_count import counting

EXPAND = ("parties", "current_phase", "next_meeting", "compliance")
PAGE_SIZES = (20, 100)
ROUNDS = 5
BROWSER_CONNECTIONS = 6
# Kept for bench/run.py's JSON, one entry per scale and page size.
RESULTS: list["Overview"] = []


@dataclass
class Overview:
    scale: int
    page_size: int
    expand_requests: int
    expand_statements: int
    expand_ms: float
    n_plus_one_requests: int
    n_plus_one_ms: float
    n_plus_one_parallel_ms: float


def expanded_path(limit: int) -> str:
    return f"/api/v1/partnerships?limit={limit}" + "".join(f"&expand={e}" for e in EXPAND)


Row = tuple[str, list[tuple[str, str, str]], Any, Any, Any]


def _row(
    item: dict[str, Any],
    parties: list[dict[str, Any]],
    phase: dict[str, Any] | None,
    warnings: list[str],
    meeting: dict[str, Any] | None,
) -> Row:
    """What the screen shows of one partnership, however it was read."""
    return (
        item["title"],
        [(p["name"], p["country_code"], p["side"]) for p in parties],
        phase and (phase["kind"], phase["status"], phase["starts"], phase["ends"]),
        sorted(warnings),
        meeting and (meeting["id"], meeting["start_date"]),
    )


async def with_expand(http: httpx.AsyncClient, limit: int) -> tuple[int, list[Row]]:
    response = await http.get(expanded_path(limit))
    response.raise_for_status()
    return 1, [
        _row(
            i,
            i["parties"],
            i["current_phase"],
            [w["code"] for w in i["compliance"]["warnings"]],
            i["next_meeting"],
        )
        for i in response.json()["items"]
    ]


def _current(phases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The phase the screen shows (as `expand=current_phase` chooses it), with its dates."""

    def last(p: dict[str, Any]) -> str:
        return str(p["actual_end"] or p["planned_end"])

    active = [p for p in phases if p["status"] == "active"]
    planned = sorted(
        (p for p in phases if p["status"] == "planned"), key=lambda p: (p["planned_start"], p["id"])
    )
    ended = sorted((p for p in phases if p["status"] in ("completed", "terminated")), key=last)
    found = active or planned or ended[-1:]
    if not found:
        return None
    chosen = found[0]
    return {
        **chosen,
        "starts": chosen["actual_start"] or chosen["planned_start"],
        "ends": last(chosen),
    }


def _next(meetings: list[dict[str, Any]], day: date) -> dict[str, Any] | None:
    upcoming = [m for m in meetings if m["status"] == "planned" and m["end_date"] >= str(day)]
    return min(upcoming, key=lambda m: (m["start_date"], m["id"]), default=None)


async def n_plus_one(
    http: httpx.AsyncClient, limit: int, connections: int
) -> tuple[int, list[Row]]:
    """The screen from the plain routes, `connections` requests at a time after the page."""
    gate = asyncio.Semaphore(connections)
    requests = 0

    async def get(path: str) -> Any:
        nonlocal requests
        async with gate:
            requests += 1
            response = await http.get(path)
        response.raise_for_status()
        return response.json()

    items = (await get(f"/api/v1/partnerships?limit={limit}"))["items"]
    sides: dict[str, dict[str, str]] = {}
    for i in items:
        sides[i["id"]] = {o: "partner" for o in i["partner_ids"]}
        sides[i["id"]][i["swedish_party_id"]] = "swedish"
        if i["third_party_id"]:
            sides[i["id"]][i["third_party_id"]] = "third_party"
    ids = sorted({o for s in sides.values() for o in s})
    organisations = dict(
        zip(
            ids,
            await asyncio.gather(*(get(f"/api/v1/organisations/{o}") for o in ids)),
            strict=True,
        )
    )
    parts = await asyncio.gather(
        *(
            get(f"/api/v1/partnerships/{i['id']}/{part}")
            for i in items
            for part in ("phases", "compliance", "meetings?limit=100")
        )
    )
    day = today()
    rows = []
    for n, i in enumerate(items):
        phases, compliance, meetings = parts[3 * n : 3 * n + 3]
        order = [i["swedish_party_id"], *i["partner_ids"], *filter(None, [i["third_party_id"]])]
        parties = [{**organisations[o], "side": sides[i["id"]][o]} for o in order]
        warnings = [w["code"] for w in compliance["warnings"]]
        rows.append(_row(i, parties, _current(phases), warnings, _next(meetings["items"], day)))
    return requests, rows


async def timed(
    read: Callable[[], Awaitable[tuple[int, list[Row]]]],
) -> tuple[int, float, list[Row]]:
    """Requests, median milliseconds over ROUNDS (after one round to warm up), and the rows."""
    requests, rows = await read()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        await read()
        times.append((time.perf_counter() - started) * 1000)
    return requests, round(statistics.median(times), 1), rows


async def statements(url: str, token: str, limit: int) -> int:
    """The statements of the one request, counted in-process on the same data."""
    settings = Settings(database_url=url)
    app = create_app(settings, database_url=url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await http.get(expanded_path(limit), headers=headers)  # warm: the pool's connection
            with counting(app.state.engine) as seen:
                response = await http.get(expanded_path(limit), headers=headers)
                response.raise_for_status()
    return len(seen)


async def overview(url: str, port: int, token: str, scale: int) -> list[Overview]:
    """Both ways at each page size against our service on `port`; printed, and kept in
    RESULTS."""
    found = []
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60, limits=limits
    ) as http:
        for size in PAGE_SIZES:
            one, one_ms, table = await timed(partial(with_expand, http, size))
            many, many_ms, plain = await timed(partial(n_plus_one, http, size, 1))
            _, parallel_ms, _ = await timed(partial(n_plus_one, http, size, BROWSER_CONNECTIONS))
            if table != plain:
                raise SystemExit(f"overview of {size}: expand and the plain routes disagree")
            result = Overview(
                scale=scale,
                page_size=size,
                expand_requests=one,
                expand_statements=await statements(url, token, size),
                expand_ms=one_ms,
                n_plus_one_requests=many,
                n_plus_one_ms=many_ms,
                n_plus_one_parallel_ms=parallel_ms,
            )
            print(
                f"  overview screen, {size} partnerships: expand {one} request "
                f"({result.expand_statements} statements) {one_ms:.0f} ms; N+1 {many} requests "
                f"{many_ms:.0f} ms one at a time, {parallel_ms:.0f} ms {BROWSER_CONNECTIONS} at "
                "a time"
            )
            found.append(result)
    RESULTS.extend(found)
    return found


def overview_table(results: list[Overview]) -> str:
    head = (
        f"{'overview screen':<16} {'scale':>8} {'requests':>9} {'ms':>8} {'N+1 requests':>13} "
        f"{'N+1 ms':>8} {f'N+1 ms x{BROWSER_CONNECTIONS}':>11}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{f'page of {r.page_size}':<16} {r.scale:>8} {r.expand_requests:>9} "
            f"{r.expand_ms:>8.1f} {r.n_plus_one_requests:>13} {r.n_plus_one_ms:>8.1f} "
            f"{r.n_plus_one_parallel_ms:>11.1f}"
        )
    return "\n".join(lines)
