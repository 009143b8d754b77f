"""Who acts: the principal of a request or of the command line, and its organisation scope.

How a principal is authenticated is HTTP's business (`app/api/auth.py`); what it may see and
change is decided in `app/core/scopes.py`.
"""

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from app.models.enums import SCOPED_ROLES, Role


@dataclass(frozen=True)
class Principal:
    kind: Literal["anonymous", "user", "api_key", "system"]
    id: str
    name: str | None = None
    role: Role | None = None
    organisation_ids: frozenset[UUID] = field(default_factory=frozenset)

    @property
    def authenticated(self) -> bool:
        return self.role is not None

    @property
    def sees_everything(self) -> bool:
        """ICLD staff read every organisation's data; coordinators and viewers only their own."""
        return self.role is not None and self.role not in SCOPED_ROLES

    def in_scope(self, organisation_id: UUID) -> bool:
        return self.sees_everything or organisation_id in self.organisation_ids


ANONYMOUS = Principal(kind="anonymous", id="anonymous")


def system_principal(name: str) -> Principal:
    """The actor of writes made by the command line (demo data, the first API key)."""
    return Principal(kind="system", id=f"system:{name}", name=name, role=Role.admin)


@dataclass(frozen=True)
class TokenClaims:
    """What a verified access token says of its bearer (`app/api/oidc.py` verifies it)."""

    subject: str
    name: str | None
    email: str | None
    role: str | None
    """The value of the claim `OIDC_ROLE_CLAIM`; None when the token has none."""
    organisation_ids: tuple[str, ...]
    """The value of the claim `OIDC_ORGANISATIONS_CLAIM`; () when the token has none."""
