"""Documents: metadata, the letter-of-intent dates, and files on a local folder or S3 (moto)."""

import hashlib
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from httpx import ASGITransport, AsyncClient, Response
from jsonschema import Draft202012Validator
from moto.server import ThreadedMotoServer
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker

from app.main import create_app
from app.models.enums import Role
from app.settings import Settings
from tests.conftest import api_key, authorised
from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_partnership

FILE_FIELDS = ("file_name", "content_type", "size_bytes", "sha256")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LETTER = {
    "kind": "letter_of_intent",
    "title": "Letter of intent Alingsås - Chililabombwe",
    "swedish_signed_on": "2014-03-10",
    "partner_signed_on": "2014-03-24",
}


@asynccontextmanager
async def app_client(settings: Settings, connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    """An administrator's client of an app made with these settings, in the test's transaction."""
    app = create_app(settings)
    app.state.sessionmaker = async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    token = await api_key(connection, Role.admin)
    async with AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        yield http


@pytest.fixture
def storage(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
async def files(
    settings: Settings, connection: AsyncConnection, storage: Path
) -> AsyncIterator[AsyncClient]:
    """An administrator's client whose app keeps files under the test's own folder."""
    async with app_client(settings.model_copy(update={"storage_dir": storage}), connection) as http:
        yield http


async def partnership(client: AsyncClient) -> dict[str, Any]:
    partner = await create_organisation(client)  # Chililabombwe, Zambia
    return await create_partnership(client, partner["id"], swedish_code="1489")  # Alingsås


def documents_url(p: dict[str, Any]) -> str:
    return f"{PARTNERSHIPS_PATH}/{p['id']}/documents"


async def create_document(
    client: AsyncClient, p: dict[str, Any], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post(documents_url(p), json=body or LETTER)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def upload(
    client: AsyncClient,
    url: str,
    data: bytes,
    content_type: str | None = "application/pdf",
    **params: str,
) -> Response:
    headers = {"Content-Type": content_type} if content_type else {}
    if "if_match" in params:
        headers["If-Match"] = params.pop("if_match")
    return await client.put(f"{url}/file", content=data, headers=headers, params=params)


def stored(folder: Path) -> list[bytes]:
    return [f.read_bytes() for f in sorted(folder.iterdir())] if folder.exists() else []


async def audit_actions(client: AsyncClient, document_id: str) -> list[str]:
    response = await client.get(
        "/api/v1/audit-events", params={"object_type": "documents", "object_id": document_id}
    )
    assert response.status_code == 200, response.text
    return [e["action"] for e in response.json()["items"]]


async def test_document_metadata_can_be_listed_read_changed_and_deleted(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    created = await client.post(documents_url(p), json=LETTER)
    assert created.status_code == 201, created.text
    document = created.json()
    url = f"{documents_url(p)}/{document['id']}"
    assert created.headers["location"] == url
    assert created.headers["etag"] == '"v1"'
    assert {k: document[k] for k in (*LETTER, "partnership_id")} == {
        **LETTER,
        "partnership_id": p["id"],
    }
    assert [document[k] for k in FILE_FIELDS] == [None] * 4
    decision = await create_document(client, p, {"kind": "decision", "title": "ICLD 2014/12"})

    listed = await client.get(documents_url(p))
    # Oldest first, then by id: in the test's one transaction both have the same created_at.
    assert [d["id"] for d in listed.json()["items"]] == sorted([document["id"], decision["id"]])
    read = await client.get(url)
    assert (read.json(), read.headers["etag"]) == (document, '"v1"')
    assert (await client.get(url, headers={"If-None-Match": '"v1"'})).status_code == 304

    change = {"partner_signed_on": "2014-03-25"}
    assert (await client.patch(url, json=change)).status_code == 428
    stale = await client.patch(url, json=change, headers={"If-Match": '"v9"'})
    assert (stale.status_code, stale.json()["current_etag"]) == (412, '"v1"')
    patched = await client.patch(
        url,
        content=b'{"partner_signed_on": "2014-03-25"}',
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["partner_signed_on"], patched.headers["etag"]) == (
        "2014-03-25",
        '"v2"',
    )
    same = await client.patch(url, json=change, headers={"If-Match": '"v2"'})
    assert same.headers["etag"] == '"v2"'  # a patch that changes nothing keeps the version

    assert (await client.delete(url)).status_code == 428
    assert (await client.delete(url, headers={"If-Match": '"v2"'})).status_code == 204
    assert (await client.get(url)).status_code == 404
    listed = (await client.get(documents_url(p))).json()["items"]
    assert [d["id"] for d in listed] == [decision["id"]]
    assert await audit_actions(client, document["id"]) == ["create", "update", "delete"]


async def test_only_a_letter_of_intent_carries_signing_dates(client: AsyncClient) -> None:
    p = await partnership(client)
    report = await client.post(
        documents_url(p),
        json={"kind": "report", "title": "Final report", "partner_signed_on": "2023-05-01"},
    )
    assert report.status_code == 422, report.text
    assert report.json()["code"] == "rule.signed-only-letter-of-intent"
    assert report.json()["errors"][0]["pointer"] == "/partner_signed_on"

    letter = await create_document(client, p)
    url = f"{documents_url(p)}/{letter['id']}"
    retyped = await client.patch(url, json={"kind": "decision"}, headers={"If-Match": '"v1"'})
    assert retyped.status_code == 422, retyped.text
    assert retyped.json()["code"] == "rule.signed-only-letter-of-intent"
    assert retyped.json()["errors"][0]["pointer"] == "/swedish_signed_on"
    cleared = await client.patch(
        url,
        json={"kind": "decision", "swedish_signed_on": None, "partner_signed_on": None},
        headers={"If-Match": '"v1"'},
    )
    assert cleared.status_code == 200, cleared.text
    assert [cleared.json()[k] for k in LETTER] == ["decision", LETTER["title"], None, None]


async def test_a_file_goes_up_and_comes_back_byte_for_byte(
    files: AsyncClient, storage: Path
) -> None:
    p = await partnership(files)
    document = await create_document(files, p)
    url = f"{documents_url(p)}/{document['id']}"
    assert (await files.get(f"{url}/file")).status_code == 404  # nothing uploaded yet

    uploaded = await upload(files, url, PDF, filename="C:\\scans\\Avsiktsförklaring\x07 2014.pdf")
    assert uploaded.status_code == 200, uploaded.text
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert uploaded.headers["etag"] == '"v2"'
    assert {k: uploaded.json()[k] for k in FILE_FIELDS} == {
        "file_name": "Avsiktsförklaring 2014.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(PDF),
        "sha256": sha256,
    }
    assert stored(storage) == [PDF]

    download = await files.get(f"{url}/file")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["etag"] == f'"{sha256}"'
    assert download.headers["content-disposition"] == (
        'attachment; filename="Avsiktsf_rklaring 2014.pdf"; '
        "filename*=UTF-8''Avsiktsf%C3%B6rklaring%202014.pdf"
    )
    unchanged = await files.get(f"{url}/file", headers={"If-None-Match": f'"{sha256}"'})
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    # Replacing a file needs If-Match; the old file goes once the new one is recorded.
    assert (await upload(files, url, PNG, "image/png")).status_code == 428
    replaced = await upload(files, url, PNG, "image/png; charset=binary", if_match='"v2"')
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["file_name"], replaced.json()["content_type"]) == (
        "document.png",
        "image/png",
    )
    assert replaced.headers["etag"] == '"v3"'
    assert stored(storage) == [PNG]
    again = await files.get(f"{url}/file")
    assert (again.content, again.headers["content-type"]) == (PNG, "image/png")
    assert await audit_actions(files, document["id"]) == ["create", "upload", "upload"]


async def test_files_of_the_wrong_type_or_empty_are_refused(
    files: AsyncClient, storage: Path
) -> None:
    p = await partnership(files)
    document = await create_document(files, p)
    url = f"{documents_url(p)}/{document['id']}"
    refusals = [
        (b"plain text", "text/plain", 415),
        (PDF, None, 415),  # no Content-Type
        (PDF, "image/png", 415),  # the bytes are a PDF's
        (PDF, DOCX, 415),  # not a zip container
        (b"<html>%PDF-", "application/pdf", 415),
        (b"", "application/pdf", 422),
    ]
    for data, content_type, status in refusals:
        response = await upload(files, url, data, content_type)
        assert response.status_code == status, (content_type, response.text)
        code = "unsupported-media-type" if status == 415 else "validation-error"
        assert response.json()["code"] == code
        assert response.headers["content-type"] == "application/problem+json"
    assert stored(storage) == []
    unchanged = await files.get(url)
    assert (unchanged.headers["etag"], unchanged.json()["sha256"]) == ('"v1"', None)
    docx = await upload(files, url, b"PK\x03\x04" + b"\x00" * 26, DOCX, filename="plan.docx")
    assert (docx.status_code, docx.json()["file_name"]) == (200, "plan.docx")


async def test_a_generic_binary_file_is_typed_by_its_file_names_extension(
    files: AsyncClient, storage: Path
) -> None:
    """What a generated client sends: application/octet-stream, and the file's name."""
    p = await partnership(files)
    document = await create_document(files, p)
    url = f"{documents_url(p)}/{document['id']}"
    generic = "application/octet-stream"
    for name in (None, "scan.png"):  # no name; the name of another type
        response = await upload(files, url, PDF, generic, **({"filename": name} if name else {}))
        assert (response.status_code, response.json()["code"]) == (415, "unsupported-media-type")
    # A name is refused as its pattern in the document says unless it ends in an accepted
    # extension, whatever the Content-Type (the document cannot tie one to the other).
    spec = (await files.get("/openapi.json")).json()
    upload_file = spec["paths"][
        f"{PARTNERSHIPS_PATH}/{{partnership_id}}/documents/{{document_id}}/file"
    ]
    [named] = [
        p["schema"]["anyOf"][0] for p in upload_file["put"]["parameters"] if p["name"] == "filename"
    ]
    declared = Draft202012Validator(named)
    assert all(declared.is_valid(n) for n in ("Plan 2024.DOCX", "visit.jpeg", "loi.pdf", "a.Odt"))
    refused_names = ("scan", "pdf", "scan.txt", "scan.pdf ", "scan.pdf.exe")
    assert not any(declared.is_valid(n) for n in refused_names)
    # And a final newline, which ECMAScript's `$` (JSON Schema's dialect) does not take before,
    # though Python's, which the validator above uses, does.
    for name in (*refused_names, "scan.pdf\n"):
        for content_type in (generic, "application/pdf"):
            response = await upload(files, url, PDF, content_type, filename=name)
            [error] = response.json()["errors"]
            assert (response.status_code, error["location"], error["pointer"], error["type"]) == (
                422,
                "query",
                "filename",
                "string_pattern_mismatch",
            ), (name, content_type)
    assert stored(storage) == []

    zipped = b"PK\x03\x04" + b"\x00" * 26
    docx = await upload(files, url, zipped, generic, filename="Plan 2024.DOCX")
    assert docx.status_code == 200, docx.text
    assert (docx.json()["content_type"], docx.json()["file_name"]) == (DOCX, "Plan 2024.DOCX")
    jpeg = b"\xff\xd8\xff\xe0" + bytes(16)
    photo = await upload(files, url, jpeg, generic, filename="visit.jpeg", if_match='"v2"')
    assert (photo.status_code, photo.json()["content_type"]) == (200, "image/jpeg")
    download = await files.get(f"{url}/file")
    assert (download.content, download.headers["content-type"]) == (jpeg, "image/jpeg")


async def test_uploads_have_their_own_size_limit(
    settings: Settings, connection: AsyncConnection, tmp_path: Path
) -> None:
    limits = {"max_body_bytes": 2048, "max_upload_bytes": 4096, "storage_dir": tmp_path}
    async with app_client(settings.model_copy(update=limits), connection) as small:
        p = await partnership(small)
        document = await create_document(small, p)
        url = f"{documents_url(p)}/{document['id']}"
        big = PDF + b"\x00" * (4096 - len(PDF))
        assert (await upload(small, url, big)).status_code == 200  # over the 2 KiB of JSON bodies

        too_big = await upload(small, url, big + b"\x00", if_match='"v2"')
        assert (too_big.status_code, too_big.json()["code"]) == (413, "payload-too-large")

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(5):
                yield b"\x00" * 1000

        streamed = await small.put(
            f"{url}/file",
            content=chunks(),
            headers={"Content-Type": "application/pdf", "If-Match": '"v2"'},
        )
        assert streamed.status_code == 413
        json_body = await small.post(documents_url(p), json={**LETTER, "title": "x" * 3000})
        assert json_body.status_code == 413
        assert stored(tmp_path) == [big]


async def test_another_organisations_coordinator_sees_no_documents(
    files: AsyncClient, connection: AsyncConnection
) -> None:
    partner = await create_organisation(files, name="Kitwe City Council")
    p = await create_partnership(files, partner["id"], swedish_code="1489")
    document = await create_document(files, p)
    url = f"{documents_url(p)}/{document['id']}"
    assert (await upload(files, url, PDF)).status_code == 200
    other = await create_organisation(files, name="Ndola City Council")

    token = await api_key(connection, Role.coordinator, [uuid.UUID(other["id"])])
    async with authorised(files, token) as outsider:
        answers = [
            await outsider.get(documents_url(p)),
            await outsider.post(documents_url(p), json=LETTER),
            await outsider.get(url),
            await outsider.patch(url, json={"title": "x"}, headers={"If-Match": '"v2"'}),
            await outsider.get(f"{url}/file"),
            await upload(outsider, url, PDF, if_match='"v2"'),
            await outsider.delete(url, headers={"If-Match": '"v2"'}),
        ]
        assert [a.status_code for a in answers] == [404] * len(answers)

    token = await api_key(connection, Role.coordinator, [uuid.UUID(partner["id"])])
    async with authorised(files, token) as own:
        assert (await own.get(f"{url}/file")).content == PDF
        replaced = await upload(own, url, PNG, "image/png", if_match='"v2"')
        assert replaced.status_code == 200, replaced.text
    token = await api_key(connection, Role.viewer, [uuid.UUID(partner["id"])])
    async with authorised(files, token) as viewer:
        assert (await viewer.get(f"{url}/file")).content == PNG
        assert (await upload(viewer, url, PDF, if_match='"v3"')).status_code == 403


async def test_deleting_a_document_deletes_its_file(files: AsyncClient, storage: Path) -> None:
    p = await partnership(files)
    document = await create_document(files, p)
    url = f"{documents_url(p)}/{document['id']}"
    assert (await upload(files, url, PDF)).status_code == 200
    assert stored(storage) == [PDF]
    assert (await files.delete(url, headers={"If-Match": '"v2"'})).status_code == 204
    assert stored(storage) == []
    assert (await files.get(f"{url}/file")).status_code == 404
    assert await audit_actions(files, document["id"]) == ["create", "upload", "delete"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto S3 server on a free local port, with test credentials in the environment."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def test_files_round_trip_through_an_s3_bucket(
    settings: Settings, connection: AsyncConnection, s3_endpoint: str
) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-north-1")
    s3.create_bucket(
        Bucket="partnership-files",
        CreateBucketConfiguration={"LocationConstraint": "eu-north-1"},
    )
    on_s3 = {
        "storage_backend": "s3",
        "s3_bucket": "partnership-files",
        "s3_endpoint_url": s3_endpoint,
        "s3_region": "eu-north-1",
    }
    async with app_client(settings.model_copy(update=on_s3), connection) as client:
        p = await partnership(client)
        document = await create_document(client, p)
        url = f"{documents_url(p)}/{document['id']}"
        uploaded = await upload(client, url, PDF, filename="loi.pdf")
        assert uploaded.status_code == 200, uploaded.text

        [key] = [o["Key"] for o in s3.list_objects_v2(Bucket="partnership-files")["Contents"]]
        assert key.startswith(document["id"] + "-")
        obj = s3.get_object(Bucket="partnership-files", Key=key)
        assert (obj["Body"].read(), obj["ContentType"]) == (PDF, "application/pdf")
        download = await client.get(f"{url}/file")
        assert (download.content, download.headers["etag"]) == (
            PDF,
            f'"{hashlib.sha256(PDF).hexdigest()}"',
        )

        assert (await client.delete(url, headers={"If-Match": '"v2"'})).status_code == 204
        assert s3.list_objects_v2(Bucket="partnership-files")["KeyCount"] == 0
