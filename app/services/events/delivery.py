"""Delivery: procrastinate's job queue on PostgreSQL runs one job per delivery; the job signs the
event per Standard Webhooks and POSTs it; a failure that may pass (5xx, 408, 429, a timeout, a
connection error) is retried with exponential backoff and jitter (docs/events.md).

The jobs are deferred by the database itself, in the transaction of the change (the fan-out
trigger of migration 0018, which names `QUEUE` and `TASK`); this module sends them, and
`app/services/jobs.py` registers the task with the queue's worker."""

import asyncio
import json
import logging
import random
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID, uuid4

import httpx
import sqlalchemy as sa
from procrastinate import RetryDecision
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook

from app.models.events import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.schemas.events import EventEnvelope
from app.services.events.targets import Address, TargetRefused, check_target
from app.settings import Settings

log = logging.getLogger("partnership_api.webhooks")

QUEUE = "webhooks"
TASK = "deliver_webhook"
RESPONSE_BYTES_READ = 4096
"""At most this much of a receiver's answer is read (and kept, cut to 500 characters, when it
is an error)."""
USER_AGENT = "partnership-api-webhooks/1"


class Retryable(Exception):
    """A failed attempt that may succeed later."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class DeliveryRetry(BaseRetryStrategy):
    """Exponential backoff with jitter: attempt n waits a random time between half and all of
    base * 2**n, at most WEBHOOK_RETRY_MAX_DELAY_S, or the receiver's Retry-After if longer;
    WEBHOOK_MAX_ATTEMPTS attempts in all (about a day with the defaults)."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings.webhook_retry_base_s
        self.max_delay = settings.webhook_retry_max_delay_s
        self.max_attempts = settings.webhook_max_attempts

    def delay(self, attempts: int, retry_after: float | None) -> float:
        ceiling = min(self.max_delay, self.base * 2**attempts)
        wait = random.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, Retryable) or job.attempts + 1 >= self.max_attempts:
            return None
        wait = timedelta(seconds=self.delay(job.attempts, exception.retry_after))
        decision: RetryDecision = RetryDecision(retry_at=datetime.now(UTC) + wait)
        return decision


def envelope(event: Any, base_url: str | None) -> dict[str, Any]:
    """What a receiver gets: the event, its object, who acted, and the payload (`data`); the
    same envelope `GET /api/v1/events` lists."""
    return EventEnvelope.of(event, base_url).model_dump(mode="json")


def signature(subscription: Any, msg_id: str, at: datetime, body: str) -> str:
    """`webhook-signature`: by the secret, and by the one before it during its grace period."""
    signatures = [Webhook(subscription.secret).sign(msg_id, at, body)]
    previous, until = subscription.previous_secret, subscription.previous_secret_expires_at
    if previous and until is not None and until > at:
        signatures.append(Webhook(previous).sign(msg_id, at, body))
    return " ".join(signatures)


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the backoff decides


def _pinned(url: str, address: Address) -> tuple[str, dict[str, str], dict[str, Any]]:
    """`url` with its host replaced by the address that was checked, the Host header it named,
    and the TLS server name to verify: the connection goes where the check looked, whatever the
    name resolves to a moment later (DNS rebinding)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    named = f"{host}:{parts.port}" if parts.port else host
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"Host": named}, extensions


async def _post(
    url: str, address: Address, body: str, headers: dict[str, str], settings: Settings
) -> httpx.Response:
    timeout = httpx.Timeout(
        settings.webhook_read_timeout_s,
        connect=settings.webhook_connect_timeout_s,
        pool=settings.webhook_connect_timeout_s,
    )
    pinned, host, extensions = _pinned(url, address)
    async with (
        httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client,
        client.stream(
            "POST",
            pinned,
            content=body.encode(),
            headers={**headers, **host},
            extensions=extensions,
        ) as response,
    ):
        read = b""
        async for chunk in response.aiter_raw():
            read += chunk
            if len(read) >= RESPONSE_BYTES_READ:
                break
        response._content = read[:RESPONSE_BYTES_READ]  # what is kept of it, at most
        return response


async def deliver(engine: AsyncEngine, settings: Settings, delivery_id: UUID, attempt: int) -> None:
    deliveries, subscriptions, events = (
        WebhookDelivery.__table__,  # type: ignore[attr-defined]
        WebhookSubscription.__table__,  # type: ignore[attr-defined]
        Event.__table__,  # type: ignore[attr-defined]
    )
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(
                    deliveries.c.status,
                    subscriptions.c.id.label("subscription_id"),
                    subscriptions.c.url,
                    subscriptions.c.active,
                    subscriptions.c.secret,
                    subscriptions.c.previous_secret,
                    subscriptions.c.previous_secret_expires_at,
                    # The owner may still read the object now (a key revoked, a coordinator's
                    # organisations changed): judged at each send, so retries and replays too.
                    sa.case(
                        (events.c.type == "ping", sa.true()),
                        else_=sa.func.webhook_owner_reads(
                            subscriptions.c.owner_type,
                            subscriptions.c.owner_id,
                            sa.func.webhook_readers(
                                events.c.partnership_id, events.c.organisation_id
                            ),
                        ),
                    ).label("owner_reads"),
                    *(c.label(f"event_{c.key}") for c in events.c),
                )
                .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
                .join(events, events.c.id == deliveries.c.event_id)
                .where(deliveries.c.id == delivery_id)
            )
        ).first()
    if row is None:
        return  # its subscription was deleted
    # A delivery already made is sent again: each job is one send asked for (a replay, a
    # redelivery, a stalled job run again); at least once, receivers dedupe by webhook-id.
    if not row.active or not row.owner_reads:
        await _finish(engine, delivery_id, status="skipped")
        return
    event = SimpleNamespace(**{k[6:]: v for k, v in row._mapping.items() if k.startswith("event_")})
    body = json.dumps(envelope(event, settings.public_base_url), separators=(",", ":"))
    now = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": str(event.id),
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature(row, str(event.id), now, body),
    }
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    retryable = True
    started = time.perf_counter()
    # The whole delivery, not only each read, is bounded: a receiver that trickles its answer
    # does not hold a worker.
    total = settings.webhook_connect_timeout_s + settings.webhook_read_timeout_s
    try:
        addresses = await check_target(row.url, settings)
        async with asyncio.timeout(total):
            response = await _post(row.url, addresses[0], body, headers, settings)
        status = response.status_code
        if not 200 <= status < 300:
            error = response.content.decode("utf-8", "replace")[:500] or None
            retryable = status >= 500 or status in (408, 429)
            if status in (408, 429):
                retry_after = _retry_after(response.headers.get("retry-after"))
    except TargetRefused as reason:
        error, retryable = f"target refused: {reason}", False
    except httpx.TimeoutException as exc:
        error = f"timeout: {type(exc).__name__}"
    except TimeoutError:
        error = f"timeout: no whole answer within {total} s"
    except httpx.HTTPError as exc:
        error = f"connection error: {type(exc).__name__}: {exc}"[:500]
    duration_ms = round((time.perf_counter() - started) * 1000)
    success = status is not None and 200 <= status < 300
    exhausted = attempt + 1 >= settings.webhook_max_attempts
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(WebhookAttempt.__table__).values(  # type: ignore[attr-defined]
                id=uuid4(),
                delivery_id=delivery_id,
                subscription_id=row.subscription_id,
                event_id=event.id,
                attempted_at=now,
                status_code=status,
                duration_ms=duration_ms,
                error=error,
                success=success,
            )
        )
        final = "delivered" if success else "failed" if not retryable or exhausted else "pending"
        await conn.execute(
            sa.update(deliveries)
            .where(deliveries.c.id == delivery_id)
            .values(
                status=final,
                attempts=deliveries.c.attempts + 1,
                delivered_at=now if success else None,
            )
        )
        if retryable and exhausted and not success:
            # Failing for about a day: paused, with why, until its owner resumes it.
            await conn.execute(
                sa.update(subscriptions)
                .where(subscriptions.c.id == row.subscription_id)
                .values(
                    active=False,
                    paused_reason=f"Paused after {attempt + 1} failed attempts; last: "
                    + (f"HTTP {status}: {error or ''}" if status is not None else str(error))[:400],
                    version=subscriptions.c.version + 1,
                    updated_at=now,
                )
            )
    log.info(
        "webhook attempt",
        extra={
            "delivery_id": str(delivery_id),
            "status_code": status,
            "duration_ms": duration_ms,
            "success": success,
        },
    )
    if not success and retryable and not exhausted:
        raise Retryable(error or f"HTTP {status}", retry_after)


async def _finish(engine: AsyncEngine, delivery_id: UUID, *, status: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(WebhookDelivery.__table__)  # type: ignore[attr-defined]
            .where(WebhookDelivery.__table__.c.id == delivery_id)  # type: ignore[attr-defined]
            .values(status=status)
        )
