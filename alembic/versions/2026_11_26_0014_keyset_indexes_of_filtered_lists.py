"""Keyset indexes for the filtered lists of study visits (by host, by programme) and workshops
(by network): the bench showed a host's visits read by a bitmap scan and sorted on every page
(issue 8). The host's and the network's indexes replace the one-column indexes they start with;
visits by programme had none.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_study_visits_host_organisation_id", table_name="study_visits")
    op.create_index(
        "ix_study_visits_host_organisation_id_visit_on_id",
        "study_visits",
        ["host_organisation_id", "visit_on", "id"],
    )
    op.create_index(
        "ix_study_visits_programme_id_visit_on_id",
        "study_visits",
        ["programme_id", "visit_on", "id"],
    )
    op.drop_index("ix_workshops_network_id", table_name="workshops")
    op.create_index(
        "ix_workshops_network_id_starts_id", "workshops", ["network_id", "starts", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_workshops_network_id_starts_id", table_name="workshops")
    op.create_index("ix_workshops_network_id", "workshops", ["network_id"])
    op.drop_index("ix_study_visits_programme_id_visit_on_id", table_name="study_visits")
    op.drop_index("ix_study_visits_host_organisation_id_visit_on_id", table_name="study_visits")
    op.create_index(
        "ix_study_visits_host_organisation_id", "study_visits", ["host_organisation_id"]
    )
