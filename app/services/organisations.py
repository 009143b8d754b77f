"""Organisations: queries and the rules that need stored data."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import writable_organisation
from app.core.versions import Expected, check_version
from app.db import reads
from app.models.access import ApiKey
from app.models.elections import Election
from app.models.enums import (
    ApplicationKind,
    OrganisationType,
    PartnerInterestSide,
    PartnerInterestStatus,
    Role,
)
from app.models.funding import Application, ApplicationBudgetLine
from app.models.networks import Network, NetworkMember, Workshop
from app.models.organisations import Organisation
from app.models.partner_interests import PartnerInterest
from app.models.partnerships import Partnership, PartnershipPartner
from app.rules.continuity import check_election_country
from app.rules.funding import UNDECIDED, check_budget, terms
from app.rules.networks import check_member_country, check_partner_eligible, partner_country_days
from app.rules.partnerships import check_partner_country, check_swedish_applicant, check_third_party
from app.rules.reference import (
    check_known_organisations,
    check_reference_fixed,
    identity_changes,
)
from app.schemas.organisations import (
    OrganisationCreate,
    OrganisationFields,
    OrganisationRead,
    OrganisationUpdate,
)
from app.services.common import (
    answer_columns,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
    text_search,
)
from app.services.countries import check_countries, funding_regions, partner_country_on

_TABLE: sa.Table = Organisation.__table__  # type: ignore[attr-defined]
_ANSWER = answer_columns(Organisation, OrganisationRead)
_BY_ID = reads.Prepared(_ANSWER.where(_TABLE.c.id == sa.bindparam("id")))  # the hottest read


@dataclass(frozen=True)
class OrganisationFilters:
    country: str | None = None
    type: OrganisationType | None = None
    is_reference: bool | None = None
    official_code: str | None = None
    q: str | None = None


SORTING = Sorting(
    "organisations",
    {
        "name": _TABLE.c.name,
        "created_at": _TABLE.c.created_at,
        "updated_at": _TABLE.c.updated_at,
    },
    default=("name",),
    unique=_TABLE.c.id,
    updated=_TABLE.c.updated_at,
)


async def list_organisations(
    session: AsyncSession, filters: OrganisationFilters, page: PageParams
) -> tuple[list[dict[str, Any]], Links]:
    """A page of organisations to answer with (rows read raw, as dicts: `app.db.reads`)."""
    stmt = _ANSWER
    if filters.country:
        stmt = stmt.where(_TABLE.c.country_code == filters.country.upper())
    if filters.type:
        stmt = stmt.where(_TABLE.c.type == filters.type.value)
    if filters.is_reference is not None:
        stmt = stmt.where(_TABLE.c.is_reference == filters.is_reference)
    if filters.official_code:
        stmt = stmt.where(_TABLE.c.official_code == filters.official_code)
    if filters.q:
        stmt = stmt.where(text_search(_TABLE.c.search, filters.q))
    return await sorted_page(session, stmt, SORTING, page, raw=True)


async def read_organisation(session: AsyncSession, organisation_id: UUID) -> dict[str, Any]:
    """An organisation to answer with (its row read raw, as a dict: `app.db.reads`)."""
    return await read_answer(
        session,
        _BY_ID,
        _("No organisation {organisation_id}.", organisation_id=organisation_id),
        {"id": organisation_id},
    )


async def organisations_by_id(
    session: AsyncSession, ids: Collection[UUID]
) -> dict[UUID, OrganisationRead]:
    """Organisations as `GET /organisations/{id}` answers them (anyone may read them), in one
    statement."""
    rows = await session.execute(_ANSWER.where(_TABLE.c.id.in_(list(ids))))
    return {row.id: OrganisationRead.model_validate(row) for row in rows}


async def get_organisation(
    session: AsyncSession, organisation_id: UUID, *, for_update: bool = False
) -> Organisation:
    """An organisation to change (an ORM object)."""
    stmt = select(Organisation).where(Organisation.id == organisation_id)
    organisation: Organisation = await get_one(
        session,
        stmt,
        _("No organisation {organisation_id}.", organisation_id=organisation_id),
        for_update=for_update,
    )
    return organisation


async def check_organisations(
    session: AsyncSession, wanted: list[tuple[str, UUID]]
) -> dict[UUID, Organisation]:
    """Each (pointer, id) names a stored organisation (`unknown-organisation`); the organisations
    found, by id."""
    found: dict[UUID, Organisation] = {}
    if wanted:
        ids = {organisation_id for _, organisation_id in wanted}
        rows = await session.scalars(select(Organisation).where(col(Organisation.id).in_(ids)))
        found = {organisation.id: organisation for organisation in rows}
    check_known_organisations(wanted, found)
    return found


async def create_organisation(session: AsyncSession, data: OrganisationCreate) -> Organisation:
    await check_countries(session, [("/country_code", data.country_code)])
    organisation = Organisation(**data.model_dump())
    session.add(organisation)
    await session.flush()
    await session.refresh(organisation)
    return organisation


def _ensure_writable(principal: Principal, organisation: Organisation) -> None:
    if writable_organisation(principal, organisation):
        return
    if not principal.in_scope(organisation.id):
        # Outside a coordinator's organisations: not found, as for every object out of scope.
        raise ProblemError(NOT_FOUND, _("No organisation {id}.", id=organisation.id))
    raise ProblemError(FORBIDDEN, _("Only administrators change reference data."))


async def _writable(
    session: AsyncSession, principal: Principal, organisation_id: UUID
) -> Organisation:
    """The organisation, locked for the change, once the principal may change it (no caller can
    lock rows it may not write)."""
    _ensure_writable(principal, await get_organisation(session, organisation_id))
    return await get_organisation(session, organisation_id, for_update=True)


async def update_organisation(
    session: AsyncSession,
    principal: Principal,
    organisation_id: UUID,
    patch: OrganisationUpdate,
    expected: Expected | None,
) -> Organisation:
    organisation = await _writable(session, principal, organisation_id)
    check_version(expected, organisation.version)
    current = {field: getattr(organisation, field) for field in OrganisationFields.model_fields}
    schema = OrganisationFields if organisation.is_reference else OrganisationCreate
    merged = merge_patch(current, patch, schema)
    changed = identity_changes(current, merged.model_dump())
    check_reference_fixed(organisation.name, organisation.is_reference, changed)
    if changed and principal.role is Role.coordinator:
        raise ProblemError(
            FORBIDDEN,
            _(
                "Coordinators change only their organisation's English name, organisation number "
                "and population, not its {fields}.",
                fields=", ".join(changed),
            ),
        )
    if merged.country_code != organisation.country_code:
        await check_countries(session, [("/country_code", merged.country_code)])
        await _check_own_elections(session, organisation, merged.country_code)
    if (merged.country_code, merged.type) != (organisation.country_code, organisation.type):
        await _check_where_it_takes_part(session, organisation, merged.country_code, merged.type)
    if apply_changes(organisation, merged.model_dump()):
        await session.flush()
    return organisation


async def _check_own_elections(
    session: AsyncSession, organisation: Organisation, country_code: str
) -> None:
    """`election-organisation-country`: an organisation with elections of its own keeps its
    country (docs/continuity.md)."""
    held_in = await session.scalar(
        select(Election.country_code).where(Election.organisation_id == organisation.id).limit(1)
    )
    if held_in is not None:
        check_election_country(organisation.name, country_code, held_in, "/country_code")


async def _check_where_it_takes_part(
    session: AsyncSession, organisation: Organisation, country_code: str, kind: str
) -> None:
    """An organisation's new country or type must keep every rule of what it takes part in: the
    partnerships it is a party of (and their networks), and the networks it is a member of."""
    name, pointer = organisation.name, "/country_code"
    if kind != organisation.type:
        pointer = "/type"
    as_swedish = await session.scalar(
        select(sa.func.count()).where(Partnership.swedish_party_id == organisation.id)
    )
    if as_swedish:
        check_swedish_applicant(name, country_code, kind, pointer)
    if await session.scalar(
        select(sa.func.count()).where(Partnership.third_party_id == organisation.id)
    ):
        check_third_party(name, country_code, pointer)
    as_partner = await session.execute(  # each day applied for once, however many partnerships
        select(col(Partnership.applied_on))
        .join(PartnershipPartner, col(PartnershipPartner.partnership_id) == col(Partnership.id))
        .where(PartnershipPartner.organisation_id == organisation.id)
        .distinct()
        .order_by(col(Partnership.applied_on))
    )
    for (applied_on,) in as_partner:
        eligible = await partner_country_on(session, country_code, applied_on)
        check_partner_country(name, country_code, applied_on, eligible=eligible, pointer=pointer)
    await _check_declarations(session, organisation, country_code, kind, pointer)
    if country_code != organisation.country_code:
        await _check_ceilings_of_partner(session, organisation.id, country_code, pointer)
    networks = await session.scalars(
        select(Network)
        .where(
            sa.or_(
                col(Network.id).in_(
                    select(NetworkMember.network_id).where(
                        NetworkMember.organisation_id == organisation.id
                    )
                ),
                col(Network.id).in_(
                    select(Partnership.network_id).where(
                        sa.or_(
                            col(Partnership.swedish_party_id) == organisation.id,
                            col(Partnership.id).in_(
                                select(PartnershipPartner.partnership_id).where(
                                    PartnershipPartner.organisation_id == organisation.id
                                )
                            ),
                        )
                    )
                ),
            )
        )
        .order_by(col(Network.title), col(Network.id))
    )
    members_of = set(
        await session.scalars(
            select(NetworkMember.network_id).where(NetworkMember.organisation_id == organisation.id)
        )
    )
    for network in networks:
        check_member_country(name, country_code, network.country_codes, pointer)
        if network.id in members_of:
            days = partner_country_days(country_code, network.starts, network.ends)
            partner_country = {
                day: await partner_country_on(session, country_code, day) for day in days
            }
            check_partner_eligible(country_code, partner_country, pointer)


async def _check_declarations(
    session: AsyncSession, organisation: Organisation, country_code: str, kind: str, pointer: str
) -> None:
    """Its open declarations of interest keep the rule of their side: a Swedish one's
    organisation may hold the grant, a partner-side one's country is a partner country on the
    day it could start (docs/partner-search.md)."""
    declared = await session.execute(
        select(col(PartnerInterest.side), col(PartnerInterest.earliest_start))
        .where(
            PartnerInterest.organisation_id == organisation.id,
            PartnerInterest.status == PartnerInterestStatus.open,
        )
        .distinct()
        .order_by(col(PartnerInterest.side), col(PartnerInterest.earliest_start))
    )
    for side, earliest_start in declared.all():
        if side == PartnerInterestSide.swedish:
            check_swedish_applicant(organisation.name, country_code, kind, pointer)
        else:
            eligible = await partner_country_on(session, country_code, earliest_start)
            check_partner_country(
                organisation.name, country_code, earliest_start, eligible=eligible, pointer=pointer
            )


async def _check_ceilings_of_partner(
    session: AsyncSession, organisation_id: UUID, country_code: str, pointer: str
) -> None:
    """`budget-ceiling` when a partner moves to another country: the undecided applications of
    its partnerships, under the ceilings of its new country's funding region. (Read here from
    the tables: the funding services build on organisations, not the reverse.)"""
    partnerships = await session.execute(
        select(col(Partnership.id), col(Partnership.third_party_id))
        .join(PartnershipPartner, col(PartnershipPartner.partnership_id) == col(Partnership.id))
        .where(PartnershipPartner.organisation_id == organisation_id)
        .order_by(col(Partnership.id))
    )
    for partnership_id, third_party_id in partnerships.all():
        applications = list(
            await session.scalars(
                select(Application)
                .where(
                    Application.partnership_id == partnership_id,
                    col(Application.status).in_(UNDECIDED),
                )
                .order_by(col(Application.created_at), col(Application.id))
            )
        )
        if not applications:
            continue
        partner_ids = list(
            await session.scalars(
                select(PartnershipPartner.organisation_id).where(
                    PartnershipPartner.partnership_id == partnership_id
                )
            )
        )
        regions = await funding_regions(session, partner_ids, (organisation_id, country_code))
        ceilings = terms(regions, len(partner_ids), third_party_id is not None)
        lines = await session.execute(
            select(
                col(ApplicationBudgetLine.application_id),
                col(ApplicationBudgetLine.year),
                col(ApplicationBudgetLine.amount),
            )
            .where(col(ApplicationBudgetLine.application_id).in_([a.id for a in applications]))
            .order_by(
                col(ApplicationBudgetLine.application_id), col(ApplicationBudgetLine.position)
            )
        )
        budgets: dict[UUID, list[tuple[int, Decimal]]] = defaultdict(list)
        for application_id, year, amount in lines:
            budgets[application_id].append((year, amount))
        for application in applications:
            check_budget(
                budgets[application.id],
                ApplicationKind(application.kind),
                application.planned_start,
                application.planned_end,
                ceilings,
                pointer,
            )


async def delete_organisation(
    session: AsyncSession, principal: Principal, organisation_id: UUID, expected: Expected | None
) -> None:
    organisation = await _writable(session, principal, organisation_id)
    check_version(expected, organisation.version)
    if organisation.is_reference:
        raise ProblemError(
            CONFLICT, _("{name} is reference data and cannot be deleted.", name=organisation.name)
        )
    await _not_named(session, organisation)
    await session.delete(organisation)
    await session.flush()


async def _not_named(session: AsyncSession, organisation: Organisation) -> None:
    """The foreign keys refuse to delete an organisation something refers to (409); a workshop
    and an API key name theirs in a list, so the same answer is given here
    (`unknown-organisation`: what they name exists)."""
    named = sa.literal(organisation.id) == sa.any_(col(Workshop.organisation_ids))
    workshop = await session.scalar(select(Workshop.title).where(named).limit(1))
    if workshop is not None:
        raise ProblemError(
            CONFLICT,
            _(
                "The workshop '{workshop}' names {name} among its organisations.",
                workshop=workshop,
                name=organisation.name,
            ),
        )
    key = await session.scalar(
        select(ApiKey.name)
        .where(sa.literal(organisation.id) == sa.any_(col(ApiKey.organisation_ids)))
        .limit(1)
    )
    if key is not None:
        raise ProblemError(
            CONFLICT, _("The API key '{key}' acts for {name}.", key=key, name=organisation.name)
        )
