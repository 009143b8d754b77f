"""Declarations of interest after the gender-equality network's workshops (seed 001: Lessebo,
Borås and Åre may apply with a Guatemalan or Colombian municipality), and one from Makueni
County, Kenya, on a gender theme too. Made through the service, so every rule applies. The
seeds say only that they may apply: what each declares (themes, challenge, dates) is invented
for the demo, in English so that the challenges' similarity can be seen; the partner-side
municipalities are the placeholders of app/demo/seeds.py."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.models.enums import FundingRegion, PhaseKind, Principle
from app.models.networks import Network
from app.models.organisations import Organisation
from app.models.partner_interests import PartnerInterest
from app.schemas.partner_interests import PartnerInterestCreate
from app.services import partner_interests

EQUALITY, PARTICIPATION = Principle.equality_non_discrimination, Principle.participation
ACCOUNTABILITY = Principle.accountability


@dataclass(frozen=True)
class DemoInterest:
    organisation: str  # a key of the demo organisations (app/demo/seeds.py)
    themes: list[str]
    principles: list[Principle]
    local_challenge: str
    earliest_start: date
    in_network: bool = True
    countries: list[str] = field(default_factory=list)
    funding_regions: list[FundingRegion] = field(default_factory=list)


INTERESTS = [
    DemoInterest(
        "lessebo",
        ["gender equality", "local democracy"],
        [EQUALITY, PARTICIPATION],
        "Few women stand for election, and young women leave the municipality: the council "
        "wants more women in local politics and in the municipality's decision-making.",
        date(2025, 9, 1),
        countries=["GT", "CO"],
    ),
    DemoInterest(
        "boras",
        ["gender equality", "violence prevention"],
        [EQUALITY, ACCOUNTABILITY],
        "Violence against women is reported too rarely: the city wants its social services, "
        "schools and the police to work together and to reach women in every district.",
        date(2026, 1, 1),
        funding_regions=[FundingRegion.latin_america],
    ),
    DemoInterest(
        "guatemala_a",
        ["gender equality", "local democracy"],
        [EQUALITY, PARTICIPATION],
        "Few women take part in the municipal council and the community development councils: "
        "the municipality wants more women in local politics and in its decision-making.",
        date(2025, 6, 1),
    ),
    DemoInterest(
        "guatemala_b",
        ["gender equality"],
        [EQUALITY],
        "The municipal women's office cannot reach the women of the rural villages, nor involve "
        "them in planning the municipal budget.",
        date(2025, 6, 1),
    ),
    DemoInterest(
        "colombia_a",
        ["gender equality", "violence prevention"],
        [EQUALITY, ACCOUNTABILITY],
        "Violence against women is high and seldom reported: the municipality wants its "
        "services to work together and to be trusted by women.",
        date(2025, 6, 1),
    ),
    DemoInterest(
        "makueni",
        ["gender equality", "education"],
        [EQUALITY, PARTICIPATION],
        "Girls leave school early and few women hold leadership positions in the county: it "
        "wants gender-typical choices of study and work to change.",
        date(2025, 6, 1),
        in_network=False,
    ),
]


async def load_demo_partner_interests(session: AsyncSession, orgs: dict[str, Organisation]) -> int:
    """Each organisation's declaration, unless it has one; listed in the public directory."""
    principal = session.info["principal"]
    network_id = await session.scalar(
        select(Network.id).where(Network.title == "Network for gender equality")
    )
    added = 0
    for demo in INTERESTS:
        organisation = orgs[demo.organisation]
        if await session.scalar(
            select(PartnerInterest.id).where(PartnerInterest.organisation_id == organisation.id)
        ):
            continue
        await partner_interests.create_interest(
            session,
            principal,
            PartnerInterestCreate(
                organisation_id=organisation.id,
                themes=demo.themes,
                principles=demo.principles,
                local_challenge=demo.local_challenge,
                countries=demo.countries,
                funding_regions=demo.funding_regions,
                phase_kind=PhaseKind.inception,
                earliest_start=demo.earliest_start,
                network_id=network_id if demo.in_network else None,
                listed=True,
            ),
        )
        added += 1
    return added
