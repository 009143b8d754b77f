"""The command line: `partnership-api serve | worker | migrate | demo-data | check |
create-api-key | openapi`."""

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from app.logging import configure_logging
from app.models.enums import Role
from app.settings import Settings, get_settings

log = logging.getLogger("partnership_api")


def _database_url(settings: Settings) -> str:
    from app.db.engine import resolve_database_url

    return resolve_database_url(settings)


def migrate(settings: Settings, url: str) -> None:
    from app.db.migrations import upgrade_to_head

    upgrade_to_head(url)
    log.info("database at migration head")


def demo_data(settings: Settings, url: str) -> None:
    from app.core.principal import system_principal
    from app.db.engine import make_engine, make_sessionmaker
    from app.demo.seeds import load_demo_data

    async def load() -> dict[str, int]:
        engine = make_engine(url, settings)
        try:
            async with make_sessionmaker(engine)() as session:
                session.info["principal"] = system_principal("demo-data")
                added = await load_demo_data(session)
                await session.commit()
                return added
        finally:
            await engine.dispose()

    log.info("demo data loaded", extra={"added": asyncio.run(load())})


def check(settings: Settings, url: str) -> int:
    """Re-judge every refuse-rule over the whole database: print each row that breaks one
    (`rule.<code>  <url>  <message>`) and a closing count; 1 when any does, 0 when none, 2 when
    the check could not run to its end (never a pass, nor mistaken for findings)."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.db.engine import make_engine
    from app.services.integrity import RULES, Audited, audit_database, audits

    async def run() -> int:
        engine = make_engine(url, settings)
        found = 0
        try:
            async for finding in audit_database(engine):
                print(finding.line(), flush=True)
                found += 1
        finally:
            await engine.dispose()
        return found

    started = time.perf_counter()
    try:
        found = asyncio.run(run())
    except (OSError, SQLAlchemyError) as exc:
        print(f"check: the database could not be read: {exc}", file=sys.stderr)
        return 2
    except Exception:
        traceback.print_exc()
        print("check: stopped before every rule was judged", file=sys.stderr)
        return 2
    judged = sum(isinstance(how, Audited) for how in RULES.values())
    print(
        f"{found} row(s) break a rule; {judged} refuse-rules judged by {len(audits())} audits "
        f"in {time.perf_counter() - started:.1f} s, {len(RULES) - judged} cannot be judged on "
        "stored state (docs/rules.md)"
    )
    return 1 if found else 0


def create_api_key(
    settings: Settings, url: str, name: str, role: str, organisations: list[str]
) -> None:
    """Make an API key (the first admin's, typically) and print its secret once."""
    from uuid import UUID

    from app.core.errors import ProblemError
    from app.core.principal import system_principal
    from app.db.engine import make_engine, make_sessionmaker
    from app.schemas.access import ApiKeyCreate
    from app.services.access.api_keys import create_api_key as create

    try:
        data = ApiKeyCreate(
            name=name, role=Role(role), organisation_ids=[UUID(o) for o in organisations]
        )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError too
        raise SystemExit(f"create-api-key: {exc}") from None

    async def make() -> str:
        engine = make_engine(url, settings)
        try:
            async with make_sessionmaker(engine)() as session:
                session.info["principal"] = system_principal("command line")
                try:
                    key, token = await create(session, session.info["principal"], data)
                except ProblemError as exc:
                    raise SystemExit(f"create-api-key: {exc.detail}") from None
                await session.commit()
                log.info("api key created", extra={"key_id": str(key.id), "role": role})
                return token
        finally:
            await engine.dispose()

    print(asyncio.run(make()))


def serve(settings: Settings, url: str, *, with_demo_data: bool) -> None:
    import uvicorn

    from app.main import create_app

    if settings.migrate_on_start:
        migrate(settings, url)
    if with_demo_data:
        from app.demo.iati import DEMO_REPORTING_ORG_REF, demo_settings

        demo_data(settings, url)
        if settings.iati_reporting_org_ref not in (None, DEMO_REPORTING_ORG_REF):
            log.warning(
                "serve --demo-data: IATI_REPORTING_ORG_REF is ignored, the demo identifier used",
                extra={"iati_reporting_org_ref": DEMO_REPORTING_ORG_REF},
            )
        settings = demo_settings(settings)
    # Uvicorn re-raises SIGTERM after its graceful shutdown; with the default handler that kills
    # the process before atexit runs, leaving the embedded PostgreSQL running. Exit normally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    served: dict[str, Any]
    if settings.workers == 1:
        served = {"app": create_app(settings, database_url=url)}
    else:
        # Each worker process builds its own app (its pool, its listener) from these settings,
        # as resolved here (the embedded database's URL, the demo's settings).
        os.environ[_SERVED_SETTINGS] = settings.model_dump_json()
        os.environ[_SERVED_URL] = url
        served = {
            "app": "app.cli:served_app",
            "factory": True,
            "workers": settings.workers,
            # A worker answers the parent's health check only once it has imported this module
            # (and with it the models): 5 s, uvicorn's default, is too short on a busy machine,
            # and the parent would kill and restart it for ever.
            "timeout_worker_healthcheck": 60,
        }
    uvicorn.run(
        **served,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=20,
    )


_SERVED_SETTINGS = "PARTNERSHIP_API_SERVED_SETTINGS"
_SERVED_URL = "PARTNERSHIP_API_SERVED_URL"


def served_app() -> Any:
    """The app of one of `serve`'s worker processes (WORKERS > 1), with the settings `serve`
    resolved."""
    from app.main import create_app

    settings = Settings.model_validate_json(os.environ[_SERVED_SETTINGS])
    return create_app(settings, database_url=os.environ[_SERVED_URL])


def worker(settings: Settings, url: str) -> None:
    """A webhook worker until SIGTERM or SIGINT; run as many as needed, on as many hosts: they
    share the queue in PostgreSQL, and each job runs in one of them (docs/events.md)."""
    from app.db.engine import make_engine
    from app.services.jobs import make_queue, run_worker

    async def run() -> None:
        engine = make_engine(url, settings)
        task = asyncio.create_task(run_worker(make_queue(settings, url, engine), settings))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            log.info("worker stopped")
        finally:
            await engine.dispose()

    if settings.migrate_on_start:
        migrate(settings, url)
    asyncio.run(run())


def openapi(output: Path, check: bool) -> int:
    from app.openapi_markdown import render_openapi_markdown

    text = render_openapi_markdown()
    if check:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            print(
                f"{output} is stale: run `partnership-api openapi` and commit it", file=sys.stderr
            )
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="partnership-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="migrate, then serve on HOST:PORT")
    run.add_argument("--demo-data", action="store_true", help="load the demo data first")
    commands.add_parser("migrate", help="upgrade the database to the latest migration")
    commands.add_parser("worker", help="deliver webhooks (as many workers as wanted)")
    commands.add_parser("demo-data", help="load the demo data (idempotent)")
    commands.add_parser(
        "check",
        help="re-judge every refuse-rule over the stored data; print each row that breaks one, "
        "exit 1 if any does",
    )
    key = commands.add_parser("create-api-key", help="create an API key and print its secret once")
    key.add_argument("--name", required=True, help="what the key is for")
    key.add_argument("--role", required=True, choices=[r.value for r in Role])
    key.add_argument(
        "--organisation", action="append", default=[], help="an organisation id (repeatable)"
    )
    doc = commands.add_parser("openapi", help="write openapi.md from the live OpenAPI document")
    doc.add_argument("--output", type=Path, default=Path("openapi.md"))
    doc.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)

    settings = get_settings()
    configure_logging(settings.log_level)
    if args.command == "openapi":
        return openapi(args.output, args.check)
    url = _database_url(settings)
    if args.command == "migrate":
        migrate(settings, url)
    elif args.command == "demo-data":
        demo_data(settings, url)
    elif args.command == "check":
        return check(settings, url)
    elif args.command == "create-api-key":
        create_api_key(settings, url, args.name, args.role, args.organisation)
    elif args.command == "worker":
        worker(settings, url)
    elif args.command == "serve":
        serve(settings, url, with_demo_data=args.demo_data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
