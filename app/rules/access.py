"""The rules of access control (docs/access-control.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from collections.abc import Collection
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import _
from app.models.enums import SCOPED_ROLES, Role
from app.rules.words import code_listing

# The roles limited to their organisations (app.models.enums.SCOPED_ROLES), in the enum's order.
_SCOPED = [role.value for role in Role if role in SCOPED_ROLES]

SCOPED_ROLE_NEEDS_ORGANISATIONS = rule(
    "scoped-role-needs-organisations",
    _("Scoped roles act for organisations"),
    _(
        "A key or user of role {roles} sees and changes only what belongs to its organisations, "
        "so it must name at least one (docs/access-control.md).",
        roles=code_listing(_SCOPED, disjunction=True),
    ),
    mode=RuleMode.refuse,
    reads=(
        "api_keys.role",
        "api_keys.organisation_ids",
        "users.role",
        "users.organisation_ids",
    ),
)


def check_scoped_role(role: Role, organisation_ids: Collection[UUID], pointer: str) -> None:
    """`scoped-role-needs-organisations`: an API key (or a signed-in user's token) of a scoped
    role names its organisations."""
    if role in SCOPED_ROLES and not organisation_ids:
        raise RuleViolation(
            SCOPED_ROLE_NEEDS_ORGANISATIONS,
            _("A {role} acts for one or more organisations: name them.", role=role.value),
            pointer=pointer,
        )
