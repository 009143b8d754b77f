"""The indexes behind the orders the lists offer (`sort`, app/core/paging.py): one per sortable
field, on the field and the column that breaks ties (within the parent, for a list under a
partnership), so that a deep page and a page back are an index range in either direction, and
the `updated_since` of a sync is one too. Created by migration 0025, which lists the same."""

import sqlalchemy as sa

from app.models.base import metadata

# table -> the columns of each index (the last, the unique column breaking ties).
SORT_INDEXES: dict[str, list[tuple[str, ...]]] = {
    "partnerships": [("created_at", "id"), ("updated_at", "id")],
    "networks": [("created_at", "id"), ("updated_at", "id")],
    "workshops": [("created_at", "id"), ("updated_at", "id")],
    "training_programmes": [("created_at", "id"), ("updated_at", "id")],
    "study_visits": [("created_at", "id"), ("updated_at", "id")],
    "partner_interests": [("expires_on", "id"), ("updated_at", "id")],
    "users": [("subject", "id"), ("created_at", "id"), ("updated_at", "id")],
    "api_keys": [("created_at", "id"), ("name", "id"), ("updated_at", "id")],
    "countries": [("name_en", "code"), ("updated_at", "code")],
    "webhook_subscriptions": [("updated_at", "id")],
    "organisations": [("created_at", "id"), ("updated_at", "id")],
    "calendar_subscriptions": [("updated_at", "id")],
    "people": [("given_name", "id"), ("created_at", "id"), ("updated_at", "id")],
    "applications": [("updated_at", "id")],
    "application_rounds": [("created_at", "id"), ("updated_at", "id")],
    "grants": [("created_at", "id"), ("updated_at", "id")],
    "meetings": [("partnership_id", "created_at", "id"), ("partnership_id", "updated_at", "id")],
    "documents": [("partnership_id", "title", "id"), ("partnership_id", "updated_at", "id")],
    "results": [("partnership_id", "created_at", "id"), ("partnership_id", "updated_at", "id")],
    "elections": [("updated_at", "id")],  # created by migration 0026, with the table
    "partnership_members": [
        ("partnership_id", "team", "start_date", "id"),
        ("partnership_id", "start_date", "id"),
        ("partnership_id", "created_at", "id"),
        ("partnership_id", "updated_at", "id"),
    ],
}


def index_name(table: str, columns: tuple[str, ...]) -> str:
    name = f"ix_{table}_{'_'.join(columns)}"
    return name if len(name) <= 63 else f"ix_{table}_{'_'.join(c[:4] for c in columns)}"


def add_sort_indexes() -> None:
    for table, indexes in SORT_INDEXES.items():
        for columns in indexes:
            sa.Index(index_name(table, columns), *(metadata.tables[table].c[c] for c in columns))
