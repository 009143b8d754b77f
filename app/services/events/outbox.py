"""The outbox: the audit hook hands each flushed change here, and a change that is an event in
the catalogue adds an `events` row to the same flush, so the event commits or rolls back with
the change. The fan-out to subscriptions is the database's, at commit (migration 0018)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.core.principal import Principal
from app.models.events import Event
from app.models.funding import Amendment, Grant, Payment, Report
from app.models.partner_interests import PartnerInterest
from app.models.people import Person
from app.schemas.event_types import BY_MODEL, Changes


def _partnership_id(session: Session, obj: Any) -> Any:
    if isinstance(obj, Payment | Amendment | Report):
        grant = session.get(Grant, obj.grant_id)  # in the identity map: the service read it
        return grant.partnership_id if grant is not None else None
    return getattr(obj, "partnership_id", None) or (
        obj.id if type(obj).__tablename__ == "partnerships" else None
    )


def events_of(
    session: Session, changed: list[tuple[Any, str, Changes]], principal: Principal
) -> list[Event]:
    """The events these flushed changes are (none for most)."""
    now = datetime.now(UTC)
    found = []
    for obj, kind, changes in changed:
        for event_type in BY_MODEL.get(type(obj), ()):
            if event_type.happened is None or not event_type.happened(kind, changes):
                continue
            with session.no_autoflush:
                partnership_id = _partnership_id(session, obj)
            found.append(
                Event(
                    type=event_type.name,
                    occurred_at=now,
                    object_type=obj.__tablename__,
                    object_id=obj.id,
                    object_url=event_type.url(obj),
                    actor_type=principal.kind,
                    actor_id=principal.id,
                    payload=event_type.payload.model_validate(obj).model_dump(mode="json"),
                    partnership_id=partnership_id,
                    organisation_id=(
                        obj.organisation_id if isinstance(obj, Person | PartnerInterest) else None
                    ),
                )
            )
    return found
