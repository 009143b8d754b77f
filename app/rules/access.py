"""The rules of access control (docs/access-control.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from app.core.errors import rule

SCOPED_ROLE_NEEDS_ORGANISATIONS = rule(
    "scoped-role-needs-organisations",
    "Coordinators and viewers act for organisations",
    "A coordinator or viewer sees and changes only what belongs to its organisations, so it must "
    "name at least one (docs/access-control.md).",
)
