"""The labels of the closed vocabularies in the caller's language, for front ends to cache
(docs/languages-content.md)."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.auth import OPTIONAL_AUTH, PublicCaller
from app.api.etag import content_etag, not_modified
from app.api.headers import conditional_read
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND, ProblemError
from app.core.i18n import Language, _, current_language
from app.core.vocabularies import enumerations, terms
from app.schemas.vocabularies import Term, VocabularyList, VocabularyRead

router = APIRouter(prefix="/vocabularies", tags=["vocabularies"], route_class=TransactionalRoute)

# The labels change only with a release: a shared cache may keep them a day, per language.
CACHE_CONTROL = "public, max-age=86400"


def _vocabulary(name: str, language: Language) -> VocabularyRead:
    return VocabularyRead(
        name=name,
        language=language,
        terms=[Term(code=code, label=label) for code, label in terms(name, language)],
    )


def _answer(request: Request, response: Response, body: str) -> Response | None:
    """A 304 when the client has this language's labels, else None with the caching headers
    set on the answer (the ETag is a digest of the labels, so one per language)."""
    tag = content_etag(body)
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return None


@router.get(
    "",
    operation_id="list_vocabularies",
    openapi_extra=OPTIONAL_AUTH,
    summary="List the vocabularies with their labels",
    description="Every closed vocabulary (phase kinds, statuses, principles, meeting kinds, "
    "cost categories, organisation types, ...) with the label of each code in the caller's "
    "language (`Accept-Language` or `?lang=`). Cacheable by anyone for a day, per language.",
    responses=conditional_read(),
)
async def list_vocabularies(
    principal: PublicCaller, request: Request, response: Response
) -> VocabularyList:
    language = current_language()
    answer = VocabularyList(
        language=language,
        vocabularies=[_vocabulary(name, language) for name in enumerations()],
    )
    if unchanged := _answer(request, response, answer.model_dump_json()):
        return unchanged  # type: ignore[return-value]
    return answer


@router.get(
    "/{vocabulary}",
    operation_id="get_vocabulary",
    openapi_extra=OPTIONAL_AUTH,
    summary="Get a vocabulary with its labels",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_vocabulary(
    principal: PublicCaller,
    request: Request,
    response: Response,
    vocabulary: Annotated[str, Path(max_length=100, examples=["phase_kind"])],
) -> VocabularyRead:
    if vocabulary not in enumerations():
        raise ProblemError(NOT_FOUND, _("No vocabulary {vocabulary}.", vocabulary=repr(vocabulary)))
    answer = _vocabulary(vocabulary, current_language())
    if unchanged := _answer(request, response, answer.model_dump_json()):
        return unchanged  # type: ignore[return-value]
    return answer
