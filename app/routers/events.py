"""Events for other systems: the catalogue of event types, webhook subscriptions and their
delivery log (docs/events.md)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import AfterValidator

from app.api.auth import Authenticated, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, INVALID_CURSOR, NOT_FOUND
from app.core.paging import DEFAULT_LIMIT, MAX_LIMIT, PageParams
from app.core.versions import etag_for
from app.schemas.event_types import EVENT_TYPE_NAMES, EVENT_TYPES
from app.schemas.events import (
    EventEnvelope,
    EventPage,
    EventTypePage,
    EventTypeRead,
    PingRead,
    RedeliveryRead,
    RedeliveryRequest,
    ReplayRead,
    WebhookAttemptPage,
    WebhookAttemptRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionPage,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
    known_types,
)
from app.services.events import feed
from app.services.events import subscriptions as service
from app.services.events.targets import TARGET_REFUSED

router = APIRouter(tags=["events"], route_class=TransactionalRoute)
SUBSCRIPTIONS = "/webhook-subscriptions"


@router.get(
    "/event-types",
    operation_id="list_event_types",
    summary="List the event types, each with the JSON Schema of its payload",
)
async def list_event_types(principal: Authenticated) -> EventTypePage:
    return EventTypePage(
        items=[
            EventTypeRead(
                name=t.name,
                description=t.description,
                object_type=t.object_type,
                payload_schema=t.json_schema(),
            )
            for t in EVENT_TYPES
        ],
        next_cursor=None,
    )


@router.get(
    "/events",
    operation_id="list_events",
    summary="The events webhooks deliver, in the order they committed: sync by pulling",
    description="Oldest first, each in the envelope a webhook delivery POSTs, and only those "
    "a webhook subscription of yours could get (the objects you may read; deletions and "
    "erasures included, `ping` not). Keep `sync_cursor` and pass it as `after` to get what "
    "commits later; no event is ever skipped, whatever commits when (docs/events.md).",
    responses=problem_responses(INVALID_CURSOR),
)
async def list_events(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    types: Annotated[
        list[str],
        Query(
            alias="type",
            max_length=50,
            description="Only these types (repeat the parameter for several).",
            json_schema_extra={"items": {"type": "string", "enum": sorted(EVENT_TYPE_NAMES)}},
        ),
        AfterValidator(known_types),
    ] = [],  # noqa: B006  (FastAPI copies a parameter's default)
    after: Annotated[
        str | None,
        Query(
            max_length=2048,
            description="A `sync_cursor` or `next_cursor` handed out by this list: only the "
            "events after it.",
        ),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    ] = DEFAULT_LIMIT,
) -> EventPage:
    found, next_cursor, ends = await feed.list_events(
        session, principal, types, PageParams(limit=limit, cursor=after)
    )
    base_url = request.app.state.settings.public_base_url
    return EventPage(
        items=[EventEnvelope.of(e, base_url) for e in found],
        next_cursor=next_cursor,
        sync_cursor=ends,
    )


@router.get(
    SUBSCRIPTIONS,
    operation_id="list_webhook_subscriptions",
    summary="List webhook subscriptions (yours; admins: all)",
    description="By default oldest first. Never their secrets.",
)
async def list_webhook_subscriptions(
    session: SessionDep, principal: Writer, page: Annotated[PageParams, listing(service.SORTING)]
) -> WebhookSubscriptionPage:
    found, cursor = await service.list_subscriptions(session, principal, page)
    return WebhookSubscriptionPage.of(
        [WebhookSubscriptionRead.model_validate(s) for s in found], cursor
    )


@router.post(
    SUBSCRIPTIONS,
    operation_id="create_webhook_subscription",
    summary="Subscribe a URL to events; the signing secret is in this answer only",
    status_code=201,
    responses=problem_responses(TARGET_REFUSED) | created(),
)
async def create_webhook_subscription(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    body: WebhookSubscriptionCreate,
) -> WebhookSubscriptionCreated:
    subscription, secret = await service.create_subscription(
        session, principal, body, request.app.state.settings
    )
    response.headers["Location"] = location_of(
        request, "get_webhook_subscription", subscription_id=subscription.id
    )
    response.headers["Cache-Control"] = "no-store"
    set_etag(response, subscription.version)
    return WebhookSubscriptionCreated(
        **WebhookSubscriptionRead.model_validate(subscription).model_dump(), secret=secret
    )


@router.get(
    SUBSCRIPTIONS + "/{subscription_id}",
    operation_id="get_webhook_subscription",
    summary="Get a webhook subscription",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_webhook_subscription(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    subscription_id: UUID,
) -> WebhookSubscriptionRead:
    subscription = await service.get_subscription(session, principal, subscription_id)
    if unchanged := conditional(request, response, etag_for(subscription.version)):
        return unchanged  # type: ignore[return-value]
    return WebhookSubscriptionRead.model_validate(subscription)


@router.patch(
    SUBSCRIPTIONS + "/{subscription_id}",
    operation_id="update_webhook_subscription",
    summary="Change a webhook subscription (JSON merge patch); `active: false` pauses it",
    responses=problem_responses(NOT_FOUND, CONFLICT, TARGET_REFUSED) | changed(),
)
async def update_webhook_subscription(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    subscription_id: UUID,
    body: Annotated[WebhookSubscriptionUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> WebhookSubscriptionRead:
    subscription = await service.update_subscription(
        session, principal, subscription_id, body, if_match, request.app.state.settings
    )
    set_etag(response, subscription.version)
    return WebhookSubscriptionRead.model_validate(subscription)


@router.delete(
    SUBSCRIPTIONS + "/{subscription_id}",
    operation_id="delete_webhook_subscription",
    summary="Delete a webhook subscription and its delivery log",
    status_code=204,
    responses=problem_responses(NOT_FOUND),
)
async def delete_webhook_subscription(
    session: SessionDep, principal: Writer, subscription_id: UUID, if_match: IfMatch = None
) -> Response:
    await service.delete_subscription(session, principal, subscription_id, if_match)
    return Response(status_code=204)


@router.post(
    SUBSCRIPTIONS + "/{subscription_id}/rotate-secret",
    operation_id="rotate_webhook_secret",
    summary="A new signing secret, in this answer only; the old one signs too for a grace period",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def rotate_webhook_secret(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    subscription_id: UUID,
    if_match: IfMatch = None,
) -> WebhookSubscriptionCreated:
    subscription, secret = await service.rotate_secret(
        session, principal, subscription_id, if_match, request.app.state.settings
    )
    response.headers["Cache-Control"] = "no-store"
    set_etag(response, subscription.version)
    return WebhookSubscriptionCreated(
        **WebhookSubscriptionRead.model_validate(subscription).model_dump(), secret=secret
    )


@router.get(
    SUBSCRIPTIONS + "/{subscription_id}/attempts",
    operation_id="list_webhook_attempts",
    summary="The delivery log: every attempt (by default oldest first)",
    responses=problem_responses(NOT_FOUND),
)
async def list_webhook_attempts(
    session: SessionDep,
    principal: Writer,
    subscription_id: UUID,
    page: Annotated[PageParams, listing(service.ATTEMPTS)],
) -> WebhookAttemptPage:
    found, cursor = await service.list_attempts(session, principal, subscription_id, page)
    return WebhookAttemptPage.of([WebhookAttemptRead.model_validate(a) for a in found], cursor)


@router.post(
    SUBSCRIPTIONS + "/{subscription_id}/ping",
    operation_id="ping_webhook_subscription",
    summary="Send a `ping` event to this subscription, to test its receiver",
    status_code=202,
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def ping_webhook_subscription(
    session: SessionDep, principal: Writer, subscription_id: UUID
) -> PingRead:
    return PingRead(event_id=await service.ping(session, principal, subscription_id))


@router.post(
    SUBSCRIPTIONS + "/{subscription_id}/deliveries/{delivery_id}/replay",
    operation_id="replay_webhook_delivery",
    summary="Send one delivery again (its `delivery_id` is in the delivery log)",
    status_code=202,
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def replay_webhook_delivery(
    session: SessionDep, principal: Writer, subscription_id: UUID, delivery_id: UUID
) -> ReplayRead:
    await service.replay(session, principal, subscription_id, delivery_id)
    return ReplayRead(delivery_id=delivery_id)


@router.post(
    SUBSCRIPTIONS + "/{subscription_id}/redeliver",
    operation_id="redeliver_webhook_events",
    summary="Send again every event of a time range the subscription would get now",
    status_code=202,
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def redeliver_webhook_events(
    session: SessionDep, principal: Writer, subscription_id: UUID, body: RedeliveryRequest
) -> RedeliveryRead:
    count = await service.redeliver(session, principal, subscription_id, body.since, body.until)
    return RedeliveryRead(deliveries=count)
