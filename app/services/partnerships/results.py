"""Results of a partnership."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.principal import Principal
from app.core.versions import Expected, check_version
from app.models.partnerships import Result
from app.schemas.partnerships.results import ResultCreate, ResultFields, ResultUpdate
from app.services.common import apply_changes, merge_patch
from app.services.partnerships.partnerships import get_part, get_partnership


async def list_results(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> list[Result]:
    partnership = await get_partnership(session, principal, partnership_id)
    rows = await session.scalars(
        select(Result)
        .where(Result.partnership_id == partnership.id)
        .order_by(col(Result.observed_on), col(Result.id))
    )
    return list(rows)


async def get_result(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    result_id: UUID,
    *,
    for_update: bool = False,
) -> Result:
    _, result = await get_part(
        session, principal, partnership_id, Result, result_id, for_update=for_update
    )
    return result


async def create_result(
    session: AsyncSession, principal: Principal, partnership_id: UUID, data: ResultCreate
) -> Result:
    partnership = await get_partnership(session, principal, partnership_id)
    result = Result(partnership_id=partnership.id, **data.model_dump())
    session.add(result)
    await session.flush()
    await session.refresh(result)
    return result


async def update_result(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    result_id: UUID,
    patch: ResultUpdate,
    expected: Expected | None,
) -> Result:
    result = await get_result(session, principal, partnership_id, result_id, for_update=True)
    check_version(expected, result.version)
    current = {field: getattr(result, field) for field in ResultFields.model_fields}
    if apply_changes(result, merge_patch(current, patch, ResultFields).model_dump()):
        await session.flush()
    return result


async def delete_result(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    result_id: UUID,
    expected: Expected | None,
) -> None:
    result = await get_result(session, principal, partnership_id, result_id, for_update=True)
    check_version(expected, result.version)
    await session.delete(result)
    await session.flush()
