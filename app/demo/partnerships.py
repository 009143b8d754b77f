"""The seed documents' partnerships, made through the services so that every rule applies.

Dates are the seeds' where they give them; where they do not, the assumption is noted. The
two partnerships whose course the seeds make public knowledge (Karlstad - Makueni from the
municipality's press release, Alingsås - Chililabombwe from a municipal memo and a press
release) are published, so that the public views and the IATI file of `make run` show them.
The drafts are not: the seeds only name them, and their dates are assumptions (Lessebo's
partner is a placeholder too).
"""

from datetime import date, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.core.i18n import Language
from app.core.principal import Principal, system_principal
from app.models.enums import (
    MeetingKind,
    MeetingStatus,
    MemberGroup,
    MemberRole,
    PhaseKind,
    Principle,
)
from app.models.networks import Network
from app.models.organisations import Organisation
from app.models.partnerships import Partnership
from app.models.people import Person
from app.schemas.partnerships.meetings import MeetingCreate
from app.schemas.partnerships.members import MemberCreate
from app.schemas.partnerships.partnerships import PartnershipCreate
from app.schemas.partnerships.phases import (
    CompletePhase,
    ExtendPhase,
    PhaseCreate,
    PostponePhase,
    StartPhase,
    TerminatePhase,
)
from app.schemas.texts import TitleAndDescription
from app.services import public
from app.services.partnerships import meetings, members, partnerships, phases


async def load_demo_partnerships(session: AsyncSession, orgs: dict[str, Organisation]) -> int:
    principal = session.info.setdefault("principal", system_principal("demo-data"))
    added = 0
    for make in (
        _karlstad_makueni,
        _alingsas_chililabombwe,
        _gotland_kibaha,
        _jonkoping_stellenbosch,
        _lessebo_guatemala,
    ):
        added += await make(session, principal, orgs)
    return added


async def _publish(session: AsyncSession, principal: Principal, partnership: Partnership) -> None:
    await public.set_published(session, principal, partnership.id, True)


async def _exists(session: AsyncSession, title: str) -> bool:
    return (
        await session.scalar(select(Partnership.id).where(Partnership.title == title)) is not None
    )


async def _people(session: AsyncSession, organisation: Organisation) -> list[Person]:
    return list(
        await session.scalars(
            select(Person)
            .where(Person.organisation_id == organisation.id)
            .order_by(Person.family_name)
        )
    )


async def _team(
    session: AsyncSession,
    principal: Principal,
    partnership: Partnership,
    people: list[Person],
    start: date,
    *,
    inception: bool = False,
) -> None:
    """Everyone in the inception team; or politicians in the steering group and officials in
    the project group."""
    for person in people:
        if inception:
            team = MemberGroup.inception_team
        elif person.kind == "politician":
            team = MemberGroup.steering_group
        else:
            team = MemberGroup.project_group
        await members.create_member(
            session,
            principal,
            partnership.id,
            MemberCreate(person_id=person.id, team=team, role=MemberRole.member, start_date=start),
        )


async def _visit(
    session: AsyncSession,
    principal: Principal,
    partnership: Partnership,
    host: Organisation,
    place: str,
    day: date,
    status: MeetingStatus = MeetingStatus.planned,
) -> None:
    await meetings.create_meeting(
        session,
        principal,
        partnership.id,
        MeetingCreate(
            kind=MeetingKind.visit,
            host_organisation_id=host.id,
            place=place,
            start_date=day,
            end_date=day + timedelta(days=4),
            status=status,
        ),
    )


async def _karlstad_makueni(
    session: AsyncSession, principal: Principal, orgs: dict[str, Organisation]
) -> int:
    """Seed 000: a one-year inception from 2020-02-01 (end 2021-01-31 assumed), one visit each
    way; the outcome is unknown, so the inception stays active."""
    title = "Karlstad - Makueni: breaking gender-typical choices of study and work"
    if await _exists(session, title):
        return 0
    partnership = await partnerships.create_partnership(
        session,
        PartnershipCreate(
            title=title,
            description="Karlstad's administration of upper secondary and adult education and "
            "Makueni County learn from each other to break gender-typical choices of study and "
            "work.",
            translations={
                "sv": TitleAndDescription(
                    title="Karlstad - Makueni: att bryta könsstereotypa val av studier och arbete",
                    description="Gymnasie- och vuxenutbildningsförvaltningen i Karlstad och "
                    "Makueni County lär av varandra för att bryta normtypiska val av studier "
                    "och arbete.",
                )
            },
            local_challenge="Gender-typical choices narrow the labour market",
            themes=["education", "gender equality", "labour market"],
            principles=[Principle.equality_non_discrimination, Principle.participation],
            swedish_party_id=orgs["karlstad"].id,
            partner_ids=[orgs["makueni"].id],
            applied_on=date(2019, 10, 15),  # assumption: an autumn 2019 application
        ),
    )
    people = await _people(session, orgs["karlstad"]) + await _people(session, orgs["makueni"])
    await _team(session, principal, partnership, people, date(2020, 2, 1), inception=True)
    inception = await phases.create_phase(
        session,
        principal,
        partnership.id,
        PhaseCreate(
            kind=PhaseKind.inception, planned_start=date(2020, 2, 1), planned_end=date(2021, 1, 31)
        ),
    )
    # Seed 000: the first activity in Karlstad in the spring, the second in Kenya in the autumn.
    await _visit(session, principal, partnership, orgs["karlstad"], "Karlstad", date(2020, 4, 20))
    await _visit(
        session, principal, partnership, orgs["makueni"], "Wote, Makueni", date(2020, 10, 12)
    )
    await phases.start_phase(
        session,
        principal,
        partnership.id,
        inception.id,
        StartPhase(
            actual_start=date(2020, 2, 1),
            decision_reference="ICLD demo 2019/1",
            reason="Inception approved (seed 000)",
        ),
    )
    await _publish(session, principal, partnership)  # seed 000 is Karlstad's press release
    return 1


async def _alingsas_chililabombwe(
    session: AsyncSession, principal: Principal, orgs: dict[str, Organisation]
) -> int:
    """Seed 004: a project since the 2015 grant (announced 2015-12-21), extended twice by new
    decisions, postponed two years in the pandemic, planned to end 2023-11-30, ended from
    2023-04-01. The extension and pause dates are assumptions that add up to those facts."""
    title = "Alingsås - Chililabombwe: citizen dialogue and local democracy"
    if await _exists(session, title):
        return 0
    partnership = await partnerships.create_partnership(
        session,
        PartnershipCreate(
            title=title,
            description="Medborgardialog, samhällsinformation för nyanlända och studiecirklar.",
            themes=["citizen dialogue", "newcomers"],
            principles=[Principle.participation, Principle.transparency],
            swedish_party_id=orgs["alingsas"].id,
            partner_ids=[orgs["chililabombwe"].id],
            applied_on=date(2015, 9, 30),
        ),
    )
    people = await _people(session, orgs["alingsas"]) + await _people(
        session, orgs["chililabombwe"]
    )
    await _team(session, principal, partnership, people, date(2014, 9, 1))
    pid, ref = partnership.id, "ICLD demo"
    alingsas, chililabombwe = orgs["alingsas"], orgs["chililabombwe"]
    # Since 2014 (seed 004): an inception from 2014-09-01 (assumed) with one visit each way.
    inception = await phases.create_phase(
        session,
        principal,
        pid,
        PhaseCreate(
            kind=PhaseKind.inception, planned_start=date(2014, 9, 1), planned_end=date(2015, 8, 31)
        ),
    )
    for host, day in ((chililabombwe, date(2014, 10, 6)), (alingsas, date(2015, 4, 13))):
        await _visit(session, principal, partnership, host, host.name, day, MeetingStatus.held)
    await phases.start_phase(
        session,
        principal,
        pid,
        inception.id,
        StartPhase(
            actual_start=date(2014, 9, 1),
            decision_reference=f"{ref} 2014/30",
            reason="Inception approved",
        ),
    )
    await phases.complete_phase(
        session,
        principal,
        pid,
        inception.id,
        CompletePhase(
            actual_end=date(2015, 8, 31),
            decision_reference=f"{ref} 2015/12",
            reason="Inception report approved; project applied for",
        ),
    )
    project = await phases.create_phase(
        session,
        principal,
        partnership.id,
        PhaseCreate(
            kind=PhaseKind.project, planned_start=date(2016, 1, 1), planned_end=date(2017, 12, 31)
        ),
    )
    # Seed 004: three visits held in each town (the inception's included), digital meetings in
    # between, and one visit left in each town when the project ended.
    for host, day in (
        (alingsas, date(2016, 5, 9)),
        (chililabombwe, date(2016, 10, 10)),
        (alingsas, date(2019, 5, 6)),
        (chililabombwe, date(2019, 10, 7)),
    ):
        await _visit(session, principal, partnership, host, host.name, day, MeetingStatus.held)
    for day in (date(2017, 3, 14), date(2017, 9, 19)):
        await meetings.create_meeting(
            session,
            principal,
            pid,
            MeetingCreate(
                kind=MeetingKind.digital_meeting,
                host_organisation_id=alingsas.id,
                place="Digital",
                start_date=day,
                end_date=day,
                status=MeetingStatus.held,
            ),
        )
    for host, day in ((alingsas, date(2023, 5, 8)), (chililabombwe, date(2023, 9, 11))):
        await _visit(session, principal, partnership, host, host.name, day)
    await phases.start_phase(
        session,
        principal,
        pid,
        project.id,
        StartPhase(
            actual_start=date(2016, 1, 1),
            decision_reference=f"{ref} 2015/21",
            reason="Project grant (citizen dialogue)",
        ),
    )
    for end, number in ((date(2019, 11, 30), "2017/40"), (date(2021, 11, 30), "2019/38")):
        await phases.extend_phase(
            session,
            principal,
            pid,
            project.id,
            ExtendPhase(
                new_planned_end=end,
                decision_reference=f"{ref} {number}",
                reason="New grant decision (extension)",
            ),
        )
    await phases.postpone_phase(
        session,
        principal,
        pid,
        project.id,
        PostponePhase(
            paused_from=date(2020, 3, 1),
            paused_until=date(2022, 2, 28),
            decision_reference=f"{ref} 2020/9",
            reason="Postponed two years during the pandemic",
        ),
    )
    await phases.terminate_phase(
        session,
        principal,
        pid,
        project.id,
        TerminatePhase(
            effective_date=date(2023, 4, 1),
            decision_reference="Alingsås memo 2023-02-02",
            reason="Both parties agree the goals are met; ICLD informed, no objection",
        ),
    )
    await _publish(session, principal, partnership)  # seed 004 is a municipal memo (public)
    return 1


async def _draft(
    session: AsyncSession,
    title: str,
    swedish: UUID,
    partner: UUID,
    description: str,
    network_id: UUID | None = None,
    translations: dict[Language, TitleAndDescription] | None = None,
) -> int:
    if await _exists(session, title):
        return 0
    await partnerships.create_partnership(
        session,
        PartnershipCreate(
            title=title,
            description=description,
            translations=translations or {},
            themes=["gender equality"],
            principles=[Principle.equality_non_discrimination],
            swedish_party_id=swedish,
            partner_ids=[partner],
            applied_on=date(2024, 3, 15),  # assumption
            network_id=network_id,
        ),
    )
    return 1


async def _gotland_kibaha(
    session: AsyncSession, principal: Principal, orgs: dict[str, Organisation]
) -> int:
    """Seed 002: an example partnership on gender equality (dates not given: a draft)."""
    region = await session.scalar(
        select(Organisation).where(
            Organisation.country_code == "SE",
            Organisation.type == "region",
            Organisation.official_code == "09",
        )
    )
    assert region is not None
    return await _draft(
        session,
        "Region Gotland - Kibaha: gender equality",
        region.id,
        orgs["kibaha"].id,
        "Jämställdhet i lokal demokrati (seed 002).",
    )


async def _jonkoping_stellenbosch(
    session: AsyncSession, principal: Principal, orgs: dict[str, Organisation]
) -> int:
    """Seed 002: an example partnership on gender equality (dates not given: a draft)."""
    return await _draft(
        session,
        "Jönköping - Stellenbosch: gender equality",
        orgs["jonkoping"].id,
        orgs["stellenbosch"].id,
        "Jämställdhet i lokal demokrati (seed 002).",
    )


async def _lessebo_guatemala(
    session: AsyncSession, principal: Principal, orgs: dict[str, Organisation]
) -> int:
    """Seed 001: after the workshops Lessebo may apply for a partnership with a Guatemalan
    municipality; a draft that grew out of the gender-equality network (the partner is a
    placeholder, the seed does not name it)."""
    network_id = await session.scalar(
        select(Network.id).where(Network.title == "Network for gender equality")
    )
    return await _draft(
        session,
        "Lessebo - Municipalidad Ejemplo A: gender equality",
        orgs["lessebo"].id,
        orgs["guatemala_a"].id,
        "Grew out of the gender-equality network's 2024 workshops (seed 001).",
        network_id,
        # Issue 17: the Guatemalan partner reads Spanish.
        {
            "es": TitleAndDescription(
                title="Lessebo - Municipalidad Ejemplo A: igualdad de género",
                description="Surgió de los talleres de 2024 de la red para la igualdad de "
                "género (seed 001).",
            )
        },
    )
