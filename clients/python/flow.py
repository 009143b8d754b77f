"""One flow through the generated Python client, against a running service.

List countries, create an organisation and a partnership with a phase, page partnerships by
cursor, patch one with `If-Match` from its `ETag`, read a 422 problem as a typed object, and
upload a document's file. Run it with the generated package on the path (clients/README.md):

    PYTHONPATH=clients/python/generated PARTNERSHIP_API_URL=http://127.0.0.1:8000 \\
        PARTNERSHIP_API_TOKEN=pk_... python clients/python/flow.py

Each step prints one line; a step that does not get the answer it expects stops the flow with a
non-zero exit and the answer it got.
"""

import datetime as dt
import io
import os
import sys
import uuid
from http import HTTPStatus
from typing import Any, TypeVar

from partnership_api_client import AuthenticatedClient
from partnership_api_client.api.countries import list_countries
from partnership_api_client.api.organisations import create_organisation, list_organisations
from partnership_api_client.api.partnerships import (
    create_document,
    create_partnership,
    create_phase,
    download_document_file,
    get_partnership,
    list_partnerships,
    update_partnership,
    upload_document_file,
)
from partnership_api_client.models import (
    CountryPage,
    DocumentCreate,
    DocumentKind,
    DocumentRead,
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationType,
    PartnershipCreate,
    PartnershipPage,
    PartnershipRead,
    PartnershipUpdate,
    PhaseCreate,
    PhaseKind,
    PhaseRead,
    Principle,
    Problem,
)
from partnership_api_client.types import UNSET, File, Response

T = TypeVar("T")

APPLIED_ON = dt.date(2019, 10, 15)  # partner-country eligibility is judged on this day
KARLSTAD = "1780"  # a Swedish reference municipality (its SCB code)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FlowFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise FlowFailed(message)


def answer(response: Response[Any], status: HTTPStatus, kind: type[T]) -> T:
    """The parsed body of the answer, which must have this status and type."""
    parsed = response.parsed
    check(
        response.status_code == status and isinstance(parsed, kind),
        f"expected {status.value} {kind.__name__}, got {response.status_code.value}: "
        f"{response.content[:500]!r}",
    )
    assert isinstance(parsed, kind)  # for the type checker: check() has just said so
    return parsed


def step(message: str) -> None:
    print(f"python flow: {message}", flush=True)


def run(client: AuthenticatedClient) -> None:
    run_id = uuid.uuid4().hex[:8]  # the flow can run again on the same database

    countries = answer(
        list_countries.sync_detailed(client=client, eligible_on=APPLIED_ON, q="Zambia"),
        HTTPStatus.OK,
        CountryPage,
    )
    check(
        [(c.code, c.name_en) for c in countries.items] == [("ZM", "Zambia")],
        f"Zambia is not a partner country on {APPLIED_ON}: {countries.to_dict()}",
    )
    step(f"Zambia is a partner country on {APPLIED_ON} ({countries.items[0].funding_region})")

    swedish = answer(
        list_organisations.sync_detailed(
            client=client, country="SE", type_=OrganisationType.MUNICIPALITY, official_code=KARLSTAD
        ),
        HTTPStatus.OK,
        OrganisationPage,
    ).items
    check(len(swedish) == 1, f"one Karlstad expected, got {swedish}")

    partnership_ids: list[uuid.UUID] = []
    for town in ("Kitwe", "Ndola"):
        partner = answer(
            create_organisation.sync_detailed(
                client=client,
                body=OrganisationCreate(
                    type_=OrganisationType.MUNICIPALITY,
                    country_code="ZM",
                    name=f"{town} City Council {run_id}",
                ),
            ),
            HTTPStatus.CREATED,
            OrganisationRead,
        )
        partnership = answer(
            create_partnership.sync_detailed(
                client=client,
                body=PartnershipCreate(
                    title=f"Karlstad - {town}: open budgets ({run_id})",
                    principles=[Principle.PARTICIPATION, Principle.TRANSPARENCY],
                    swedish_party_id=swedish[0].id,
                    partner_ids=[partner.id],
                    applied_on=APPLIED_ON,
                ),
            ),
            HTTPStatus.CREATED,
            PartnershipRead,
        )
        partnership_ids.append(partnership.id)
        step(f"created {partner.name} and the partnership {partnership.title!r}")
    first = partnership_ids[0]

    phase = answer(
        create_phase.sync_detailed(
            first,
            client=client,
            body=PhaseCreate(
                kind=PhaseKind.INCEPTION,
                planned_start=dt.date(2020, 2, 1),
                planned_end=dt.date(2021, 1, 31),
            ),
        ),
        HTTPStatus.CREATED,
        PhaseRead,
    )
    step(f"{phase.kind} phase {phase.planned_start} to {phase.planned_end}")

    seen: list[uuid.UUID] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = answer(
            list_partnerships.sync_detailed(
                client=client,
                swedish_party_id=swedish[0].id,
                limit=1,
                cursor=cursor if cursor is not None else UNSET,
            ),
            HTTPStatus.OK,
            PartnershipPage,
        )
        pages += 1
        seen.extend(p.id for p in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    check(len(seen) == len(set(seen)), f"a partnership came twice while paging: {seen}")
    check(set(partnership_ids) <= set(seen), f"{partnership_ids} not all among {seen}")
    check(pages == len(seen), f"{pages} pages of one for {len(seen)} partnerships")
    step(f"paged {len(seen)} of Karlstad's partnerships one by one, by cursor")

    read = get_partnership.sync_detailed(first, client=client)
    etag = read.headers["ETag"]
    answer(read, HTTPStatus.OK, PartnershipRead)
    patched = update_partnership.sync_detailed(
        first, client=client, body=PartnershipUpdate(themes=["open data"]), if_match=etag
    )
    changed = answer(patched, HTTPStatus.OK, PartnershipRead)
    check(changed.themes == ["open data"], f"themes not patched: {changed.themes}")
    check(patched.headers["ETag"] != etag, f"the ETag stayed {etag} after a change")
    stale = answer(
        update_partnership.sync_detailed(
            first, client=client, body=PartnershipUpdate(themes=["other"]), if_match=etag
        ),
        HTTPStatus.PRECONDITION_FAILED,
        Problem,
    )
    check(
        stale.additional_properties.get("current_etag") == patched.headers["ETag"],
        f"412 without the current ETag: {stale.to_dict()}",
    )
    step(f"patched with If-Match {etag}, now {patched.headers['ETag']}; the old one gets 412")

    problem = answer(
        create_organisation.sync_detailed(
            client=client,
            body=OrganisationCreate(
                type_=OrganisationType.MUNICIPALITY, country_code="QQ", name="Nowhere"
            ),
        ),
        HTTPStatus.UNPROCESSABLE_ENTITY,
        Problem,
    )
    errors = problem.errors if isinstance(problem.errors, list) else []
    check(
        problem.code == "rule.unknown-country"
        and [(e.pointer, e.rule) for e in errors] == [("/country_code", "rule.unknown-country")],
        f"not the unknown-country problem: {problem.to_dict()}",
    )
    step(f"422 read as a Problem: {problem.code} at {errors[0].pointer}: {problem.detail}")

    document = answer(
        create_document.sync_detailed(
            first,
            client=client,
            body=DocumentCreate(kind=DocumentKind.DECISION, title=f"Decision {run_id}"),
        ),
        HTTPStatus.CREATED,
        DocumentRead,
    )
    uploaded = answer(
        upload_document_file.sync_detailed(
            first,
            document.id,
            client=client,
            body=File(payload=io.BytesIO(PDF)),
            filename="decision.pdf",
        ),
        HTTPStatus.OK,
        DocumentRead,
    )
    check(uploaded.content_type == "application/pdf", f"stored as {uploaded.content_type}")
    downloaded = download_document_file.sync_detailed(first, document.id, client=client)
    check(downloaded.content == PDF, "the file did not come back byte for byte")
    step(f"uploaded and downloaded {uploaded.file_name} ({uploaded.size_bytes} bytes)")


def main() -> int:
    client = AuthenticatedClient(
        base_url=os.environ["PARTNERSHIP_API_URL"],
        token=os.environ["PARTNERSHIP_API_TOKEN"],
        raise_on_unexpected_status=True,  # a status the document does not declare is an error
    )
    with client:
        try:
            run(client)
        except FlowFailed as failure:
            print(f"python flow failed: {failure}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
