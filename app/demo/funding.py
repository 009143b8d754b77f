"""Demo funding data: application rounds as ICLD announces them ([FAQ]: 15 February - 15 March
and 15 September - 15 October), and applications of the seed partnerships. Amounts are invented,
inside the ceilings."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.core.principal import Principal, system_principal
from app.models.enums import AmendmentKind, ReportStatus
from app.models.funding import Application, ApplicationRound, Grant, GrantBudgetLine
from app.models.partnerships import Partnership
from app.schemas.funding.applications import ApplicationCreate
from app.schemas.funding.grants import (
    CloseOut,
    GrantCreate,
    PaymentCreate,
    Postponement,
    ReportCreate,
)
from app.schemas.funding.rounds import RoundCreate
from app.services.funding import applications, grants, payments, reports, rounds


async def load_demo_funding(session: AsyncSession) -> dict[str, int]:
    principal = session.info.setdefault("principal", system_principal("demo-data"))
    added = {"rounds": 0, "applications": 0, "grants": 0}
    for year in (2024, 2025, 2026, 2027):
        for season, opens, closes in (
            ("Spring", date(year, 2, 15), date(year, 3, 15)),
            ("Autumn", date(year, 9, 15), date(year, 10, 15)),
        ):
            title = f"{season} {year}"
            if await session.scalar(
                select(ApplicationRound.id).where(ApplicationRound.title == title)
            ):
                continue
            await rounds.create_round(session, RoundCreate(title=title, opens=opens, closes=closes))
            added["rounds"] += 1
    # Seed 001: after the workshops Lessebo may apply; its preparation application is a draft.
    lessebo = await session.scalar(
        select(Partnership).where(
            Partnership.title == "Lessebo - Municipalidad Ejemplo A: gender equality"
        )
    )
    if lessebo and not await session.scalar(
        select(Application.id).where(Application.partnership_id == lessebo.id)
    ):
        await applications.create_application(
            session,
            principal,
            ApplicationCreate.model_validate(
                {
                    "partnership_id": lessebo.id,
                    "kind": "inception",
                    "planned_start": "2027-03-01",
                    "planned_end": "2028-02-29",
                    "description": "Preparation of a partnership on gender equality in local "
                    "decision-making, after the network's 2024 workshops.",
                    "budget": [
                        {"category": "travel", "year": 1, "amount": {"amount": "140000"}},
                        {"category": "accommodation", "year": 1, "amount": {"amount": "55000"}},
                        {"category": "interpretation", "year": 1, "amount": {"amount": "30000"}},
                        {"category": "visas", "year": 1, "amount": {"amount": "8000"}},
                    ],
                }
            ),
        )
        added["applications"] += 1
    added["grants"] = await _grants(session, principal)
    return added


# (category, year, amount) of a budget; reported costs are (category, year, SEK or
# (amount, currency, rate)).
Lines = list[tuple[str, int, int]]


async def _grants(session: AsyncSession, principal: Principal) -> int:
    """Seed 004: Alingsås - Chililabombwe since 2014: an inception grant, a project grant from
    2016, extended twice by new decisions (2017, 2019), the last postponed two years in the
    pandemic (to 2023-11-30) and closed out early on 2023-03-31. Seed 000: Karlstad - Makueni's
    inception grant, whose final report is overdue. Amounts and references are invented."""
    by_title = {p.title.split(":")[0]: p for p in await session.scalars(select(Partnership))}
    alingsas = by_title.get("Alingsås - Chililabombwe")
    karlstad = by_title.get("Karlstad - Makueni")
    if alingsas is None or karlstad is None:
        return 0
    if await session.scalar(select(Grant.id).where(Grant.partnership_id == alingsas.id)):
        return 0
    inception = await _grant(
        session,
        principal,
        alingsas,
        "inception",
        "KP 2014/30",
        "2014-06-16",
        "2014-09-01",
        "2015-08-31",
        [("travel", 1, 160000), ("accommodation", 1, 60000), ("interpretation", 1, 30000)],
    )
    await _account(
        session,
        principal,
        inception,
        "final",
        1,
        "2015-12-15",
        [
            ("travel", 1, "158240.00"),
            ("accommodation", 1, "55112.40"),
            ("interpretation", 1, ("2800.00", "ZMW", "10.5000")),
        ],
    )
    project = await _grant(
        session,
        principal,
        alingsas,
        "project",
        "KP 2015/21",
        "2015-12-21",
        "2016-01-01",
        "2017-12-31",
        [
            ("travel", 1, 300000),
            ("accommodation", 1, 100000),
            ("venue", 1, 40000),
            ("travel", 2, 300000),
            ("accommodation", 2, 100000),
            ("materials", 2, 60000),
        ],
    )
    await _account(
        session,
        principal,
        project,
        "interim",
        1,
        "2017-04-20",
        [("travel", 1, "291450.00"), ("accommodation", 1, "97300.00"), ("venue", 1, "38900.00")],
    )
    await _account(
        session,
        principal,
        project,
        "final",
        2,
        "2018-04-12",
        [
            ("travel", 2, "296800.00"),
            ("accommodation", 2, "99100.00"),
            ("materials", 2, "41250.00"),
        ],
    )
    first_extension = await _grant(
        session,
        principal,
        alingsas,
        "extension",
        "KP 2017/40",
        "2017-11-15",
        "2018-01-01",
        "2019-11-30",
        [
            ("travel", 1, 320000),
            ("accommodation", 1, 110000),
            ("venue", 1, 40000),
            ("travel", 2, 330000),
            ("accommodation", 2, 110000),
            ("materials", 2, 40000),
        ],
    )
    await _account(
        session,
        principal,
        first_extension,
        "interim",
        1,
        "2019-03-28",
        [("travel", 1, "318000.00"), ("accommodation", 1, "104500.00"), ("venue", 1, "36000.00")],
    )
    await _account(
        session,
        principal,
        first_extension,
        "final",
        2,
        "2020-02-27",
        [
            ("travel", 2, "322900.00"),
            ("accommodation", 2, "108750.00"),
            ("materials", 2, "39900.00"),
        ],
    )
    second_extension = await _grant(
        session,
        principal,
        alingsas,
        "extension",
        "KP 2019/38",
        "2019-11-14",
        "2019-12-01",
        "2021-11-30",
        [
            ("travel", 1, 330000),
            ("accommodation", 1, 120000),
            ("venue", 1, 40000),
            ("travel", 2, 330000),
            ("accommodation", 2, 120000),
            ("materials", 2, 40000),
        ],
    )
    await grants.amend(
        session,
        principal,
        second_extension.id,
        Postponement(
            kind=AmendmentKind.postponement,
            reference="KP 2020/9",
            decided_on=date(2020, 3, 20),
            days=730,  # two years: the planned end becomes 2023-11-30
        ),
    )
    await _account(
        session,
        principal,
        second_extension,
        "interim",
        1,
        "2021-02-25",
        [("travel", 1, "98400.00"), ("accommodation", 1, "31200.00")],
    )
    await grants.amend(
        session,
        principal,
        second_extension.id,
        CloseOut(
            kind=AmendmentKind.close_out,
            reference="KP 2023/4",
            decided_on=date(2023, 3, 1),
            closes_on=date(2023, 3, 31),
        ),
    )
    # The second year was paused: nothing to account for; the final report covers it.
    await _account(session, principal, second_extension, "final", 2, None, [], "2023-06-20")
    await _grant(
        session,
        principal,
        karlstad,
        "inception",
        "KP 2019/52",
        "2019-12-12",
        "2020-02-01",
        "2021-01-31",
        [("travel", 1, 180000), ("accommodation", 1, 70000), ("climate_compensation", 1, 5000)],
    )
    return 5


async def _grant(
    session: AsyncSession,
    principal: Principal,
    partnership: Partnership,
    kind: str,
    reference: str,
    decided_on: str,
    starts: str,
    ends: str,
    lines: Lines,
) -> Grant:
    budget = [
        {"category": c, "year": y, "amount": {"amount": str(a), "currency": "SEK"}}
        for c, y, a in lines
    ]
    return await grants.create_grant(
        session,
        principal,
        GrantCreate.model_validate(
            {
                "partnership_id": partnership.id,
                "kind": kind,
                "reference": reference,
                "decided_on": decided_on,
                "starts": starts,
                "ends": ends,
                "amount": {"amount": str(sum(a for _, _, a in lines)), "currency": "SEK"},
                "budget": budget,
            }
        ),
    )


async def _account(
    session: AsyncSession,
    principal: Principal,
    grant: Grant,
    kind: str,
    year: int,
    paid_on: str | None,
    costs: list[tuple[str, int, Any]],
    submitted_on: str | None = None,
) -> None:
    """A report on the year's costs, submitted a month before it is paid (or on
    `submitted_on`), approved two weeks after, and (when `paid_on`) reimbursed in full."""
    day = (
        date.fromisoformat(submitted_on)
        if submitted_on
        else date.fromisoformat(paid_on or "") - timedelta(days=30)
    )
    lines = {
        (line.category, line.year): line.id
        for line in await session.scalars(
            select(GrantBudgetLine).where(GrantBudgetLine.grant_id == grant.id)
        )
    }
    body = []
    for category, line_year, amount in costs:
        if isinstance(amount, tuple):
            original, currency, rate = amount
            money = {"amount": original, "currency": currency}
        else:
            money, rate = {"amount": amount, "currency": "SEK"}, None
        body.append({"budget_line_id": lines[(category, line_year)], "amount": money, "rate": rate})
    view = await reports.file_report(
        session,
        principal,
        grant.id,
        ReportCreate.model_validate(
            {
                "kind": kind,
                "year": year,
                "narrative": "Activities as planned.",
                "costs": body,
                "submitted_on": day,
            }
        ),
    )
    await reports.decide_report(
        session,
        principal,
        grant.id,
        view.report.id,
        ReportStatus.approved,
        None,
        day + timedelta(days=14),
    )
    if paid_on and view.total:
        await payments.pay(
            session,
            principal,
            grant.id,
            PaymentCreate.model_validate(
                {
                    "report_id": view.report.id,
                    "amount": {"amount": str(view.total), "currency": "SEK"},
                    "paid_on": paid_on,
                    "reference": f"UTB {grant.reference.removeprefix('KP ')}-{kind}-{year}",
                }
            ),
        )
