"""The principal a stored owner (`owner_type`, `owner_id`) is now: what something made by a user
or an API key may do at the moment it is used, which is not what its maker could do when it
was made (a key revoked or expired, a user gone, organisations changed)."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models.access import ApiKey, User
from app.services.access import api_keys, users


async def current_principal(
    session: AsyncSession, owner_type: str, owner_id: str
) -> Principal | None:
    """The owner as a principal with its rights of now; None when it can do nothing any more.
    A user's rights are those its last token carried (`users.sign_in` keeps them)."""
    try:
        row_id = UUID(owner_id)
    except ValueError:
        return None
    if owner_type == "api_key":
        key = await session.get(ApiKey, row_id)
        if key is None or api_keys.refusal(key.revoked_at, key.expires_at, datetime.now(UTC)):
            return None
        return api_keys.principal_of(key)
    if owner_type == "user":
        user = await session.get(User, row_id)
        return None if user is None else users.principal_of(user)
    return None
