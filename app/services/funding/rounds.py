"""Application rounds: the calls for project applications (DOMAIN.md §6)."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.versions import Expected, check_version
from app.models.funding import Application, ApplicationRound
from app.rules.funding import check_round_open
from app.schemas.funding.rounds import RoundCreate, RoundFields, RoundUpdate
from app.services.common import apply_changes, get_one, merge_patch

SORTING = Sorting(
    "application_rounds",
    {
        "opens": col(ApplicationRound.opens),
        "created_at": col(ApplicationRound.created_at),
        "updated_at": col(ApplicationRound.updated_at),
    },
    default=("opens",),
    unique=col(ApplicationRound.id),
    updated=col(ApplicationRound.updated_at),
)


async def list_rounds(
    session: AsyncSession, page: PageParams
) -> tuple[list[ApplicationRound], Links]:
    return await sorted_page(session, select(ApplicationRound), SORTING, page)


async def get_round(
    session: AsyncSession, round_id: UUID, *, for_update: bool = False
) -> ApplicationRound:
    stmt = select(ApplicationRound).where(ApplicationRound.id == round_id)
    found: ApplicationRound = await get_one(
        session,
        stmt,
        _("No application round {round_id}.", round_id=round_id),
        for_update=for_update,
    )
    return found


async def create_round(session: AsyncSession, data: RoundCreate) -> ApplicationRound:
    row = ApplicationRound(**data.model_dump())
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def update_round(
    session: AsyncSession, round_id: UUID, patch: RoundUpdate, expected: Expected | None
) -> ApplicationRound:
    row = await get_round(session, round_id, for_update=True)
    check_version(expected, row.version)
    current = {field: getattr(row, field) for field in RoundFields.model_fields}
    merged = merge_patch(current, patch, RoundFields)
    if (merged.opens, merged.closes) != (row.opens, row.closes):
        await _check_submissions(session, row, merged)
    if apply_changes(row, merged.model_dump()):
        await session.flush()
    return row


async def _check_submissions(
    session: AsyncSession, row: ApplicationRound, merged: RoundFields
) -> None:
    """`round-open` from the round's side: its new period still holds each day an application
    was submitted in it. (A draft is judged when it is submitted: a round may close early.)"""
    pointer = "/closes" if merged.opens == row.opens else "/opens"
    days = await session.scalars(
        select(col(Application.submitted_on))
        .where(Application.round_id == row.id, col(Application.submitted_on).is_not(None))
        .distinct()
        .order_by(col(Application.submitted_on))
    )
    for day in days:
        assert day is not None
        check_round_open(merged.title, merged.opens, merged.closes, day, pointer)
