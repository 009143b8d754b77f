"""Property-based: over random sequences of amendments, reports, decisions and payments made
through the API, a grant's figures always reconcile (hypothesis). Each example works on a grant
of its own; the API may refuse a step (422), never half-apply one or answer 500."""

import asyncio
from collections import Counter
from collections.abc import Awaitable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.funding.helpers import GRANTS, create_grant, partnership, sek

T = TypeVar("T")
D = Decimal

line_index = st.integers(min_value=0, max_value=5)
kronor = st.integers(min_value=1, max_value=200_000)
ore = st.decimals(min_value=D("0.01"), max_value=D("150000"), places=2)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("postpone"), st.integers(min_value=1, max_value=400)),
        st.tuples(st.just("extend"), st.integers(min_value=1, max_value=300), kronor),
        st.tuples(st.just("reallocate"), line_index, line_index, kronor),
        st.tuples(st.just("reduce"), line_index, kronor),
        # Mostly after the end (refused): a closed grant would take no further steps.
        st.tuples(st.just("close"), st.integers(min_value=0, max_value=3000)),
        st.tuples(st.just("report"), st.integers(min_value=0, max_value=3), line_index, ore),
        st.tuples(st.just("decide"), st.booleans()),
        st.tuples(st.just("pay"), ore),
    ),
    min_size=1,
    max_size=12,
)


def money(value: dict[str, str]) -> Decimal:
    return Decimal(value["amount"])


async def check(client: AsyncClient, grant_id: str) -> None:
    grant = (await client.get(f"{GRANTS}/{grant_id}")).json()
    balance = (await client.get(f"{GRANTS}/{grant_id}/balance")).json()
    reports = (await client.get(f"{GRANTS}/{grant_id}/reports")).json()
    payments = (await client.get(f"{GRANTS}/{grant_id}/payments")).json()
    amendments = (await client.get(f"{GRANTS}/{grant_id}/amendments")).json()
    current = money(grant["current"]["amount"])
    original = money(grant["original"]["amount"])
    paid = money(balance["paid"])
    assert original == D(800000) and money(balance["decided_original"]) == original
    assert money(balance["decided_current"]) == current
    assert sum(money(x["current"]) for x in grant["budget"]) == current
    assert sum(money(x["original"]) for x in grant["budget"]) == original
    assert sum(money(a["amount_change"]) for a in amendments) == current - original
    assert money(balance["remaining"]) == current - paid
    assert paid == sum((money(p["amount"]) for p in payments), D(0))
    not_returned = [r for r in reports if r["status"] != "returned"]
    approved = [r for r in reports if r["status"] == "approved"]
    assert money(balance["reported"]) == sum((money(r["total"]) for r in not_returned), D(0))
    assert money(balance["approved"]) == sum((money(r["total"]) for r in approved), D(0))
    assert money(balance["reported"]) >= money(balance["approved"]) >= paid >= 0
    assert paid <= current
    for line in balance["lines"]:
        assert money(line["current"]) >= money(line["reported"]) >= money(line["approved"]) >= 0
    for report in approved:
        paid_for = sum(
            (money(p["amount"]) for p in payments if p["report_id"] == report["id"]), D(0)
        )
        assert paid_for <= money(report["total"])


async def run(
    client: AsyncClient, p: dict[str, Any], n: int, plan: list[tuple[Any, ...]], seen: Counter[str]
) -> None:
    grant = await create_grant(client, p, reference=f"KP P/{n}")
    url = f"{GRANTS}/{grant['id']}"
    for i, step in enumerate(plan):
        lines = (await client.get(url)).json()["budget"]
        ids = [x["id"] for x in lines]
        reports = (await client.get(f"{url}/reports")).json()
        ref = f"KP P/{n}/{i}"
        match step:
            case ("postpone", days):
                r = await client.post(
                    f"{url}/amendments",
                    json={
                        "kind": "postponement",
                        "reference": ref,
                        "decided_on": "2020-01-01",
                        "days": days,
                    },
                )
            case ("extend", days, amount):
                end = (await client.get(url)).json()["current"]["ends"]
                new_end = str(date.fromisoformat(end) + timedelta(days=days))
                r = await client.post(
                    f"{url}/amendments",
                    json={
                        "kind": "extension",
                        "reference": ref,
                        "decided_on": "2020-01-01",
                        "new_end": new_end,
                        "additions": [{"category": "materials", "year": 2, "amount": sek(amount)}],
                    },
                )
            case ("reallocate", a, b, amount):
                r = await client.post(
                    f"{url}/amendments",
                    json={
                        "kind": "reallocation",
                        "reference": ref,
                        "decided_on": "2020-01-01",
                        "moves": [
                            {
                                "from_line_id": ids[a % len(ids)],
                                "to_line_id": ids[b % len(ids)],
                                "amount": sek(amount),
                            }
                        ],
                    },
                )
            case ("reduce", a, amount):
                r = await client.post(
                    f"{url}/amendments",
                    json={
                        "kind": "reduction",
                        "reference": ref,
                        "decided_on": "2020-01-01",
                        "reductions": [{"line_id": ids[a % len(ids)], "amount": sek(amount)}],
                    },
                )
            case ("close", days):
                r = await client.post(
                    f"{url}/amendments",
                    json={
                        "kind": "close_out",
                        "reference": ref,
                        "decided_on": "2020-01-01",
                        "closes_on": str(date(2019, 9, 1) + timedelta(days=days)),
                    },
                )
            case ("report", which, a, amount):
                # Mostly a report that is due (kind and year right), sometimes one that is not.
                due = (await client.get(url)).json()["reports_due"]
                kind, year = (
                    (due[which % len(due)]["kind"], due[which % len(due)]["year"])
                    if which < 3
                    else ("interim", which)
                )
                of_year = [x for x in lines if x["year"] == year] or lines
                r = await client.post(
                    f"{url}/reports",
                    json={
                        "kind": kind,
                        "year": year,
                        "narrative": "n",
                        "costs": [
                            {
                                "budget_line_id": of_year[a % len(of_year)]["id"],
                                "amount": {"amount": str(amount), "currency": "SEK"},
                            }
                        ],
                    },
                )
            case ("decide", approve):
                submitted = [x for x in reports if x["status"] == "submitted"]
                if not submitted:
                    continue
                action = "approve" if approve else "return"
                r = await client.post(f"{url}/reports/{submitted[0]['id']}/{action}")
            case ("pay", amount):
                approved = [x for x in reports if x["status"] == "approved"]
                if not approved:
                    continue
                r = await client.post(
                    f"{url}/payments",
                    json={
                        "report_id": approved[-1]["id"],
                        "amount": sek(str(amount)),
                        "paid_on": "2020-12-01",
                        "reference": ref,
                    },
                )
            case _:
                raise AssertionError(step)
        assert r.status_code in (200, 201, 422), (step, r.status_code, r.text)
        seen[f"{step[0]} {'refused' if r.status_code == 422 else 'done'}"] += 1
        await check(client, grant["id"])


async def test_balances_reconcile_over_random_sequences(client: AsyncClient) -> None:
    loop = asyncio.get_running_loop()
    p = await partnership(client)
    counter = iter(range(10_000))
    seen: Counter[str] = Counter()

    def on_loop(coroutine: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()  # type: ignore[arg-type]

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(plan=steps)
    def scenario(plan: list[tuple[Any, ...]]) -> None:
        on_loop(run(client, p, next(counter), plan, seen))

    # Hypothesis drives the examples from a thread; each one runs on the test's event loop.
    await asyncio.to_thread(scenario)
    # The sequences reached every kind of step, accepted and refused: the checks saw real data.
    kinds = ("postpone", "extend", "reallocate", "reduce", "close", "report", "decide", "pay")
    assert all(seen[f"{k} done"] for k in kinds), seen
    assert sum(n for k, n in seen.items() if k.endswith("refused")) > 0, seen
