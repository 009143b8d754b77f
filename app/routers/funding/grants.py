"""Grants and what follows them: amendments, reports, payments, the balance (docs/funding.md).
ICLD staff decide and pay; the Swedish party files reports; everyone in scope reads."""

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff, Writer
from app.api.deps import SessionDep
from app.api.etag import conditional, set_etag
from app.api.expand import conditional_expanded, expand_query
from app.api.headers import conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.models.enums import GrantStatus, ReportStatus
from app.models.funding import Amendment, Payment
from app.schemas.common import money_data
from app.schemas.funding.applications import sek
from app.schemas.funding.grants import (
    AmendmentCreate,
    AmendmentRead,
    Balance,
    CostRead,
    GrantCreate,
    GrantExpand,
    GrantPage,
    GrantRead,
    LineBalance,
    PaymentCreate,
    PaymentRead,
    ReportCreate,
    ReportDecision,
    ReportRead,
)
from app.services import expansions
from app.services.funding import grants as service
from app.services.funding import payments, reports

router = APIRouter(prefix="/grants", tags=["funding"], route_class=TransactionalRoute)

NO_NOTE = ReportDecision()
_WRITE = problem_responses(NOT_FOUND, CONFLICT)

Expansions = Annotated[list[GrantExpand], expand_query(GrantExpand)]


def read(view: service.GrantView) -> GrantRead:
    return GrantRead.model_validate(_fields(view))


def _fields(view: service.GrantView) -> dict[str, Any]:
    """A grant's answer as plain data, validated in one call (a page in one call for all its
    grants): a third cheaper than building each nested model on its own (bench/README.md)."""
    g = view.grant
    recipient_id, recipient = view.recipient
    return {
        "id": g.id,
        "partnership_id": g.partnership_id,
        "application_id": g.application_id,
        "kind": g.kind,
        "reference": g.reference,
        "decided_on": g.decided_on,
        "starts": g.starts,
        "original": {"amount": money_data(g.original_amount), "ends": g.original_ends},
        "current": {"amount": money_data(g.amount), "ends": g.ends},
        "status": g.status,
        "closed_on": g.closed_on,
        "conditions": g.conditions,
        "funding_chain": [
            {"role": "funder", "name": "Sida", "organisation_id": None},
            {"role": "grantor", "name": "ICLD", "organisation_id": None},
            {"role": "recipient", "name": recipient, "organisation_id": recipient_id},
        ],
        "budget": [
            {
                "id": line.id,
                "category": line.category,
                "year": line.year,
                "description": line.description,
                "original": money_data(line.original_amount),
                "current": money_data(line.amount),
            }
            for line in view.lines
        ],
        "reports_due": [
            {"kind": d.kind, "year": d.year, "due_on": d.due_on, "report_id": d.report_id}
            for d in view.reports_due
        ],
        "created_at": g.created_at,
        "updated_at": g.updated_at,
    }


def read_report(view: reports.ReportView) -> ReportRead:
    r = view.report
    return ReportRead(
        id=r.id,
        grant_id=r.grant_id,
        kind=r.kind,
        year=r.year,
        narrative=r.narrative,
        status=r.status,
        submitted_on=r.submitted_on,
        decided_on=r.decided_on,
        decision_note=r.decision_note,
        costs=[
            CostRead(
                budget_line_id=c.budget_line_id,
                amount=sek(c.amount),
                original={"amount": c.original_amount, "currency": c.currency},
                rate=c.rate,
                description=c.description,
            )
            for c in view.costs
        ],
        total=sek(view.total),
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def read_payment(p: Payment) -> PaymentRead:
    return PaymentRead(
        id=p.id,
        grant_id=p.grant_id,
        report_id=p.report_id,
        amount=sek(p.amount),
        paid_on=p.paid_on,
        reference=p.reference,
        created_at=p.created_at,
    )


@router.get(
    "",
    operation_id="list_grants",
    summary="List grants (by default by decision date)",
    description="ICLD staff see all; others the grants of their partnerships.",
    response_model=GrantPage,
)
async def list_grants(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    expand: Expansions,
    partnership_id: Annotated[UUID | None, Query()] = None,
    status: Annotated[GrantStatus | None, Query()] = None,
) -> GrantPage | Response:
    views, cursor = await service.list_grants(session, principal, page, partnership_id, status)
    if not expand:  # the rows' values, serialised once (app/api/answers.py)
        return answer_json(GrantPage, {"items": [_fields(v) for v in views], **asdict(cursor)})
    grants = [v.grant for v in views]
    embedded = await expansions.in_grants(session, principal, grants, expand)
    items = [{**_fields(v), **embedded[v.grant.id]} for v in views]
    return GrantPage.model_validate({"items": items, **asdict(cursor)})


@router.post(
    "",
    operation_id="create_grant",
    summary="Record a grant decision with its budget lines (ICLD staff)",
    status_code=201,
    responses=_WRITE | created(),
)
async def create_grant(
    session: SessionDep, principal: Staff, request: Request, response: Response, body: GrantCreate
) -> GrantRead:
    grant = await service.create_grant(session, principal, body)
    response.headers["Location"] = location_of(request, "get_grant", grant_id=grant.id)
    set_etag(response, grant.version)
    return read((await service.views(session, [grant]))[0])


@router.get(
    "/{grant_id}",
    operation_id="get_grant",
    summary="Get a grant: original and current figures side by side, reports due",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
    response_model=GrantRead,
)
async def get_grant(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    grant_id: UUID,
    expand: Expansions,
) -> GrantRead | Response:
    view = await service.read_grant(session, principal, grant_id)
    if unchanged := conditional_expanded(request, response, view.grant.version, expand):
        return unchanged
    if not expand:  # the row's values, serialised once (app/api/answers.py)
        return answer_json(GrantRead, _fields(view), headers=response.headers)
    embedded = await expansions.in_grants(session, principal, [view.grant], expand)
    return GrantRead.model_validate({**_fields(view), **embedded[view.grant.id]})


@router.get(
    "/{grant_id}/amendments",
    operation_id="list_grant_amendments",
    summary="The grant's amendments, in the order decided",
    responses=problem_responses(NOT_FOUND),
)
async def list_grant_amendments(
    session: SessionDep, principal: Authenticated, grant_id: UUID
) -> list[AmendmentRead]:
    return [_amendment(a) for a in await service.amendments_of(session, principal, grant_id)]


def _amendment(a: Amendment) -> AmendmentRead:
    return AmendmentRead(
        id=a.id,
        kind=a.kind,
        reference=a.reference,
        decided_on=a.decided_on,
        decided_by=a.decided_by,
        amount_change=sek(a.amount_change),
        ends_before=a.ends_before,
        ends_after=a.ends_after,
        details=a.details,
        created_at=a.created_at,
    )


@router.post(
    "/{grant_id}/amendments",
    operation_id="amend_grant",
    summary="Amend a grant: extension, postponement, reallocation, reduction or close-out",
    description="A decision with its own reference, never an overwrite: the grant keeps its "
    "original figures and shows the current ones beside them (ICLD staff).",
    status_code=201,
    responses=_WRITE | created(etag=False),
)
async def amend_grant(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    grant_id: UUID,
    body: AmendmentCreate,
) -> AmendmentRead:
    amendment = await service.amend(session, principal, grant_id, body.root)
    response.headers["Location"] = location_of(
        request, "get_grant_amendment", grant_id=grant_id, amendment_id=amendment.id
    )
    return _amendment(amendment)


@router.get(
    "/{grant_id}/amendments/{amendment_id}",
    operation_id="get_grant_amendment",
    summary="Get an amendment (never changed once decided)",
    responses=problem_responses(NOT_FOUND),
)
async def get_grant_amendment(
    session: SessionDep, principal: Authenticated, grant_id: UUID, amendment_id: UUID
) -> AmendmentRead:
    return _amendment(await service.get_amendment(session, principal, grant_id, amendment_id))


@router.get(
    "/{grant_id}/reports",
    operation_id="list_grant_reports",
    summary="The grant's reports, in the order filed",
    responses=problem_responses(NOT_FOUND),
)
async def list_grant_reports(
    session: SessionDep, principal: Authenticated, grant_id: UUID
) -> list[ReportRead]:
    return [read_report(v) for v in await reports.reports_of(session, principal, grant_id)]


@router.post(
    "/{grant_id}/reports",
    operation_id="file_grant_report",
    summary="File an interim or final report with its costs (the Swedish party)",
    status_code=201,
    responses=_WRITE | created(),
)
async def file_grant_report(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    grant_id: UUID,
    body: ReportCreate,
) -> ReportRead:
    view = await reports.file_report(session, principal, grant_id, body)
    response.headers["Location"] = location_of(
        request, "get_grant_report", grant_id=grant_id, report_id=view.report.id
    )
    set_etag(response, view.report.version)
    return read_report(view)


@router.get(
    "/{grant_id}/reports/{report_id}",
    operation_id="get_grant_report",
    summary="Get a report",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_grant_report(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    grant_id: UUID,
    report_id: UUID,
) -> ReportRead:
    _, report = await reports.get_report(session, principal, grant_id, report_id)
    if unchanged := conditional(request, response, etag_for(report.version)):
        return unchanged  # type: ignore[return-value]
    return read_report(await reports.report_view(session, report))


@router.post(
    "/{grant_id}/reports/{report_id}/approve",
    operation_id="approve_grant_report",
    summary="Approve a submitted report: its costs become payable (ICLD staff)",
    responses=_WRITE,
)
async def approve_grant_report(
    session: SessionDep,
    principal: Staff,
    grant_id: UUID,
    report_id: UUID,
    body: Annotated[ReportDecision, Body()] = NO_NOTE,
) -> ReportRead:
    view = await reports.decide_report(
        session, principal, grant_id, report_id, ReportStatus.approved, body.note, body.decided_on
    )
    return read_report(view)


@router.post(
    "/{grant_id}/reports/{report_id}/return",
    operation_id="return_grant_report",
    summary="Return a submitted report to the grantee; it approves nothing (ICLD staff)",
    responses=_WRITE,
)
async def return_grant_report(
    session: SessionDep,
    principal: Staff,
    grant_id: UUID,
    report_id: UUID,
    body: Annotated[ReportDecision, Body()] = NO_NOTE,
) -> ReportRead:
    view = await reports.decide_report(
        session, principal, grant_id, report_id, ReportStatus.returned, body.note, body.decided_on
    )
    return read_report(view)


@router.get(
    "/{grant_id}/payments",
    operation_id="list_grant_payments",
    summary="The grant's payments, by date",
    responses=problem_responses(NOT_FOUND),
)
async def list_grant_payments(
    session: SessionDep, principal: Authenticated, grant_id: UUID
) -> list[PaymentRead]:
    return [read_payment(p) for p in await payments.payments_of(session, principal, grant_id)]


@router.post(
    "/{grant_id}/payments",
    operation_id="pay_grant",
    summary="Reimburse an approved report (ICLD staff)",
    status_code=201,
    responses=_WRITE | created(),
)
async def pay_grant(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    grant_id: UUID,
    body: PaymentCreate,
) -> PaymentRead:
    payment = await payments.pay(session, principal, grant_id, body)
    response.headers["Location"] = location_of(
        request, "get_grant_payment", grant_id=grant_id, payment_id=payment.id
    )
    set_etag(response, payment.version)
    return read_payment(payment)


@router.get(
    "/{grant_id}/payments/{payment_id}",
    operation_id="get_grant_payment",
    summary="Get a payment",
    responses=problem_responses(NOT_FOUND),
)
async def get_grant_payment(
    session: SessionDep, principal: Authenticated, grant_id: UUID, payment_id: UUID
) -> PaymentRead:
    return read_payment(await payments.get_payment(session, principal, grant_id, payment_id))


@router.get(
    "/{grant_id}/balance",
    operation_id="get_grant_balance",
    summary="Decided, reported, approved, paid and remaining, for the grant and each line",
    responses=problem_responses(NOT_FOUND),
)
async def get_grant_balance(
    session: SessionDep, principal: Authenticated, grant_id: UUID
) -> Balance:
    b = await service.balance(session, principal, grant_id)
    return Balance(
        grant_id=b.grant.id,
        decided_original=sek(b.grant.original_amount),
        decided_current=sek(b.grant.amount),
        reported=sek(b.reported),
        approved=sek(b.approved),
        paid=sek(b.paid),
        remaining=sek(b.grant.amount - b.paid),
        lines=[
            LineBalance(
                budget_line_id=x.line.id,
                category=x.line.category,
                year=x.line.year,
                current=sek(x.line.amount),
                reported=sek(x.reported),
                approved=sek(x.approved),
            )
            for x in b.lines
        ],
    )
