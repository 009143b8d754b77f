"""The database refuses overlapping phases of a partnership (rule phases-do-not-overlap), so that
a bug in a service cannot store them: an exclusion constraint over each phase's days, from the
day it started (or is planned to) to the day it ended (or is planned to). Every action changes
one phase at a time, so the constraint is checked at once, not deferred.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE phases ADD CONSTRAINT ex_phases_period EXCLUDE USING gist ("
        "partnership_id WITH =, "
        "daterange(coalesce(actual_start, planned_start), coalesce(actual_end, planned_end), "
        "'[]') WITH &&)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE phases DROP CONSTRAINT ex_phases_period")
