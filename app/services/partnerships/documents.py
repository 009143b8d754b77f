"""Documents of a partnership and their files: metadata in the database, bytes in the file store.

A file is written to the store before its metadata is flushed, and a replaced or deleted file is
removed only after the transaction committed (`discard`, run by the router once the response is
out), so a stored document never points at a missing file. A failed commit can leave an
unreferenced file behind, never a reference to nothing.
"""

import hashlib
import logging
import re
import unicodedata
import uuid
from urllib.parse import quote
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import (
    CONFLICT,
    NOT_FOUND,
    VALIDATION_ERROR,
    FieldError,
    ProblemError,
    problem_kind,
)
from app.core.i18n import Message, _, render
from app.core.paging import Sorting
from app.core.principal import Principal
from app.core.versions import Expected, check_version
from app.models.enums import SUBMITTED_APPLICATIONS
from app.models.funding import Application
from app.models.partnerships import Document
from app.rules.partnerships import SIGNATURE_FIELDS
from app.schemas.partnerships.documents import DocumentFields, DocumentUpdate
from app.services.access.audit import label_next_flush
from app.services.common import apply_changes
from app.services.partnerships.parts import Parts
from app.storage import FileMissing, FileStore, StorageError

log = logging.getLogger(__name__)

UNSUPPORTED_MEDIA_TYPE = problem_kind(
    "unsupported-media-type",
    415,
    _("Unsupported media type"),
    _(
        "Files are PDF, PNG, JPEG, Word (.docx) or OpenDocument text (.odt), sent with their own "
        "Content-Type, or as application/octet-stream with a file name that ends in the type's "
        "extension; the file's first bytes must match the type."
    ),
)
STORAGE_UNAVAILABLE = problem_kind(
    "storage-unavailable",
    503,
    _("File storage unavailable"),
    _("The file store did not answer; retry later."),
    retry_after_s=30,
)

_ZIP = b"PK\x03\x04"
# Accepted media types: the signatures a file of the type starts with, and its file extension.
ACCEPTED: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (_ZIP, ".docx"),
    "application/vnd.oasis.opendocument.text": (_ZIP, ".odt"),
}
# A generic binary body (what a generated client sends) is typed by its file name's extension.
GENERIC = "application/octet-stream"
BY_EXTENSION = {ext: media for media, (_, ext) in ACCEPTED.items()} | {".jpeg": "image/jpeg"}
FILE_NAME_MAX = 255


def _any_case(text: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in text)


# A file's name ends in one of those extensions, in any case (no inline flag: not every regex
# dialect has one). Unanchored at the start, as JSON Schema's patterns are.
FILE_NAME_PATTERN = r"\.(" + "|".join(_any_case(ext[1:]) for ext in BY_EXTENSION) + ")$"


DOCUMENTS = Parts(
    Document,
    DocumentFields,
    Sorting(
        "documents",
        {
            "created_at": col(Document.created_at),
            "title": col(Document.title),
            "updated_at": col(Document.updated_at),
        },
        default=("created_at",),
        unique=col(Document.id),
        updated=col(Document.updated_at),
    ),
)

list_documents = DOCUMENTS.read_page
get_document = DOCUMENTS.get
create_document = DOCUMENTS.create


async def update_document(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    document_id: UUID,
    patch: DocumentUpdate,
    expected: Expected | None,
) -> Document:
    async def evidence_kept(document: Document, merged: DocumentFields) -> None:
        evidence = ("kind", *SIGNATURE_FIELDS)
        if any(getattr(merged, f) != getattr(document, f) for f in evidence):
            await _not_submitted(session, document, _("given another kind or signatures"))

    return await DOCUMENTS.update(
        session, principal, partnership_id, document_id, patch, expected, check=evidence_kept
    )


async def _not_submitted(session: AsyncSession, document: Document, what: Message) -> None:
    """A document a submitted application rests on stays as it was submitted (409)."""
    application_id = await session.scalar(
        select(Application.id).where(
            col(Application.attachment_ids).contains([document.id]),
            col(Application.status).in_(SUBMITTED_APPLICATIONS),
        )
    )
    if application_id:
        raise ProblemError(
            CONFLICT,
            _(
                "The document is an attachment of application {application_id}, which is submitted:"
                " it cannot be {what}.",
                application_id=application_id,
                what=what,
            ),
        )


async def delete_document(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    document_id: UUID,
    expected: Expected | None,
) -> str | None:
    """Delete the document; answer the key of its file, to `discard` once committed."""

    async def not_attached(document: Document) -> None:
        await _not_submitted(session, document, _("deleted"))
        # A draft (or a withdrawn or decided application) names it too: deleted, it would
        # name a document that is not there (`application-attachments`).
        application_id = await session.scalar(
            select(Application.id).where(col(Application.attachment_ids).contains([document.id]))
        )
        if application_id:
            raise ProblemError(
                CONFLICT,
                _(
                    "The document is an attachment of application {application_id}: it cannot be "
                    "deleted (take it off the draft first).",
                    application_id=application_id,
                ),
            )

    document = await DOCUMENTS.delete(
        session, principal, partnership_id, document_id, expected, check=not_attached
    )
    return document.file_key


def media_type_of(content_type: str | None, file_name: str | None) -> str:
    """The accepted media type a Content-Type header names (parameters dropped), or for
    application/octet-stream the one the file name's extension names; else 415."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == GENERIC:
        _stem, dot, extension = (file_name or "").rpartition(".")
        extension = dot + extension.lower()
        if extension not in BY_EXTENSION:
            raise ProblemError(
                UNSUPPORTED_MEDIA_TYPE,
                _(
                    "A file sent as {generic} needs a file name ending in {extensions}; {name} "
                    "does not.",
                    generic=GENERIC,
                    extensions=", ".join(BY_EXTENSION),
                    name=repr(file_name or "(none)"),
                ),
            )
        return BY_EXTENSION[extension]
    if media not in ACCEPTED:
        raise ProblemError(
            UNSUPPORTED_MEDIA_TYPE,
            _(
                "Content-Type {media} is not accepted; send one of {accepted}.",
                media=media or "(none)",
                accepted=", ".join(ACCEPTED),
            ),
        )
    return media


def check_content(media: str, data: bytes) -> None:
    """Refuse an empty file (422) and one whose first bytes are not of its type (415)."""
    if not data:
        raise ProblemError(
            VALIDATION_ERROR,
            _("The file is empty."),
            errors=[
                FieldError(
                    pointer="", location="body", message=render(_("empty file")), type="missing"
                )
            ],
        )
    signature, _extension = ACCEPTED[media]
    if not data.startswith(signature):
        raise ProblemError(
            UNSUPPORTED_MEDIA_TYPE,
            _("The file's content is not {media}: its first bytes differ.", media=media),
        )


def clean_file_name(name: str | None, media: str) -> str:
    """The last path segment of the client's name, without control characters or quotes, at
    most 255 characters; `document.<ext>` when nothing is left."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C" and c not in '"')
    base = " ".join(base.split()).strip(". ")
    if not base:
        return "document" + ACCEPTED[media][1]
    if len(base) > FILE_NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            base = stem[: FILE_NAME_MAX - len(ext) - 1] + "." + ext
        else:
            base = base[:FILE_NAME_MAX]
    return base


async def put_file(
    session: AsyncSession,
    principal: Principal,
    store: FileStore,
    partnership_id: UUID,
    document_id: UUID,
    *,
    content_type: str | None,
    data: bytes,
    file_name: str | None,
    expected: Expected | None,
) -> tuple[Document, str | None]:
    """Store the file and record it on the document; answer the replaced file's key, if any,
    to `discard` once committed. Replacing a file needs `If-Match`; a first upload may skip it."""
    document = await get_document(session, principal, partnership_id, document_id, for_update=True)
    if document.file_key is not None or expected is not None:
        check_version(expected, document.version)
    if document.file_key is not None:
        await _not_submitted(session, document, _("given another file"))
    media = media_type_of(content_type, file_name)
    check_content(media, data)
    key = f"{document.id}-{uuid.uuid4().hex}"
    try:
        await store.put(key, data, media)
    except StorageError as exc:
        raise _unavailable(exc) from exc
    replaced = document.file_key
    apply_changes(
        document,
        {
            "file_key": key,
            "file_name": clean_file_name(file_name, media),
            "content_type": media,
            "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    label_next_flush(session, "upload")
    await session.flush()
    return document, replaced


def file_etag(document: Document) -> str:
    """The ETag of the document's file (its SHA-256), or 404 when none was uploaded."""
    if document.file_key is None or document.sha256 is None:
        raise ProblemError(NOT_FOUND, _("Document {id} has no file yet.", id=document.id))
    return f'"{document.sha256}"'


async def read_file(store: FileStore, document: Document) -> bytes:
    assert document.file_key is not None  # file_etag() answered 404 otherwise
    try:
        return await store.get(document.file_key)
    except FileMissing:
        raise  # the metadata names a file the store lost: a 500, logged with its traceback
    except StorageError as exc:
        raise _unavailable(exc) from exc


async def discard(store: FileStore, key: str) -> None:
    """Remove a file no document refers to any more (run after the commit)."""
    try:
        await store.delete(key)
    except StorageError:
        log.exception("could not delete a stored file", extra={"file_key": key})


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _unavailable(exc: StorageError) -> ProblemError:
    log.error("file store unavailable", exc_info=exc)
    return ProblemError(STORAGE_UNAVAILABLE)
