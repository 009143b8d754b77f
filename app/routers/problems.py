"""The documentation behind every problem `type`: `/problems/<code>` describes that problem."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from app.api.problems import problem_responses
from app.core.errors import NOT_FOUND, PROBLEM_KINDS, ProblemError, ProblemKind, RuleMode
from app.core.i18n import LANGUAGES, Language, _, render

router = APIRouter(prefix="/problems", tags=["problems"])


class ProblemWording(BaseModel):
    title: str
    description: str


class ProblemType(BaseModel):
    code: str
    status: int
    title: str = Field(description="In the answer's language (`Content-Language`).")
    description: str = Field(description="In the answer's language (`Content-Language`).")
    translations: dict[Language, ProblemWording] = Field(
        description="The title and description in each language the API speaks (`en`, `sv`, "
        "`es`), for documentation that shows them side by side."
    )
    mode: RuleMode | None = Field(
        default=None,
        description="For a programme rule, how it holds: `refuse` (every write that would break "
        "it answers 422 and stores nothing) or `report` (the write is accepted and the compliance "
        "views warn until the gap is mended). Null for other problems.",
    )
    reads: list[str] = Field(
        default_factory=list,
        description="For a programme rule, the stored data it is judged on (`table.column`).",
    )
    constraints: list[str] = Field(
        default_factory=list,
        description="For a programme rule, the database constraints that state it too: a change "
        "that breaks one answers this rule's 422, with the constraint's name in `constraint`.",
    )


@router.get(
    "",
    operation_id="list_problem_types",
    summary="Every kind of problem the API answers with, programme rules included",
)
async def list_problem_types() -> list[ProblemType]:
    return [_problem_type(k) for k in sorted(PROBLEM_KINDS.values(), key=lambda k: k.code)]


@router.get(
    "/{code}",
    operation_id="get_problem_type",
    summary="What one kind of problem means",
    responses=problem_responses(NOT_FOUND),
)
async def get_problem_type(code: Annotated[str, Path(max_length=100)]) -> ProblemType:
    kind = PROBLEM_KINDS.get(code)
    if kind is None:
        raise ProblemError(NOT_FOUND, _("No problem type {code}.", code=repr(code)))
    return _problem_type(kind)


def _problem_type(kind: ProblemKind) -> ProblemType:
    return ProblemType(
        code=kind.code,
        status=kind.status,
        title=render(kind.title),
        description=render(kind.description),
        mode=kind.mode,
        reads=list(kind.reads),
        constraints=list(kind.constraints),
        translations={
            language: ProblemWording(
                title=render(kind.title, language), description=render(kind.description, language)
            )
            for language in LANGUAGES
        },
    )
