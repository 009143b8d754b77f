"""Liveness and readiness, for load balancers and orchestrators."""

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from app.api.problems import problem_responses
from app.core.errors import ProblemError, problem_kind
from app.core.i18n import _

router = APIRouter(tags=["health"])

NOT_READY = problem_kind(
    "not-ready",
    503,
    _("Not ready"),
    _("The database does not answer, or its schema is not at the migration this code expects."),
    retry_after_s=5,
)


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    migration: str


@router.get("/healthz", operation_id="get_health", summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="get_readiness",
    summary="The database answers and its schema is at the migration head",
    responses=problem_responses(NOT_READY),
)
async def readyz(request: Request) -> Readiness:
    expected: str = request.app.state.expected_migration
    try:
        async with request.app.state.sessionmaker() as session:
            current = await session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception as exc:  # any failure to reach the database means "not ready"
        raise ProblemError(NOT_READY, _("The database did not answer.")) from exc
    if current != expected:
        raise ProblemError(
            NOT_READY,
            _(
                "The schema is at migration {current}, the code expects {expected}.",
                current=current,
                expected=expected,
            ),
            migration=current,
            expected_migration=expected,
        )
    return Readiness(status="ok", migration=current)
