"""Audits of access control's rules (app/rules/access.py)."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from app.rules.access import check_scoped_role
from app.services.integrity.base import Finding, api_key_url, judge, rows, user_url


async def scoped_roles(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`scoped-role-needs-organisations`: every API key and every user (revoked keys too: a
    stored key of a scoped role without organisations is broken data)."""
    for table, url in (("api_keys", api_key_url), ("users", user_url)):
        async for row in rows(conn, f"SELECT id, role, organisation_ids FROM {table} ORDER BY id"):
            if found := judge(
                url(row.id), check_scoped_role, Role(row.role), row.organisation_ids, "/role"
            ):
                yield found
