"""Demo funding data: application rounds as ICLD announces them ([FAQ]: 15 February - 15 March
and 15 September - 15 October), and applications of the seed partnerships. Amounts are invented,
inside the ceilings."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.api.auth import system_principal
from app.models.funding import Application, ApplicationRound
from app.models.partnerships import Partnership
from app.schemas.funding import ApplicationCreate, RoundCreate
from app.services import applications


async def load_demo_funding(session: AsyncSession) -> dict[str, int]:
    principal = session.info.setdefault("principal", system_principal("demo-data"))
    added = {"rounds": 0, "applications": 0}
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
            await applications.create_round(
                session, RoundCreate(title=title, opens=opens, closes=closes)
            )
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
    return added
