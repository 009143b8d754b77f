"""The plain parts of a partnership, its documents and results: listed, read, created, changed
and deleted the same way, through the partnership's scope."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.versions import Expected, check_version
from app.models.base import Tracked
from app.services.common import apply_changes, merge_patch
from app.services.partnerships.partnerships import get_part, get_partnership

M = TypeVar("M", bound=Tracked)
F = TypeVar("F", bound=BaseModel)


@dataclass(frozen=True)
class Parts(Generic[M, F]):
    """A kind of part: its model, the fields a change sets (its merge patches merge into them),
    and the orders it is listed in."""

    model: type[M]
    fields: type[F]
    sorting: Sorting

    async def read_page(
        self, session: AsyncSession, principal: Principal, partnership_id: UUID, page: PageParams
    ) -> tuple[list[M], Links]:
        partnership = await get_partnership(session, principal, partnership_id)
        table: Any = self.model
        stmt = select(self.model).where(table.partnership_id == partnership.id)
        return await sorted_page(session, stmt, self.sorting, page)

    async def get(
        self,
        session: AsyncSession,
        principal: Principal,
        partnership_id: UUID,
        part_id: UUID,
        *,
        for_update: bool = False,
    ) -> M:
        _, part = await get_part(
            session, principal, partnership_id, self.model, part_id, for_update=for_update
        )
        return part

    async def create(
        self, session: AsyncSession, principal: Principal, partnership_id: UUID, data: F
    ) -> M:
        partnership = await get_partnership(session, principal, partnership_id)
        model: Any = self.model
        part: M = model(partnership_id=partnership.id, **data.model_dump())
        session.add(part)
        await session.flush()
        await session.refresh(part)
        return part

    async def update(
        self,
        session: AsyncSession,
        principal: Principal,
        partnership_id: UUID,
        part_id: UUID,
        patch: BaseModel,
        expected: Expected | None,
        *,
        check: Callable[[M, F], Awaitable[None]] | None = None,
    ) -> M:
        """Merge the patch into the part (locked), after `check` of the part and the merged
        fields, if given."""
        part = await self.get(session, principal, partnership_id, part_id, for_update=True)
        check_version(expected, part.version)
        current = {field: getattr(part, field) for field in self.fields.model_fields}
        merged = merge_patch(current, patch, self.fields)
        if check is not None:
            await check(part, merged)
        if apply_changes(part, merged.model_dump()):
            await session.flush()
        return part

    async def delete(
        self,
        session: AsyncSession,
        principal: Principal,
        partnership_id: UUID,
        part_id: UUID,
        expected: Expected | None,
        *,
        check: Callable[[M], Awaitable[None]] | None = None,
    ) -> M:
        """Delete the part (locked), after `check` of it, if given; answer it as it was."""
        part = await self.get(session, principal, partnership_id, part_id, for_update=True)
        check_version(expected, part.version)
        if check is not None:
            await check(part)
        await session.delete(part)
        await session.flush()
        return part
