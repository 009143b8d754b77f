"""Property-based: over random sequences of amendments, reports, decisions and payments made
through the API, a grant's figures always reconcile (hypothesis). Amounts are drawn around
the limits (what is left on a line, of a report, above what is reported), so the rules that
guard the balance are met on both sides. Each example works on a grant of its own; a refused
step (422) leaves everything as it was, an amendment makes a new version, and nothing answers
500."""

import asyncio
from collections import Counter
from collections.abc import Awaitable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from httpx import AsyncClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.clock import today
from tests.funding.helpers import GRANTS, create_grant, partnership, sek

T = TypeVar("T")
D = Decimal
ZERO = D(0)

pick = st.integers(min_value=0, max_value=5)
# For amendments: mostly the line with the most reported on it (lines are sorted so).
first = st.sampled_from([0, 0, 0, 1, 2, 3])
# Around a limit: a little under, exactly, a little over (in öre), or a share of it.
near = st.one_of(
    st.integers(min_value=-300, max_value=300).map(lambda o: ("delta", D(o) / 100)),
    st.sampled_from([D("0.5"), D("0.25")]).map(lambda f: ("share", f)),
)
kronor = st.integers(min_value=1, max_value=200_000)
# A report, then what ICLD does with it: approve (most often), return, or leave it submitted.
report = st.tuples(
    st.just("report"),
    st.integers(min_value=0, max_value=3),
    pick,
    near,
    st.sampled_from(["approve", "approve", "return", "leave"]),
)
decide = st.tuples(st.just("decide"), st.booleans())
pay = st.tuples(st.just("pay"), near)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("postpone"), st.integers(min_value=1, max_value=400)),
        st.tuples(st.just("extend"), st.integers(min_value=1, max_value=300), kronor),
        st.tuples(st.just("reallocate"), first, pick, near),
        st.tuples(st.just("reduce"), first, near),
        # Mostly after the end (refused): a closed grant takes no further amendments.
        st.tuples(st.just("close"), st.integers(min_value=600, max_value=20000)),
        # Reports, decisions and payments come more often than amendments.
        report,
        report,
        decide,
        decide,
        pay,
        pay,
    ),
    min_size=1,
    max_size=16,
)


def money(value: dict[str, str]) -> Decimal:
    return Decimal(value["amount"])


def around(limit: Decimal, how: tuple[str, Decimal], whole: bool = False) -> Decimal:
    """An amount near `limit`: never below an öre (or a krona, for budgets)."""
    kind, value = how
    amount = limit + value if kind == "delta" else (limit * value).quantize(D("0.01"))
    if whole:
        amount = amount.to_integral_value()
    return max(amount, D(1) if whole else D("0.01"))


async def state(client: AsyncClient, url: str) -> dict[str, Any]:
    grant = await client.get(url)
    return {
        "etag": grant.headers["etag"],
        "grant": grant.json(),
        "balance": (await client.get(f"{url}/balance")).json(),
        "reports": (await client.get(f"{url}/reports")).json(),
        "payments": (await client.get(f"{url}/payments")).json(),
        "amendments": (await client.get(f"{url}/amendments")).json(),
    }


def check(now: dict[str, Any]) -> None:
    grant, balance, reports = now["grant"], now["balance"], now["reports"]
    payments, amendments = now["payments"], now["amendments"]
    current = money(grant["current"]["amount"])
    original = money(grant["original"]["amount"])
    paid = money(balance["paid"])
    assert original == D(800000) and money(balance["decided_original"]) == original
    assert money(balance["decided_current"]) == current
    assert sum(money(x["current"]) for x in grant["budget"]) == current
    assert sum(money(x["original"]) for x in grant["budget"]) == original
    assert sum(money(a["amount_change"]) for a in amendments) == current - original
    assert money(balance["remaining"]) == current - paid
    assert paid == sum((money(p["amount"]) for p in payments), ZERO)
    not_returned = [r for r in reports if r["status"] != "returned"]
    approved = [r for r in reports if r["status"] == "approved"]
    assert money(balance["reported"]) == sum((money(r["total"]) for r in not_returned), ZERO)
    assert money(balance["approved"]) == sum((money(r["total"]) for r in approved), ZERO)
    assert money(balance["reported"]) >= money(balance["approved"]) >= paid >= 0
    assert paid <= current
    for line in balance["lines"]:
        assert money(line["current"]) >= money(line["reported"]) >= money(line["approved"]) >= 0
    for report in approved:
        paid_for = sum(
            (money(p["amount"]) for p in payments if p["report_id"] == report["id"]), ZERO
        )
        assert paid_for <= money(report["total"])
    # One report per kind and year that is not returned, for a year the grant has (an interim
    # report may stand for the year a close-out made the last).
    years = max(d["year"] for d in grant["reports_due"])
    filed = [(r["kind"], r["year"]) for r in not_returned]
    assert len(filed) == len(set(filed)) and all(year <= years for _, year in filed)


async def step(
    client: AsyncClient, url: str, ref: str, plan: tuple[Any, ...], now: dict[str, Any]
) -> Any:
    """Take one step; None when it has nothing to act on."""
    # Lines with costs reported on them first: amendments then meet what is reported.
    lines = sorted(now["balance"]["lines"], key=lambda x: -money(x["reported"]))
    ids = [x["budget_line_id"] for x in lines]
    amend = f"{url}/amendments"
    base = {"reference": ref, "decided_on": "2020-01-01"}
    match plan:
        case ("postpone", days):
            return await client.post(amend, json={**base, "kind": "postponement", "days": days})
        case ("extend", days, amount):
            new_end = date.fromisoformat(now["grant"]["current"]["ends"]) + timedelta(days=days)
            addition = {"category": "materials", "year": 2, "amount": sek(amount)}
            body = {"kind": "extension", "new_end": str(new_end), "additions": [addition]}
            return await client.post(amend, json={**base, **body})
        case ("reallocate", a, b, how):
            source = lines[a % len(lines)]
            free = money(source["current"]) - money(source["reported"])
            move = {
                "from_line_id": source["budget_line_id"],
                "to_line_id": ids[b % len(ids)],
                "amount": sek(around(free, how, whole=True)),
            }
            return await client.post(amend, json={**base, "kind": "reallocation", "moves": [move]})
        case ("reduce", a, how):
            line = lines[a % len(lines)]
            free = money(line["current"]) - money(line["reported"])
            cut = {"line_id": line["budget_line_id"], "amount": sek(around(free, how, whole=True))}
            return await client.post(amend, json={**base, "kind": "reduction", "reductions": [cut]})
        case ("close", days):
            closes = date(2019, 9, 1) + timedelta(days=days)
            return await client.post(
                amend, json={**base, "kind": "close_out", "closes_on": str(closes)}
            )
        case ("report", which, a, how, _):
            # Mostly a report that is due (kind and year right), sometimes one that is not.
            due = now["grant"]["reports_due"]
            due = [d for d in due if d["report_id"] is None] or due  # mostly one not yet filed
            entry = due[which % len(due)]
            kind, year = (entry["kind"], entry["year"]) if which < 3 else ("interim", 3)
            of_year = [x for x in lines if x["year"] == year] or lines
            line = of_year[a % len(of_year)]
            free = money(line["current"]) - money(line["reported"])
            cost = {"budget_line_id": line["budget_line_id"], "amount": sek(around(free, how))}
            return await client.post(
                f"{url}/reports",
                json={"kind": kind, "year": year, "narrative": "n", "costs": [cost]},
            )
        case ("decide", approve):
            submitted = [x for x in now["reports"] if x["status"] == "submitted"]
            if not submitted:
                return None
            action = "approve" if approve else "return"
            return await client.post(f"{url}/reports/{submitted[0]['id']}/{action}")
        case ("pay", how):
            approved = [x for x in now["reports"] if x["status"] == "approved"]
            if not approved:
                return None
            report = approved[-1]
            paid = sum(
                (money(p["amount"]) for p in now["payments"] if p["report_id"] == report["id"]),
                ZERO,
            )
            payment: dict[str, Any] = {
                "report_id": report["id"],
                "amount": sek(around(money(report["total"]) - paid, how)),
                "paid_on": str(today()),
                "reference": ref,
            }
            return await client.post(f"{url}/payments", json=payment)
    raise AssertionError(plan)


async def run(
    client: AsyncClient, p: dict[str, Any], n: int, plan: list[tuple[Any, ...]], seen: Counter[str]
) -> None:
    grant = await create_grant(client, p, reference=f"KP P/{n}")
    url = f"{GRANTS}/{grant['id']}"
    # Every sequence starts from an approved interim report on year 1's travel line, so that
    # amendments and payments meet reported and approved costs from the first step.
    travel = next(x["id"] for x in grant["budget"] if (x["category"], x["year"]) == ("travel", 1))
    cost = {"budget_line_id": travel, "amount": sek("250000.50")}
    filed = await client.post(
        f"{url}/reports", json={"kind": "interim", "year": 1, "narrative": "n", "costs": [cost]}
    )
    assert filed.status_code == 201, filed.text
    approved = await client.post(f"{filed.headers['location']}/approve")
    assert approved.status_code == 200, approved.text
    now = await state(client, url)
    check(now)
    for i, planned in enumerate(plan):
        response = await step(client, url, f"KP P/{n}/{i}", planned, now)
        if response is None:
            continue
        assert response.status_code in (200, 201, 422), (
            planned,
            response.status_code,
            response.text,
        )
        after = await state(client, url)
        if response.status_code == 422:
            seen[response.json()["code"]] += 1
            assert after == now, planned  # refused: nothing half-applied
        else:
            seen[f"{planned[0]} done"] += 1
            if "amendments" in str(response.url):
                assert after["etag"] != now["etag"], planned  # a new version of the grant
        check(after)
        now = after
        if planned[0] == "report" and response.status_code == 201 and planned[-1] != "leave":
            decided = await client.post(f"{response.headers['location']}/{planned[-1]}")
            assert decided.status_code == 200, decided.text
            seen["decide done"] += 1
            now = await state(client, url)
            check(now)


async def test_balances_reconcile_over_random_sequences(client: AsyncClient) -> None:
    loop = asyncio.get_running_loop()
    p = await partnership(client)
    counter = iter(range(10_000))
    seen: Counter[str] = Counter()

    def on_loop(coroutine: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()  # type: ignore[arg-type]

    @settings(
        max_examples=50,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    # Generated sequences alone do not reach every rule every time: Hypothesis draws integers
    # from a pool of constants found in the project's loaded modules, so which sequences a
    # derandomized run generates depends on what else the process has imported (alone or in a
    # full suite). These explicit sequences meet each guarding rule from the wrong side by an
    # öre (or a krona), and take every kind of step, in every run.
    @example(plan=[("report", 0, 0, ("delta", D("0.01")), "approve")])  # cost-beyond-budget-line
    @example(plan=[("pay", ("delta", D("0.01")))])  # payment-beyond-approved
    @example(plan=[("reduce", 0, ("delta", D(1)))])  # below-reported
    @example(plan=[("extend", 30, 200_000)])  # budget-ceiling
    @example(plan=[("close", 600)])  # a close-out within the period
    @example(  # every other kind of step, each taken
        plan=[
            ("postpone", 30),
            ("extend", 30, 1000),
            ("reallocate", 1, 2, ("share", D("0.25"))),
            ("reduce", 1, ("share", D("0.25"))),
            ("report", 0, 1, ("share", D("0.5")), "leave"),
            ("decide", True),
            ("pay", ("share", D("0.5"))),
        ]
    )
    @given(plan=steps)
    def scenario(plan: list[tuple[Any, ...]]) -> None:
        on_loop(run(client, p, next(counter), plan, seen))

    # Hypothesis drives the examples from a thread; each one runs on the test's event loop.
    await asyncio.to_thread(scenario)
    # The sequences (the explicit ones in every run, the generated ones as they fall) took every
    # kind of step, and met each guarding rule from the wrong side: the checks above saw the
    # limits, not only easy cases.
    kinds = ("postpone", "extend", "reallocate", "reduce", "close", "report", "decide", "pay")
    assert all(seen[f"{k} done"] for k in kinds), seen
    for code in (
        "rule.payment-beyond-approved",
        "rule.cost-beyond-budget-line",
        "rule.below-reported",
        "rule.budget-ceiling",
    ):
        assert seen[code], f"{code}: {sorted(seen.items())}"
