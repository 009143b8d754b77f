"""Partnerships and their parties: queries and the rules that need stored data."""

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import NOT_FOUND, ProblemError
from app.core.i18n import Message, _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import (
    Shape,
    for_caller,
    scope_partnerships,
)
from app.core.versions import Expected, check_version
from app.db import reads
from app.models.enums import PartnershipStatus, Principle
from app.models.networks import Network
from app.models.organisations import Organisation
from app.models.partnerships import Partnership, PartnershipPartner, Phase
from app.rules.networks import check_member_country, known_network
from app.rules.partnerships import (
    check_partner_country,
    check_swedish_applicant,
    check_third_party,
)
from app.schemas.partnerships.partnerships import (
    PartnershipCreate,
    PartnershipFields,
    PartnershipOrigin,
    PartnershipRead,
    PartnershipUpdate,
)
from app.services.common import (
    answer_columns,
    answer_fields,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
    text_search,
)
from app.services.countries import partner_country_on
from app.services.organisations import check_organisations

# A partnership read for an answer (a row, see `answer_columns`) or to change (an ORM object).
PartnershipRecord = Partnership | sa.Row[Any] | reads.Record
_PARTNERSHIPS: sa.Table = Partnership.__table__  # type: ignore[attr-defined]
_ANSWER = answer_columns(Partnership, PartnershipRead).add_columns(
    _PARTNERSHIPS.c.origin_swedish_interest_id, _PARTNERSHIPS.c.origin_partner_interest_id
)


def origin_of(partnership: PartnershipRecord) -> PartnershipOrigin | None:
    """The two declarations of interest the partnership was made from, if it was."""
    if partnership.origin_swedish_interest_id is None:
        return None
    return PartnershipOrigin(
        swedish_interest_id=partnership.origin_swedish_interest_id,
        partner_interest_id=partnership.origin_partner_interest_id,
    )


@dataclass(frozen=True)
class PartnershipFilters:
    country: str | None = None
    swedish_party_id: UUID | None = None
    partner_id: UUID | None = None
    theme: str | None = None
    principle: Principle | None = None
    status: PartnershipStatus | None = None
    active_in: int | None = None
    network_id: UUID | None = None
    q: str | None = None


def _has_partner(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        col(PartnershipPartner.partnership_id) == col(Partnership.id), condition
    )


def filtered(stmt: Any, filters: PartnershipFilters) -> Any:
    """The list filters, on any query of partnerships (scoped, or the published ones)."""
    if filters.swedish_party_id:
        stmt = stmt.where(Partnership.swedish_party_id == filters.swedish_party_id)
    if filters.partner_id:
        stmt = stmt.where(
            _has_partner(col(PartnershipPartner.organisation_id) == filters.partner_id)
        )
    if filters.country:
        in_country = sa.exists().where(
            col(Organisation.id) == col(PartnershipPartner.organisation_id),
            col(Organisation.country_code) == filters.country.upper(),
        )
        stmt = stmt.where(_has_partner(in_country))
    if filters.theme:
        stmt = stmt.where(sa.literal(filters.theme) == sa.any_(col(Partnership.themes)))
    if filters.principle:
        stmt = stmt.where(
            sa.literal(filters.principle.value) == sa.any_(col(Partnership.principles))
        )
    if filters.status:
        stmt = stmt.where(Partnership.status == filters.status.value)
    if filters.active_in:
        year_start, year_end = date(filters.active_in, 1, 1), date(filters.active_in, 12, 31)
        starts = sa.func.coalesce(col(Phase.actual_start), col(Phase.planned_start))
        ends = sa.func.coalesce(col(Phase.actual_end), col(Phase.planned_end))
        stmt = stmt.where(
            sa.exists().where(
                col(Phase.partnership_id) == col(Partnership.id),
                starts <= year_end,
                ends >= year_start,
            )
        )
    if filters.network_id:
        stmt = stmt.where(Partnership.network_id == filters.network_id)
    if filters.q:
        stmt = stmt.where(text_search(col(Partnership.search), filters.q))
    return stmt


# The partner-side parties of a partnership as one column of its row (in `partners_of`'s order).
_PARTNER_IDS = (
    sa.select(
        sa.func.array_agg(
            aggregate_order_by(
                col(PartnershipPartner.organisation_id), col(PartnershipPartner.organisation_id)
            )
        )
    )
    .where(col(PartnershipPartner.partnership_id) == _PARTNERSHIPS.c.id)
    .scalar_subquery()
    .label("partner_ids")
)


SORTING = Sorting(
    "partnerships",
    {
        "title": _PARTNERSHIPS.c.title,
        "created_at": _PARTNERSHIPS.c.created_at,
        "updated_at": _PARTNERSHIPS.c.updated_at,
    },
    default=("title",),
    unique=_PARTNERSHIPS.c.id,
    updated=_PARTNERSHIPS.c.updated_at,
)


async def list_partnerships(
    session: AsyncSession, principal: Principal, filters: PartnershipFilters, page: PageParams
) -> tuple[list[reads.Record], dict[UUID, list[UUID]], Links]:
    """A page of partnerships with their partner-side parties, in one statement read raw
    (`app.db.reads`)."""
    stmt = filtered(scope_partnerships(principal, _ANSWER.add_columns(_PARTNER_IDS)), filters)
    rows: list[reads.Record]
    rows, links = await sorted_page(session, stmt, SORTING, page, raw=True)
    return rows, {p.id: list(p.partner_ids or []) for p in rows}, links


@reads.prepared
def _by_id(scope: Shape) -> sa.Select[Any]:
    stmt = _ANSWER.add_columns(_PARTNER_IDS).where(_PARTNERSHIPS.c.id == sa.bindparam("id"))
    scoped: sa.Select[Any] = scope_partnerships(scope, stmt)
    return scoped


async def read_partnership(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> reads.Record:
    """A partnership to answer with, in the caller's scope (a row, see `answer_columns`, read
    raw: `app.db.reads`), with its partner-side parties as `partner_ids` (in `partners_of`'s
    order): one statement, prepared per shape of scope."""
    stmt, params = for_caller(_by_id, principal, id=partnership_id)
    return await read_answer(
        session, stmt, _("No partnership {partnership_id}.", partnership_id=partnership_id), params
    )


def fields(partnership: PartnershipRecord, partner_ids: list[UUID]) -> dict[str, Any]:
    """A partnership's answer as plain data (its texts validated per language by the model):
    served as it is (`answer_json`) or validated with what `expand` embeds (`answer`)."""
    return {
        **answer_fields(partnership, PartnershipRead),
        "partner_ids": partner_ids,
        "origin": origin_of(partnership),
    }


def answer(
    partnership: PartnershipRecord,
    partner_ids: list[UUID],
    embedded: Mapping[str, Any] | None = None,
) -> PartnershipRead:
    """A partnership as its routes answer it, with the objects `expand` embeds in it."""
    return PartnershipRead.model_validate({**fields(partnership, partner_ids), **(embedded or {})})


async def readable_partnerships(
    session: AsyncSession, principal: Principal, ids: Collection[UUID]
) -> dict[UUID, PartnershipRead]:
    """Those of `ids` the principal may read, as `GET /partnerships/{id}` answers them, in one
    statement: the others are left out, as that route answers 404 for them."""
    stmt = _ANSWER.add_columns(_PARTNER_IDS).where(_PARTNERSHIPS.c.id.in_(list(ids)))
    rows = await session.execute(scope_partnerships(principal, stmt))
    return {row.id: answer(row, list(row.partner_ids or [])) for row in rows}


async def partners_of(session: AsyncSession, ids: list[UUID]) -> dict[UUID, list[UUID]]:
    """The partner-side parties of several partnerships, in one query."""
    partners: dict[UUID, list[UUID]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(PartnershipPartner.partnership_id, PartnershipPartner.organisation_id)
            .where(col(PartnershipPartner.partnership_id).in_(ids))
            .order_by(col(PartnershipPartner.organisation_id))
        )
        for partnership_id, organisation_id in rows:
            partners[partnership_id].append(organisation_id)
    return partners


async def get_partnership(
    session: AsyncSession, principal: Principal, partnership_id: UUID, *, for_update: bool = False
) -> Partnership:
    stmt = scope_partnerships(
        principal, select(Partnership).where(Partnership.id == partnership_id)
    )
    partnership: Partnership = await get_one(
        session,
        stmt,
        _("No partnership {partnership_id}.", partnership_id=partnership_id),
        for_update=for_update,
    )
    return partnership


P = TypeVar("P")


def _part_not_found(table: str, part_id: UUID, partnership_id: UUID) -> Message:
    """The 404 of a part of a partnership, by its table (each message whole, to translate)."""
    ids = {"part_id": part_id, "partnership_id": partnership_id}
    if table == "phases":
        return _("No phase {part_id} in partnership {partnership_id}.", **ids)
    if table == "meetings":
        return _("No meeting {part_id} in partnership {partnership_id}.", **ids)
    if table == "partnership_members":
        return _("No member {part_id} in partnership {partnership_id}.", **ids)
    if table == "documents":
        return _("No document {part_id} in partnership {partnership_id}.", **ids)
    if table == "results":
        return _("No result {part_id} in partnership {partnership_id}.", **ids)
    return _owned_not_found(table, part_id)


def _owned_not_found(table: str, object_id: UUID) -> Message:
    """The 404 of an object with a partnership of its own, reached by its own id."""
    if table == "applications":
        return _("No application {object_id}.", object_id=object_id)
    assert table == "grants", table
    return _("No grant {object_id}.", object_id=object_id)


async def get_part(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    model: type[P],
    part_id: UUID,
    *,
    for_update: bool = False,
) -> tuple[Partnership, P]:
    """A part of a partnership (a phase, member, meeting, document or result), reached through
    the partnership's scope. With `for_update` the partnership, then the part, are locked: every
    change of a part takes the same locks in the same order as a phase's start, which checks the
    parts."""
    table: Any = model
    if not for_update:
        found = await _with_partnership(
            session, principal, model, table.id == part_id, table.partnership_id == partnership_id
        )
        if found is not None:
            return found
    # Locking, or not found: step by step, so a 404 says which of the two is missing.
    partnership = await get_partnership(session, principal, partnership_id, for_update=for_update)
    stmt = select(table).where(table.id == part_id, table.partnership_id == partnership.id)
    not_found = _part_not_found(table.__tablename__, part_id, partnership_id)
    part: P = await get_one(session, stmt, not_found, for_update=for_update)
    return partnership, part


async def get_owned(
    session: AsyncSession,
    principal: Principal,
    model: type[P],
    object_id: UUID,
    *,
    for_update: bool = False,
) -> tuple[Partnership, P]:
    """An object with a partnership of its own (an application, a grant) reached by its own id:
    not found outside the caller's scope. With `for_update` the partnership, then the object,
    are locked, in the order get_part takes them."""
    table: Any = model
    found = await _with_partnership(
        session, principal, model, table.id == object_id, for_update=for_update
    )
    if found is None:
        raise ProblemError(NOT_FOUND, _owned_not_found(table.__tablename__, object_id))
    return found


async def _with_partnership(
    session: AsyncSession,
    principal: Principal,
    model: type[P],
    *where: Any,
    for_update: bool = False,
) -> tuple[Partnership, P] | None:
    """An object and its partnership in one statement, within the caller's scope. With
    `for_update` both rows are locked by that statement, the partnership first and then the
    object, as `get_part` takes them in two, and re-read as the lock finds them. The order is
    PostgreSQL's behaviour, not its documented promise: it locks a joined row's tables in the
    order `FOR UPDATE OF` names them (the list becomes the plan's row marks, in that order);
    tests/test_write_statements.py holds the statement to that list."""
    table: Any = model
    stmt = scope_partnerships(
        principal,
        select(Partnership, table).join(table, table.partnership_id == col(Partnership.id)),
    ).where(*where)
    if for_update:
        stmt = stmt.with_for_update(of=[Partnership, table]).execution_options(
            populate_existing=True
        )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


async def _organisations(session: AsyncSession, ids: list[UUID]) -> dict[UUID, Organisation]:
    found = await session.scalars(select(Organisation).where(col(Organisation.id).in_(ids)))
    return {o.id: o for o in found}


async def _check_parties(session: AsyncSession, data: PartnershipCreate) -> list[Organisation]:
    """The parties' rules; answers the Swedish party and the partners."""
    organisations = await check_organisations(
        session,
        [
            ("/swedish_party_id", data.swedish_party_id),
            *((f"/partner_ids/{i}", p) for i, p in enumerate(data.partner_ids)),
            *([("/third_party_id", data.third_party_id)] if data.third_party_id else []),
        ],
    )
    swedish = organisations[data.swedish_party_id]
    check_swedish_applicant(swedish.name, swedish.country_code, swedish.type)
    for i, partner_id in enumerate(data.partner_ids):
        partner = organisations[partner_id]
        check_partner_country(
            partner.name,
            partner.country_code,
            data.applied_on,
            eligible=await partner_country_on(session, partner.country_code, data.applied_on),
            pointer=f"/partner_ids/{i}",
        )
    if data.third_party_id:
        third = organisations[data.third_party_id]
        check_third_party(third.name, third.country_code)
    return [swedish, *(organisations[p] for p in data.partner_ids)]


async def _check_network(
    session: AsyncSession, network_id: UUID | None, parties: list[Organisation]
) -> None:
    """The network exists, and each party but a third party is in one of its countries
    (`network-member-country`: a partnership of a network is held to its members' rule)."""
    if network_id is None:
        return
    network = known_network(await session.get(Network, network_id), network_id)
    for party in parties:
        check_member_country(party.name, party.country_code, network.country_codes, "/network_id")


async def parties_in_network(session: AsyncSession, network_id: UUID) -> list[tuple[str, str, str]]:
    """The Swedish party and the partners of each partnership of a network, as (partnership
    title, organisation name, country code)."""
    swedish = (
        select(col(Partnership.title), col(Organisation.name), col(Organisation.country_code))
        .join(Organisation, col(Organisation.id) == col(Partnership.swedish_party_id))
        .where(Partnership.network_id == network_id)
    )
    partners = (
        select(col(Partnership.title), col(Organisation.name), col(Organisation.country_code))
        .join(PartnershipPartner, col(PartnershipPartner.partnership_id) == col(Partnership.id))
        .join(Organisation, col(Organisation.id) == col(PartnershipPartner.organisation_id))
        .where(Partnership.network_id == network_id)
    )
    rows = await session.execute(swedish.union_all(partners))
    return [(str(title), str(name), str(code)) for title, name, code in rows]


async def create_partnership(
    session: AsyncSession, data: PartnershipCreate, origin: PartnershipOrigin | None = None
) -> Partnership:
    """A new draft partnership; `origin`: the match of two declarations of interest it is made
    from (app/services/partner_interests.py)."""
    parties = await _check_parties(session, data)
    await _check_network(session, data.network_id, parties)
    fields = data.model_dump(exclude={"partner_ids"})
    fields["principles"] = list(dict.fromkeys(data.principles))
    if origin is not None:
        fields["origin_swedish_interest_id"] = origin.swedish_interest_id
        fields["origin_partner_interest_id"] = origin.partner_interest_id
    partnership = Partnership(**fields)
    session.add(partnership)
    await session.flush()
    session.add_all(
        PartnershipPartner(partnership_id=partnership.id, organisation_id=p)
        for p in dict.fromkeys(data.partner_ids)
    )
    await session.flush()
    await session.refresh(partnership)
    return partnership


async def update_partnership(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    patch: PartnershipUpdate,
    expected: Expected | None,
) -> Partnership:
    partnership = await get_partnership(session, principal, partnership_id, for_update=True)
    check_version(expected, partnership.version)
    current = {field: getattr(partnership, field) for field in PartnershipFields.model_fields}
    described = PartnershipUpdate.model_validate(
        patch.model_dump(exclude_unset=True, exclude={"network_id"})
    )
    merged = merge_patch(current, described, PartnershipFields)
    changes = merged.model_dump()
    if "network_id" in patch.model_fields_set and patch.network_id != partnership.network_id:
        ids = [
            partnership.swedish_party_id,
            *(await partners_of(session, [partnership.id]))[partnership.id],
        ]
        parties = await _organisations(session, ids)
        await _check_network(session, patch.network_id, [parties[i] for i in ids])
        changes["network_id"] = patch.network_id
    changes["principles"] = list(dict.fromkeys(merged.principles))
    if apply_changes(partnership, changes):
        await session.flush()
    return partnership
