"""Webhook subscriptions: who may subscribe to what, the signing secret and its rotation, and
the delivery log.

Scoping is that of reads (app/core/scopes.py): ICLD staff subscribe to every organisation's
events or to some; a coordinator only to its own organisations' (an event reaches a
subscription when one of the organisations that may read its object is in the subscription's
scope, so a coordinator's subscription never gets an object it could not read). A subscription
is seen and changed by whoever created it, and by admins."""

import base64
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import (
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    VALIDATION_ERROR,
    FieldError,
    ProblemError,
)
from app.core.i18n import _, render
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.versions import Expected, check_version
from app.models.enums import Role
from app.models.events import WebhookAttempt, WebhookSubscription
from app.schemas.events import WebhookSubscriptionCreate, WebhookSubscriptionUpdate
from app.services.common import apply_changes, get_one, touch
from app.services.events.targets import validate_target
from app.settings import Settings


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _scope(principal: Principal, organisation_ids: list[UUID] | None) -> list[UUID] | None:
    """The organisations a subscription may cover: anything for staff; for a coordinator its own
    organisations (the default) or some of them (else 403)."""
    if principal.sees_everything:
        return organisation_ids
    if organisation_ids is None:
        return sorted(principal.organisation_ids)
    outside = [o for o in organisation_ids if o not in principal.organisation_ids]
    if outside or not organisation_ids:
        raise ProblemError(
            FORBIDDEN, _("A subscription may only cover organisations of your own (at least one).")
        )
    return organisation_ids


def _visible(principal: Principal, stmt: Any) -> Any:
    if principal.role is Role.admin:
        return stmt
    return stmt.where(
        WebhookSubscription.owner_type == principal.kind,
        WebhookSubscription.owner_id == principal.id,
    )


SORTING = Sorting(
    "webhook_subscriptions",
    {
        "created_at": col(WebhookSubscription.created_at),
        "updated_at": col(WebhookSubscription.updated_at),
    },
    default=("created_at",),
    unique=col(WebhookSubscription.id),
    updated=col(WebhookSubscription.updated_at),
)


async def list_subscriptions(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[WebhookSubscription], Links]:
    return await sorted_page(
        session, _visible(principal, select(WebhookSubscription)), SORTING, page
    )


async def get_subscription(
    session: AsyncSession, principal: Principal, subscription_id: UUID, *, for_update: bool = False
) -> WebhookSubscription:
    stmt = _visible(
        principal, select(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
    )
    found: WebhookSubscription = await get_one(
        session,
        stmt,
        _("No webhook subscription {subscription_id}.", subscription_id=subscription_id),
        for_update=for_update,
    )
    return found


async def create_subscription(
    session: AsyncSession, principal: Principal, data: WebhookSubscriptionCreate, settings: Settings
) -> tuple[WebhookSubscription, str]:
    organisation_ids = _scope(principal, data.organisation_ids)
    await validate_target(data.url, settings)
    secret = new_secret()
    subscription = WebhookSubscription(
        url=data.url,
        event_types=data.event_types,
        organisation_ids=organisation_ids,
        description=data.description,
        active=data.active,
        secret=secret,
        owner_type=principal.kind,
        owner_id=principal.id,
    )
    session.add(subscription)
    await session.flush()
    await session.refresh(subscription)
    return subscription, secret


async def update_subscription(
    session: AsyncSession,
    principal: Principal,
    subscription_id: UUID,
    patch: WebhookSubscriptionUpdate,
    expected: Expected | None,
    settings: Settings,
) -> WebhookSubscription:
    subscription = await get_subscription(session, principal, subscription_id, for_update=True)
    check_version(expected, subscription.version)
    given = patch.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "url" in given:
        await validate_target(given["url"], settings)
        changes["url"] = given["url"]
    if "event_types" in given:
        changes["event_types"] = given["event_types"]
    if "organisation_ids" in given:
        changes["organisation_ids"] = _scope(principal, given["organisation_ids"])
    if "description" in given:
        changes["description"] = given["description"]
    if "active" in given:
        changes["active"] = given["active"]
        if given["active"]:
            changes["paused_reason"] = None
    if apply_changes(subscription, changes):
        await session.flush()
        await session.refresh(subscription)
    return subscription


async def delete_subscription(
    session: AsyncSession, principal: Principal, subscription_id: UUID, expected: Expected | None
) -> None:
    subscription = await get_subscription(session, principal, subscription_id, for_update=True)
    check_version(expected, subscription.version)
    await session.delete(subscription)
    await session.flush()


async def rotate_secret(
    session: AsyncSession,
    principal: Principal,
    subscription_id: UUID,
    expected: Expected | None,
    settings: Settings,
) -> tuple[WebhookSubscription, str]:
    """A new secret; the one it replaces still signs deliveries (beside the new one, as the
    specification allows several signatures) for WEBHOOK_SECRET_GRACE_S."""
    subscription = await get_subscription(session, principal, subscription_id, for_update=True)
    check_version(expected, subscription.version)
    secret = new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = datetime.now(UTC) + timedelta(
        seconds=settings.webhook_secret_grace_s
    )
    subscription.secret = secret
    touch(subscription)
    await session.flush()
    await session.refresh(subscription)
    return subscription, secret


ATTEMPTS = Sorting(
    "webhook_attempts",
    {
        "attempted_at": col(WebhookAttempt.attempted_at),
    },
    default=("attempted_at",),
    unique=col(WebhookAttempt.id),
    updated=col(WebhookAttempt.attempted_at),
)


async def list_attempts(
    session: AsyncSession, principal: Principal, subscription_id: UUID, page: PageParams
) -> tuple[list[WebhookAttempt], Links]:
    await get_subscription(session, principal, subscription_id)
    return await sorted_page(
        session,
        select(WebhookAttempt).where(WebhookAttempt.subscription_id == subscription_id),
        ATTEMPTS,
        page,
    )


def _usable(subscription: WebhookSubscription) -> None:
    if not subscription.active:
        raise ProblemError(
            CONFLICT, _("The subscription is paused: resume it (`active: true`) first.")
        )


async def ping(session: AsyncSession, principal: Principal, subscription_id: UUID) -> UUID:
    """A `ping` event to this subscription only (the fan-out sends a ping to the subscription it
    names), delivered like any other once this transaction commits."""
    subscription = await get_subscription(session, principal, subscription_id)
    _usable(subscription)
    event_id = uuid4()
    await session.execute(
        sa.text(
            "INSERT INTO events (id, type, occurred_at, object_type, object_id, object_url, "
            "actor_type, actor_id, payload) VALUES (:id, 'ping', now(), 'webhook_subscriptions', "
            ":subscription, :url, :actor_type, :actor_id, "
            "CAST(:payload AS jsonb))"
        ),
        {
            "id": event_id,
            "subscription": subscription.id,
            "payload": json.dumps({"subscription_id": str(subscription.id)}),
            "url": f"/api/v1/webhook-subscriptions/{subscription.id}",
            "actor_type": principal.kind,
            "actor_id": principal.id,
        },
    )
    return event_id


async def replay(
    session: AsyncSession, principal: Principal, subscription_id: UUID, delivery_id: UUID
) -> None:
    """Send one delivery again, whatever became of it."""
    subscription = await get_subscription(session, principal, subscription_id)
    _usable(subscription)
    found = await session.execute(
        sa.text(
            "UPDATE webhook_deliveries SET status = 'pending' "
            "WHERE id = :id AND subscription_id = :subscription RETURNING id"
        ),
        {"id": delivery_id, "subscription": subscription.id},
    )
    if found.first() is None:
        raise ProblemError(
            NOT_FOUND, _("No delivery {delivery_id} of this subscription.", delivery_id=delivery_id)
        )
    await session.execute(
        sa.text("SELECT webhook_defer(ARRAY[CAST(:id AS uuid)])"), {"id": delivery_id}
    )


# The events of [since, until) a subscription would get now: its types and scope, and what its
# owner may read (the fan-out's own conditions).
_OWED = """
      FROM events e JOIN webhook_subscriptions s ON s.id = :subscription
     WHERE e.occurred_at >= :since AND e.occurred_at < :until AND e.type <> 'ping'
       AND (cardinality(s.event_types) = 0 OR e.type = ANY (s.event_types))
       AND (s.organisation_ids IS NULL
            OR s.organisation_ids && webhook_readers(e.partnership_id, e.organisation_id))
       AND webhook_owner_reads(s.owner_type, s.owner_id,
                               webhook_readers(e.partnership_id, e.organisation_id))
"""
COUNT_OWED = sa.text(f"SELECT count(*) FROM (SELECT 1 {_OWED} LIMIT :most) AS owed")
REDELIVER = sa.text(
    f"""
    WITH owed AS (
        INSERT INTO webhook_deliveries (id, subscription_id, event_id, status, attempts)
        SELECT gen_random_uuid(), s.id, e.id, 'pending', 0 {_OWED}
        ON CONFLICT (subscription_id, event_id) DO UPDATE SET status = 'pending'
        RETURNING id, event_id
    )
    SELECT owed.id FROM owed JOIN events e ON e.id = owed.event_id
     ORDER BY e.occurred_at, e.id
    """
)
MOST_REDELIVERED = 10_000


async def redeliver(
    session: AsyncSession,
    principal: Principal,
    subscription_id: UUID,
    since: datetime,
    until: datetime,
) -> int:
    """Every event of [since, until) the subscription would get now (its types and scope), sent
    again in the order they happened; at most MOST_REDELIVERED at once, counted (no further
    than one past the limit) before anything is written."""
    subscription = await get_subscription(session, principal, subscription_id, for_update=True)
    _usable(subscription)
    window = {"subscription": subscription.id, "since": since, "until": until}
    owed = await session.scalar(COUNT_OWED, {**window, "most": MOST_REDELIVERED + 1})
    if owed is not None and owed > MOST_REDELIVERED:
        too_many = _(
            "More than {most} events in that range; redeliver at most {most} at once (a shorter "
            "range).",
            most=MOST_REDELIVERED,
        )
        raise ProblemError(
            VALIDATION_ERROR,
            too_many,
            errors=[
                FieldError(
                    pointer="/until", location="body", message=render(too_many), type="value_error"
                )
            ],
        )
    ids = list(await session.scalars(REDELIVER, window))
    if ids:
        await session.execute(sa.text("SELECT webhook_defer(:ids)"), {"ids": ids})
    return len(ids)
