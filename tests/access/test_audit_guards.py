"""The audit hook's guards: bulk statements that would bypass it are refused, and every value
type a table may hold is written as JSON (money as an exact decimal string)."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.principal import system_principal
from app.models.people import Person
from app.services.access.audit import _jsonable


async def test_bulk_updates_are_refused(connection: AsyncConnection) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("tests")
        with pytest.raises(RuntimeError, match="audit trail"):
            await session.execute(update(Person).values(email="changed@example.org"))


def test_values_of_every_kind_become_json() -> None:
    value = {
        "amount": Decimal("12500.00"),
        "when": datetime(2023, 4, 1, tzinfo=UTC),
        "day": date(2023, 3, 31),
        "ids": [UUID(int=1)],
        "nested": {"id": UUID(int=2)},
    }
    assert json.loads(json.dumps(_jsonable(value))) == {
        "amount": "12500.00",
        "when": "2023-04-01T00:00:00+00:00",
        "day": "2023-03-31",
        "ids": ["00000000-0000-0000-0000-000000000001"],
        "nested": {"id": "00000000-0000-0000-0000-000000000002"},
    }
