"""The job queue (procrastinate, on the app's database; docs/events.md, "Running workers"): the
webhook delivery task and the periodic tasks, and the worker that runs them.

It sits above the domains' services, which it calls (delivery, retention, `report.overdue`,
`partnership.continuity_at_risk`, the Idempotency-Key sweep), so none of them depends on another
through it."""

import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID

import procrastinate
from procrastinate import JobContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.clock import today
from app.services.continuity_notices import announce_continuity_at_risk
from app.services.events.delivery import QUEUE, TASK, DeliveryRetry, deliver
from app.services.events.retention import sweep_expired_events
from app.services.funding.overdue import announce_overdue_reports
from app.services.idempotency import sweep_expired_keys
from app.settings import Settings

log = logging.getLogger("partnership_api.webhooks")

SWEEP_TASK = "sweep_idempotency_keys"
OVERDUE_TASK = "announce_overdue_reports"
RETENTION_TASK = "sweep_expired_events"
CONTINUITY_TASK = "announce_continuity_at_risk"


def libpq_dsn(url: str) -> str:
    """psycopg's form of the app's SQLAlchemy URL (a socket folder stays in `host`)."""
    parsed = make_url(url).set(drivername="postgresql")
    host = parsed.query.get("host")
    dsn = parsed.set(query={}).render_as_string(hide_password=False)
    return f"{dsn}?host={host}" if host else dsn


def make_queue(settings: Settings, url: str, engine: AsyncEngine) -> procrastinate.App:
    """procrastinate on the app's database (its tables in the schema `procrastinate`), with the
    delivery task and the periodic tasks. A periodic task is deferred once per period across
    all workers (procrastinate's periodic deferrer), and each is safe to run twice anyway."""
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_dsn(url),
        min_size=1,
        max_size=settings.worker_concurrency + 2,
        kwargs={"options": "-c search_path=procrastinate -c TimeZone=UTC"},
    )
    queue = procrastinate.App(connector=connector)

    @queue.task(name=TASK, queue=QUEUE, retry=DeliveryRetry(settings), pass_context=True)
    async def deliver_webhook(context: JobContext, delivery_id: str) -> None:
        attempt = context.job.attempts if context.job is not None else 0
        await deliver(engine, settings, UUID(delivery_id), attempt)

    @queue.periodic(cron="* * * * *", periodic_id="retry-stalled")
    @queue.task(name="retry_stalled_jobs", queue=QUEUE)
    async def retry_stalled_jobs(timestamp: int) -> None:
        """Jobs left `doing` by a worker that died (no heartbeat for 30 s) run again: at least
        once, even then."""
        for job in await queue.job_manager.get_stalled_jobs():
            log.warning("retrying a stalled job", extra={"job_id": job.id})
            await queue.job_manager.retry_job(job)

    @queue.periodic(cron="*/10 * * * *", periodic_id="sweep-idempotency-keys")
    @queue.task(name=SWEEP_TASK, queue=QUEUE)
    async def sweep_idempotency_keys(timestamp: int) -> None:
        """Idempotency-Key answers past their 24 hours are deleted (docs/conventions.md)."""
        async with AsyncSession(engine) as session, session.begin():
            swept = await sweep_expired_keys(session)
        log.info("idempotency keys swept", extra={"swept": swept})

    @queue.periodic(cron="7 * * * *", periodic_id="announce-overdue-reports")
    @queue.task(name=OVERDUE_TASK, queue=QUEUE)
    async def announce_overdue(timestamp: int) -> None:
        """`report.overdue` for the reports overdue today (Stockholm's day), each once."""
        async with AsyncSession(engine) as session, session.begin():
            announced = await announce_overdue_reports(session, today())
        log.info("overdue reports announced", extra={"announced": announced})

    @queue.periodic(cron="17 * * * *", periodic_id="announce-continuity-at-risk")
    @queue.task(name=CONTINUITY_TASK, queue=QUEUE)
    async def announce_continuity(timestamp: int) -> None:
        """`partnership.continuity_at_risk` for the partnerships at risk at an election in the
        next 12 months (Stockholm's day), each (partnership, election) once."""
        async with AsyncSession(engine) as session, session.begin():
            announced = await announce_continuity_at_risk(session, today())
        log.info("continuity at risk announced", extra={"announced": announced})

    @queue.periodic(cron="37 * * * *", periodic_id="sweep-expired-events")
    @queue.task(name=RETENTION_TASK, queue=QUEUE)
    async def sweep_events(timestamp: int) -> None:
        """Events, delivery attempts and finished jobs older than EVENT_RETENTION_DAYS."""
        retention = timedelta(days=settings.event_retention_days)
        attempts, events = await sweep_expired_events(engine, datetime.now(UTC) - retention)
        await queue.job_manager.delete_old_jobs(
            nb_hours=settings.event_retention_days * 24,
            queue=QUEUE,
            include_failed=True,
            include_cancelled=True,
            include_aborted=True,
        )
        log.info("events swept", extra={"events": events, "attempts": attempts})

    return queue


async def run_worker(queue: procrastinate.App, settings: Settings) -> None:
    """A worker until cancelled: jobs as they are deferred (LISTEN/NOTIFY), and those due (the
    retries) every WORKER_POLLING_INTERVAL_S."""
    try:
        async with queue.open_async():
            await queue.run_worker_async(
                queues=[QUEUE],
                concurrency=settings.worker_concurrency,
                fetch_job_polling_interval=settings.worker_polling_interval_s,
                install_signal_handlers=False,
                delete_jobs="successful",
            )
    except Exception:
        log.exception("the webhook worker stopped")
        raise
