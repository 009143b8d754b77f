"""The app factory: routers, middleware, error handlers, lifespan."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import app.rules  # noqa: F401  (registers the rules' problem types)
from app.api.framework import match_routers_by_paths, remember_declarations
from app.api.middleware import (
    CompressionMiddleware,
    RequestContextMiddleware,
    RequestGuardMiddleware,
)
from app.api.oidc import OidcVerifier
from app.api.openapi import install_openapi
from app.api.problems import install_problem_handlers
from app.api.ratelimit import RateLimitMiddleware
from app.api.routing import skip_routers_by_prefix
from app.db.engine import make_engine, make_sessionmaker, resolve_database_url
from app.db.listen import listen
from app.db.migrations import head_revision
from app.logging import stamp_request_ids
from app.routers import (
    calendars,
    continuity,
    countries,
    elections,
    events,
    health,
    iati,
    organisations,
    partner_interests,
    people,
    problems,
    programmes,
    public,
    vocabularies,
)
from app.routers.access import api_keys, audit_events, users
from app.routers.funding import applications, figures, grants, rounds
from app.routers.networks import networks, workshops
from app.routers.partnerships import (
    compliance,
    documents,
    meetings,
    members,
    partnerships,
    phases,
    results,
)
from app.services.access.audit import install_audit_hook
from app.services.access.principals import AUTH_CHANNEL, PrincipalCache
from app.services.partnerships.documents import ACCEPTED as DOCUMENT_TYPES
from app.settings import Settings, get_settings

API_PREFIX = "/api/v1"
GZIP_MIN_BYTES = 1024
"""Smaller answers go uncompressed: a few hundred bytes gain little and cost a compressor."""
GZIP_LEVEL = 1
"""zlib's fastest: a page of 100 organisations (25 KiB) to 3.7 KiB in about 0.1 ms, where level 6
makes 3.3 KiB in 0.4 ms (bench/README.md, "Compression")."""
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"

DESCRIPTION = """
The backend of ICLD's Municipal Partnership Programme (Kommunalt partnerskap): Swedish
municipalities and regions paired with local governments abroad, funded by Sida through ICLD.

Conventions (see `docs/conventions.md`): JSON in snake_case; timestamps RFC 3339 in UTC; dates
ISO 8601; money as `{"amount": "12500.00", "currency": "SEK"}`; errors as RFC 9457 problem details
(`application/problem+json`); lists paged with `limit` and an opaque `cursor`; `ETag` on reads and
`If-Match` on changes (412 when stale); PATCH is a JSON merge patch.
"""


def create_app(settings: Settings | None = None, *, database_url: str | None = None) -> FastAPI:
    settings = settings or get_settings()
    stamp_request_ids()
    skip_routers_by_prefix()
    remember_declarations()
    match_routers_by_paths()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = database_url or resolve_database_url(settings)
        engine = make_engine(url, settings)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        principals: PrincipalCache = app.state.principals
        listener = asyncio.create_task(
            listen(
                url,
                AUTH_CHANNEL,
                principals.forget,
                principals.connected,
                connect_timeout_s=settings.db_connect_timeout_s,
            )
        )
        # What exists by now (modules, the app, its schemas and prepared statements) lives as
        # long as the process: frozen out of the garbage collector, which would otherwise walk
        # it all on every full collection, a pause of tens of ms under load (bench/README.md).
        # One webhook worker in this process (WORKER_IN_PROCESS), so `make run` needs nothing
        # else; production can run `partnership-api worker` processes instead (docs/events.md).
        worker = None
        if settings.worker_in_process:
            from app.services.jobs import make_queue, run_worker

            worker = asyncio.create_task(run_worker(make_queue(settings, url, engine), settings))
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # an app started again in the same process (tests) starts afresh
            listener.cancel()
            with suppress(asyncio.CancelledError):
                await listener
            if worker is not None:
                worker.cancel()
                with suppress(asyncio.CancelledError):
                    await worker
            await engine.dispose()

    app = FastAPI(
        title="Partnership API",
        version="1.0.0",
        summary="ICLD's municipal partnership programme for local democracy",
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry spans and metrics cost time on every request even with no
        # exporter; they are on only when asked for (TELEMETRY=true plus the OTEL_* settings).
        telemetry={
            "tracing": settings.telemetry,
            "metrics": settings.telemetry,
            "logs": settings.telemetry,
            "operation_spans": settings.telemetry,
        },
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": "countries", "description": "ISO countries and ICLD partner-country periods."},
            {"name": "organisations", "description": "Municipalities, regions and partner bodies."},
            {"name": "people", "description": "Politicians and officials (personal data)."},
            {
                "name": "partnerships",
                "description": "Partnerships, their phases, decisions and groups.",
            },
            {"name": "access", "description": "API keys, users and the audit trail (admins)."},
            {
                "name": "networks",
                "description": "Thematic networks, their members, workshops and figures.",
            },
            {"name": "calendars", "description": "iCalendar feeds to subscribe to."},
            {
                "name": "funding",
                "description": "Application rounds, applications, grants, reports and payments.",
            },
            {"name": "programmes", "description": "Training programmes and study visits."},
            {
                "name": "partner-search",
                "description": "Declarations of interest, their ranked matches, and the draft "
                "partnership a match becomes.",
            },
            {
                "name": "continuity",
                "description": "Elections, and whether each partnership's steering group "
                "survives them (docs/continuity.md).",
            },
            {
                "name": "public",
                "description": "Published partnerships, announced networks and listed "
                "declarations of interest, for anyone.",
            },
            {
                "name": "events",
                "description": "Event types and signed webhooks for other systems.",
            },
            {
                "name": "vocabularies",
                "description": "The labels of the closed vocabularies in three languages.",
            },
            {"name": "problems", "description": "What each problem `type` means."},
            {"name": "health", "description": "Liveness and readiness."},
        ],
    )
    app.state.settings = settings
    app.state.expected_migration = head_revision()
    app.state.oidc = OidcVerifier(settings)
    # Served from only while the lifespan's listener is connected (services/access/principals.py)
    app.state.principals = PrincipalCache(settings.auth_cache_ttl_s)
    install_audit_hook()
    install_problem_handlers(app)
    install_openapi(app)

    # First: a load balancer's probes are matched before the 26 routers below are tried (each
    # costs a match even when skipped by its prefix: bench/README.md, "The floor"). And as the
    # app's own routes, not an included router, which FastAPI matches twice per request with
    # bookkeeping each time (a fifth of /healthz's time in the app: bench/README.md, "Floor").
    # Its routes carry its tags already; it has no prefix or dependencies to lose.
    if health.router.prefix or health.router.dependencies:
        raise RuntimeError("the health routes are the app's own: no prefix, no dependencies")
    app.router.routes.extend(health.router.routes)
    for router in (
        countries.router,
        organisations.router,
        people.router,
        partnerships.router,
        phases.router,
        members.router,
        meetings.router,
        compliance.partnership_router,
        continuity.partnership_router,
        documents.router,
        results.router,
        calendars.router,
        compliance.router,
        public.router,
        programmes.router,
        networks.router,
        workshops.router,
        rounds.router,
        applications.router,
        grants.router,
        figures.router,
        iati.router,
        api_keys.router,
        users.router,
        audit_events.router,
        events.router,
        partner_interests.router,
        elections.router,
        continuity.router,
        vocabularies.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(problems.router)
    _mount_docs(app)

    # Outermost last: the request id wraps everything, so even a 413, 429 or 500 carries it.
    app.add_middleware(
        RequestGuardMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(RateLimitMiddleware, settings=settings)
    # Documents' files are PDF, images or zip archives already: never compressed again.
    app.add_middleware(
        CompressionMiddleware,
        minimum_size=GZIP_MIN_BYTES,
        compresslevel=GZIP_LEVEL,
        exclude_content_types=tuple(DOCUMENT_TYPES),
    )
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:  # with none, browsers are refused by their own same-origin rule
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "X-Request-ID",
                "Idempotency-Key",
            ],
            expose_headers=[
                "ETag",
                "Location",
                "X-Request-ID",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "Content-Disposition",
                "Idempotent-Replayed",
            ],
        )
    return app


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI and ReDoc from assets shipped in a wheel: intranets often cannot reach a CDN."""
    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="Partnership API",
            swagger_js_url=f"{root}/docs-assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/docs-assets/swagger-ui.css",
            swagger_favicon_url=f"{root}/docs-assets/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}/openapi.json",
            title="Partnership API",
            redoc_js_url=f"{root}/docs-assets/redoc.standalone.js",
            redoc_favicon_url=f"{root}/docs-assets/favicon.png",
            with_google_fonts=False,
        )
