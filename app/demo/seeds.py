"""Demo data from the seed documents that docs/DOMAIN.md cites: the organisations they name, and
invented placeholder people in the roles the seeds describe. Never the real persons or their
contacts.

Loading is idempotent: rows are found by their natural keys and only missing ones are added.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.core.versions import Expected
from app.models.enums import OrganisationType as T
from app.models.enums import PersonKind, PoliticalSide
from app.models.organisations import Organisation
from app.models.people import Person
from app.models.programmes import TrainingProgramme


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    type: T
    country_code: str
    name: str
    name_en: str | None = None


# Partner-side bodies and other actors of the seeds. Swedish municipalities and regions are
# reference data already; they are referred to by SCB code below.
ORGANISATIONS = [
    DemoOrganisation("makueni", T.county, "KE", "Makueni County", "Makueni County"),  # seed 000
    DemoOrganisation(
        "chililabombwe", T.municipality, "ZM", "Chililabombwe Municipal Council"
    ),  # 004
    DemoOrganisation("kibaha", T.municipality, "TZ", "Kibaha Town Council"),  # seed 002
    DemoOrganisation("stellenbosch", T.municipality, "ZA", "Stellenbosch Municipality"),  # 002
    DemoOrganisation(  # seed 003: ITP 322 co-organiser
        "epri", T.research_institute, "ZA", "Economic Policy Research Institute", "EPRI"
    ),
    DemoOrganisation(
        "arbetsformedlingen",
        T.government_agency,
        "SE",
        "Arbetsförmedlingen",
        "Swedish Public Employment Service",
    ),  # seed 003
    DemoOrganisation(
        "skatteverket", T.government_agency, "SE", "Skatteverket", "Swedish Tax Agency"
    ),  # seed 003
    DemoOrganisation(
        "forsakringskassan",
        T.government_agency,
        "SE",
        "Försäkringskassan",
        "Swedish Social Insurance Agency",
    ),  # seed 003
    DemoOrganisation(
        "pensionsmyndigheten",
        T.government_agency,
        "SE",
        "Pensionsmyndigheten",
        "Swedish Pensions Agency",
    ),  # seed 003
    DemoOrganisation(
        "sida",
        T.government_agency,
        "SE",
        "Styrelsen för internationellt utvecklingssamarbete",
        "Sida",
    ),  # funder, DOMAIN.md §2
    DemoOrganisation(
        "icld", T.other, "SE", "Internationellt centrum för lokal demokrati", "ICLD"
    ),  # grantor, DOMAIN.md §2
    # Seeds 001 and 002: the network's Guatemalan and Colombian municipalities are not named;
    # these are placeholders in their place.
    DemoOrganisation("guatemala_a", T.municipality, "GT", "Municipalidad Ejemplo A"),
    DemoOrganisation("guatemala_b", T.municipality, "GT", "Municipalidad Ejemplo B"),
    DemoOrganisation("colombia_a", T.municipality, "CO", "Alcaldía Ejemplo"),
]

# Swedish municipalities of the seeds, by SCB code.
SWEDISH = {
    "karlstad": "1780",
    "lessebo": "0761",
    "boras": "1490",
    "are": "2321",
    "alingsas": "1489",
    "gotland": "0980",
    "jonkoping": "0680",
    "upplands_bro": "0139",
}


@dataclass(frozen=True)
class DemoPerson:
    organisation: str
    kind: PersonKind
    given_name: str
    family_name: str
    title: str
    party: str | None = None
    side: PoliticalSide | None = None
    mandate_ends: date | None = None


POL, OFF = PersonKind.politician, PersonKind.official
MAJ, OPP = PoliticalSide.majority, PoliticalSide.opposition

# Invented placeholders in the roles of the seeds (names and e-mail addresses are fictitious).
PEOPLE = [
    DemoPerson(
        "karlstad",
        POL,
        "Alva",
        "Exempelsson",
        "Ordförande, gymnasie- och vuxenutbildningsnämnden",
        "M",
        MAJ,
    ),  # seed 000
    DemoPerson(
        "karlstad",
        POL,
        "Bo",
        "Provsson",
        "Vice ordförande, gymnasie- och vuxenutbildningsnämnden",
        "S",
        OPP,
    ),  # seed 000
    DemoPerson("karlstad", OFF, "Cecilia", "Testberg", "Strateg"),  # seed 000
    DemoPerson("karlstad", OFF, "David", "Demosson", "Strateg"),  # seed 000
    DemoPerson("makueni", POL, "Esther", "Placeholder", "Deputy Governor", "Party A", MAJ),  # 000
    DemoPerson("makueni", POL, "Francis", "Sample", "Senator", "Party B", OPP),  # seed 000
    DemoPerson("lessebo", POL, "Greta", "Exempeldotter", "Kommunalråd", None, MAJ),  # seed 001
    DemoPerson("lessebo", OFF, "Hugo", "Provare", "Biträdande utbildningschef"),  # seed 001
    DemoPerson("lessebo", OFF, "Ines", "Testare", "Rektor"),  # seed 001
    DemoPerson(
        "alingsas", OFF, "Jonas", "Exemplar", "Projektledare, kultur- och utbildningsförvaltningen"
    ),  # seed 004
    DemoPerson("chililabombwe", OFF, "Kabwe", "Placeholder", "Partnership coordinator"),  # 004
    # Seed 004 names no politicians; a steering group needs both sides' majority and opposition.
    DemoPerson(
        "alingsas",
        POL,
        "Maja",
        "Exempelsdotter",
        "Ordförande, kultur- och utbildningsnämnden",
        "Party C",
        MAJ,
        date(2026, 10, 14),  # assumption: re-elected in 2018 and 2022 (docs/continuity.md)
    ),
    DemoPerson(
        "alingsas",
        POL,
        "Nils",
        "Provlund",
        "Ledamot, kultur- och utbildningsnämnden",
        "Party D",
        OPP,
        date(2018, 10, 14),  # assumption: not re-elected in 2018, and nobody recorded instead
    ),
    DemoPerson("chililabombwe", POL, "Mwila", "Placeholder", "Mayor", "Party E", MAJ),
    DemoPerson("chililabombwe", POL, "Chanda", "Sample", "Councillor", "Party F", OPP),
    DemoPerson("upplands_bro", OFF, "Lena", "Provström", "Rektor, CVA"),  # seed 003
    DemoPerson("guatemala_a", POL, "Ana", "Modelo", "Alcaldesa", "Partido G", MAJ),  # seed 001
    DemoPerson("guatemala_a", OFF, "Luis", "Muestra", "Director de planificación"),  # seed 001
    DemoPerson("guatemala_b", OFF, "María", "Prueba", "Directora de la mujer"),  # seed 001
    DemoPerson("colombia_a", OFF, "Camila", "Ejemplar", "Secretaria de la mujer"),  # seed 002
]


async def load_demo_data(session: AsyncSession) -> dict[str, int]:
    """Add what is missing; return how many rows of each kind were added."""
    orgs = await _organisations(session)
    added_people = 0
    for demo in PEOPLE:
        organisation = orgs[demo.organisation]
        existing = await session.scalar(
            select(Person.id).where(
                Person.organisation_id == organisation.id,
                Person.given_name == demo.given_name,
                Person.family_name == demo.family_name,
            )
        )
        if existing is None:
            session.add(
                Person(
                    organisation_id=organisation.id,
                    kind=demo.kind,
                    given_name=demo.given_name,
                    family_name=demo.family_name,
                    title=demo.title,
                    party=demo.party,
                    political_side=demo.side,
                    mandate_ends=demo.mandate_ends,
                    email=f"{demo.given_name}.{demo.family_name}@example.org".lower(),
                )
            )
            added_people += 1
    await session.flush()
    from app.demo.elections import load_demo_elections
    from app.demo.funding import load_demo_funding
    from app.demo.partner_interests import load_demo_partner_interests
    from app.demo.partnerships import load_demo_partnerships

    added_networks = await _gender_network(session, orgs)  # a partnership grows out of it
    return {
        "organisations": orgs.added,
        "people": added_people,
        "partnerships": await load_demo_partnerships(session, orgs),
        "programmes": await _itp_322(session, orgs),
        "networks": added_networks,
        **await load_demo_funding(session),
        "partner_interests": await load_demo_partner_interests(session, orgs),
        "elections": await load_demo_elections(session),
    }


async def _gender_network(session: AsyncSession, orgs: dict[str, Organisation]) -> int:
    """Seeds 001, 002: ICLD's network for gender equality with municipalities in Sweden, Colombia
    and Guatemala, 2024-2026 ([GEN-SV]; the English page says 2023, DOMAIN.md notes the
    conflict); Lessebo, Borås and Åre take part, with placeholder municipalities of Guatemala
    and Colombia (the seeds do not name them)."""
    from app.models.networks import Network
    from app.schemas.networks.networks import NetworkCreate, NetworkMemberCreate
    from app.services.networks import networks

    title = "Network for gender equality"
    if await session.scalar(select(Network.id).where(Network.title == title)):
        return 0
    network = await networks.create_network(
        session,
        NetworkCreate.model_validate(
            {
                "title": title,
                "theme": "gender equality",
                "country_codes": ["SE", "CO", "GT"],
                "starts": "2024-01-01",
                "ends": "2026-12-31",
                "coordinator_id": orgs["icld"].id,
                "status": "active",
                "description": "Workshops in Guatemala (June 2024) and Sweden (September "
                "2024); partnership applications possible 2025-2026.",
                # Issue 17: the network's members read Swedish and Spanish.
                "translations": {
                    "sv": {
                        "title": "Nätverk för jämställdhet",
                        "description": "Workshoppar i Guatemala (juni 2024) och Sverige "
                        "(september 2024); ansökan om partnerskap möjlig 2025-2026.",
                    },
                    "es": {
                        "title": "Red para la igualdad de género",
                        "description": "Talleres en Guatemala (junio de 2024) y en Suecia "
                        "(septiembre de 2024); se pueden solicitar asociaciones en 2025-2026.",
                    },
                },
            }
        ),
    )
    for key in ("lessebo", "boras", "are", "guatemala_a", "guatemala_b", "colombia_a"):
        await networks.add_member(
            session,
            network.id,
            NetworkMemberCreate.model_validate(
                {"organisation_id": orgs[key].id, "joined_on": "2024-01-01", "status": "active"}
            ),
        )
    await _network_workshops(session, orgs, network.id)
    return 1


# Who went to which workshop, with the gender the organisers recorded (invented, as the people).
_WORKSHOP_PARTICIPANTS = {
    "GT": [
        ("lessebo", "Greta", "woman"),
        ("lessebo", "Hugo", "man"),
        ("lessebo", "Ines", "woman"),
        ("guatemala_a", "Ana", "woman"),
        ("guatemala_a", "Luis", "man"),
        ("guatemala_b", "María", "woman"),
    ],
    "SE": [
        ("lessebo", "Greta", "woman"),
        ("guatemala_a", "Ana", "woman"),
        ("guatemala_a", "Luis", "man"),
        ("guatemala_b", "María", "woman"),
    ],
}


async def _network_workshops(
    session: AsyncSession, orgs: dict[str, Organisation], network_id: UUID
) -> None:
    """Seed 001: a workshop in Guatemala early in June 2024 and one in Sweden in September 2024,
    organised and paid for by ICLD; three from Lessebo go to Guatemala, and the Guatemalan
    participants come to Sweden. The exact days, ICLD as the host of both, and who of the
    placeholder people took part are assumptions."""
    from app.schemas.networks.workshops import Participation, WorkshopCreate
    from app.services.networks import workshops

    taking_part = [orgs[k].id for k in ("lessebo", "boras", "are", "guatemala_a", "guatemala_b")]
    for title, country, city, starts, ends in (
        ("Local democracy and gender equality", "GT", "Guatemala", "2024-06-03", "2024-06-07"),
        (
            "Local democracy and gender equality, part two",
            "SE",
            "Stockholm",
            "2024-09-16",
            "2024-09-20",
        ),
    ):
        workshop = await workshops.create_workshop(
            session,
            WorkshopCreate.model_validate(
                {
                    "network_id": network_id,
                    "title": title,
                    "host_organisation_id": orgs["icld"].id,
                    "country_code": country,
                    "city": city,
                    "starts": starts,
                    "ends": ends,
                    "topics": ["local democracy", "gender equality"],
                    "organisation_ids": taking_part,
                    "status": "held",
                }
            ),
        )
        participants = []
        for key, given_name, gender in _WORKSHOP_PARTICIPANTS[country]:
            person_id = await session.scalar(
                select(Person.id).where(
                    Person.organisation_id == orgs[key].id, Person.given_name == given_name
                )
            )
            assert person_id is not None, given_name
            participants.append(Participation(person_id=person_id, gender=gender))
        await workshops.set_participants(
            session, workshop.id, participants, Expected.of(workshop.version)
        )


async def _itp_322(session: AsyncSession, orgs: dict[str, Organisation]) -> int:
    """Seed 003: Sida's ITP 322, run 2019-2020 (whole years assumed) by Arbetsförmedlingen with
    EPRI, Skatteverket, Försäkringskassan and Pensionsmyndigheten; two weeks in Sweden and two in
    South Africa; officials from Ethiopia, Kenya, Tanzania, Uganda and Zambia; a study visit to
    Upplands-Bro (CVA, Kungsängen) on Tuesday 2019-09-24."""
    from app.schemas.programmes import ProgrammeCreate, StudyVisitCreate
    from app.services import programmes

    title = "Social Protection for Sustainable Development"
    if await session.scalar(select(TrainingProgramme.id).where(TrainingProgramme.title == title)):
        return 0
    partners = ("epri", "skatteverket", "forsakringskassan", "pensionsmyndigheten")
    programme = await programmes.create_programme(
        session,
        ProgrammeCreate.model_validate(
            {
                "title": title,
                "code": "ITP 322",
                "funder": "Sida",
                "starts": "2019-01-01",
                "ends": "2020-12-31",
                "implementers": [{"organisation_id": orgs["arbetsformedlingen"].id, "role": "lead"}]
                + [{"organisation_id": orgs[k].id, "role": "partner"} for k in partners],
                "segments": [
                    {"country_code": "SE", "weeks": 2},
                    {"country_code": "ZA", "weeks": 2},
                ],
                "participant_countries": [
                    {"country_code": c} for c in ("ET", "KE", "TZ", "UG", "ZM")
                ],
            }
        ),
    )
    rektor = await session.scalar(
        select(Person.id).where(
            Person.organisation_id == orgs["upplands_bro"].id, Person.family_name == "Provström"
        )
    )
    await programmes.create_study_visit(
        session,
        session.info["principal"],
        StudyVisitCreate(
            visit_on=date(2019, 9, 24),
            host_organisation_id=orgs["upplands_bro"].id,
            programme_id=programme.id,
            visiting_countries=["ET", "KE", "TZ", "UG", "ZM"],
            topics=["local job tracks", "newcomers", "youth unemployment", "adult education"],
            contact_ids=[rektor] if rektor else [],
            description="Centrum för vuxenutbildning och arbetsmarknad (CVA), Kungsängen",
        ),
    )
    return 1


class _Orgs(dict[str, Organisation]):
    added = 0


async def _organisations(session: AsyncSession) -> _Orgs:
    orgs = _Orgs()
    for key, code in SWEDISH.items():
        found = await session.scalar(
            select(Organisation).where(
                Organisation.country_code == "SE",
                Organisation.type == T.municipality,
                Organisation.official_code == code,
            )
        )
        if found is None:
            raise RuntimeError(f"reference municipality {code} missing: run the migrations first")
        orgs[key] = found
    for demo in ORGANISATIONS:
        found = await session.scalar(
            select(Organisation).where(
                Organisation.country_code == demo.country_code,
                Organisation.type == demo.type,
                Organisation.name == demo.name,
            )
        )
        if found is None:
            found = Organisation(
                type=demo.type, country_code=demo.country_code, name=demo.name, name_en=demo.name_en
            )
            session.add(found)
            orgs.added += 1
        orgs[demo.key] = found
    await session.flush()
    return orgs
