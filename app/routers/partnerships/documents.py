"""Documents of a partnership: letters of intent, decisions, reports, and their files."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Query, Request, Response

from app.api.auth import Authenticated, Writer
from app.api.deps import IfMatch, IfMatchToReplace, SessionDep
from app.api.etag import CACHE_CONTROL, conditional, not_modified, set_etag
from app.api.headers import changed, conditional_read, created, header
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND, PAYLOAD_TOO_LARGE
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.schemas.partnerships.documents import (
    DocumentCreate,
    DocumentPage,
    DocumentRead,
    DocumentUpdate,
)
from app.services.partnerships import documents as service
from app.storage import FileStore, file_store

router = APIRouter(
    prefix="/partnerships/{partnership_id}/documents",
    tags=["partnerships"],
    route_class=TransactionalRoute,
)


def get_file_store(request: Request) -> FileStore:
    return file_store(request.app.state.settings)


StoreDep = Annotated[FileStore, Depends(get_file_store)]

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_FILE_CONTENT: dict[str, Any] = {media: _BINARY for media in service.ACCEPTED}
# An upload has a byte at least: an empty file is refused (422).
_NOT_EMPTY = {"schema": {**_BINARY["schema"], "minLength": 1}}
# The generic type last: openapi-python-client sends the last type a body of bytes is listed with.
_UPLOAD_CONTENT: dict[str, Any] = {
    media: _NOT_EMPTY for media in (*service.ACCEPTED, service.GENERIC)
}


@router.get(
    "",
    operation_id="list_documents",
    summary="List a partnership's documents (by default oldest first)",
    responses=problem_responses(NOT_FOUND),
)
async def list_documents(
    session: SessionDep,
    principal: Authenticated,
    partnership_id: UUID,
    page: Annotated[PageParams, listing(service.DOCUMENTS.sorting)],
) -> DocumentPage:
    rows, links = await service.list_documents(session, principal, partnership_id, page)
    return DocumentPage.of([DocumentRead.model_validate(d) for d in rows], links)


@router.post(
    "",
    operation_id="create_document",
    summary="Record a document's metadata (upload its file next)",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_document(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    partnership_id: UUID,
    body: DocumentCreate,
) -> DocumentRead:
    document = await service.create_document(session, principal, partnership_id, body)
    response.headers["Location"] = location_of(
        request, "get_document", partnership_id=partnership_id, document_id=document.id
    )
    set_etag(response, document.version)
    return DocumentRead.model_validate(document)


@router.get(
    "/{document_id}",
    operation_id="get_document",
    summary="Get a document's metadata",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_document(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    document_id: UUID,
) -> DocumentRead:
    document = await service.get_document(session, principal, partnership_id, document_id)
    if unchanged := conditional(request, response, etag_for(document.version)):
        return unchanged  # type: ignore[return-value]
    return DocumentRead.model_validate(document)


@router.patch(
    "/{document_id}",
    operation_id="update_document",
    summary="Change a document's metadata (JSON merge patch)",
    responses=problem_responses(NOT_FOUND, CONFLICT) | changed(),
)
async def update_document(
    session: SessionDep,
    principal: Writer,
    response: Response,
    partnership_id: UUID,
    document_id: UUID,
    body: Annotated[DocumentUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> DocumentRead:
    document = await service.update_document(
        session, principal, partnership_id, document_id, body, if_match
    )
    set_etag(response, document.version)
    return DocumentRead.model_validate(document)


@router.delete(
    "/{document_id}",
    operation_id="delete_document",
    summary="Delete a document and its file",
    status_code=204,
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def delete_document(
    session: SessionDep,
    principal: Writer,
    store: StoreDep,
    background: BackgroundTasks,
    partnership_id: UUID,
    document_id: UUID,
    if_match: IfMatch = None,
) -> Response:
    key = await service.delete_document(session, principal, partnership_id, document_id, if_match)
    if key is not None:
        background.add_task(service.discard, store, key)  # runs after the commit
    return Response(status_code=204)


async def read_body(request: Request) -> bytes:
    return await request.body()


@router.put(
    "/{document_id}/file",
    operation_id="upload_document_file",
    summary="Upload or replace a document's file: the raw bytes, with their Content-Type",
    description=(
        "The body is the file itself (at most `MAX_UPLOAD_BYTES`, 20 MiB by default), sent with "
        "its Content-Type: PDF, PNG, JPEG, .docx or .odt; or as `application/octet-stream` with "
        f"a `filename` whose extension names the type ({', '.join(service.BY_EXTENSION)}). "
        "The file's first bytes must match the type (415 otherwise). Replacing a file needs "
        "`If-Match`; the first upload may omit it. Answers the document's metadata with its new "
        "ETag."
    ),
    responses=problem_responses(
        NOT_FOUND,
        CONFLICT,
        PAYLOAD_TOO_LARGE,
        service.UNSUPPORTED_MEDIA_TYPE,
        service.STORAGE_UNAVAILABLE,
    )
    | changed(),
    openapi_extra={"requestBody": {"required": True, "content": _UPLOAD_CONTENT}},
)
async def upload_document_file(
    # The body is read first, before authentication's query opens a transaction: a slow upload
    # must not hold a database connection idle in a transaction for its whole transfer.
    data: Annotated[bytes, Depends(read_body)],
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    store: StoreDep,
    background: BackgroundTasks,
    partnership_id: UUID,
    document_id: UUID,
    filename: Annotated[
        str | None,
        Query(
            max_length=service.FILE_NAME_MAX,
            pattern=service.FILE_NAME_PATTERN,
            description="The file's name, for its download, ending in one of "
            f"{', '.join(service.BY_EXTENSION)} (in any case): the extension types a body sent "
            f"as {service.GENERIC}.",
        ),
    ] = None,
    if_match: IfMatchToReplace = None,
) -> DocumentRead:
    document, replaced = await service.put_file(
        session,
        principal,
        store,
        partnership_id,
        document_id,
        content_type=request.headers.get("content-type"),
        data=data,
        file_name=filename,
        expected=if_match,
    )
    if replaced is not None:
        background.add_task(service.discard, store, replaced)  # runs after the commit
    set_etag(response, document.version)
    return DocumentRead.model_validate(document)


@router.get(
    "/{document_id}/file",
    operation_id="download_document_file",
    summary="Download a document's file",
    response_class=Response,
    responses=problem_responses(NOT_FOUND, service.STORAGE_UNAVAILABLE)
    | conditional_read(
        description="The file, as uploaded; its ETag is of its bytes",
        content=_FILE_CONTENT,
        headers={
            "Content-Disposition": header(
                "`attachment`, with the file's name.", {"type": "string"}, required=True
            )
        },
    ),
)
async def download_document_file(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    store: StoreDep,
    partnership_id: UUID,
    document_id: UUID,
) -> Response:
    document = await service.get_document(session, principal, partnership_id, document_id)
    tag = service.file_etag(document)
    if not_modified(request, tag):
        return Response(status_code=304, headers={"ETag": tag, "Cache-Control": CACHE_CONTROL})
    return Response(
        content=await service.read_file(store, document),
        media_type=document.content_type,
        headers={
            "ETag": tag,
            "Cache-Control": CACHE_CONTROL,
            "Content-Disposition": service.content_disposition(document.file_name or "document"),
        },
    )
