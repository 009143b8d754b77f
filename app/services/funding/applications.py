"""Applications: the facts their rules need from stored data, and the workflow."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.errors import RuleViolation
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import (
    Shape,
    ensure_can_write_in,
    for_caller,
    partnership_in_scope,
    scope_partnerships,
)
from app.core.versions import Expected, check_version
from app.db import reads
from app.models.enums import ApplicationAction, ApplicationKind, ApplicationStatus
from app.models.funding import (
    Application,
    ApplicationBudgetLine,
    ApplicationEvent,
    ApplicationRound,
)
from app.models.organisations import Organisation
from app.models.partnerships import Document, Partnership
from app.rules.funding import (
    UNDECIDED,
    Attachment,
    Terms,
    check_application_transition,
    check_attachments,
    check_budget,
    check_one_open,
    check_round_named,
    check_round_open,
    check_submitted_budget,
    known_round,
    officer_step,
    terms,
)
from app.rules.partnerships import (
    UNKNOWN_PARTNERSHIP,
    check_partner_country,
    check_steering_group,
)
from app.schemas.common import money_data
from app.schemas.funding.applications import (
    ApplicationCreate,
    ApplicationFields,
    ApplicationRead,
    ApplicationUpdate,
    BudgetLineIn,
)
from app.services.access import audit
from app.services.common import apply_changes, merge_patch, read_answer, touch
from app.services.countries import funding_regions, partner_country_on
from app.services.partnerships.meetings import check_activity_plan
from app.services.partnerships.members import steering_group_missing
from app.services.partnerships.partnerships import get_owned, partners_of

# Applications


@dataclass(frozen=True)
class Line:
    """A budget line as an answer shows it (read from the aggregated columns of its
    application's row)."""

    category: str
    year: int
    amount: Decimal
    description: str | None


@dataclass(frozen=True)
class ApplicationView:
    # The ORM object after a change, or a row of `_ANSWER` from a read: both have the
    # application's columns as attributes.
    application: Application | sa.Row[Any] | reads.Record
    budget: Sequence[ApplicationBudgetLine | Line]


def fields(view: ApplicationView) -> dict[str, Any]:
    """An application's answer as plain data, in `ApplicationRead`'s types (its amounts in cents,
    as `Money` validates them): served as it is (`answer_json`) or validated (`answer`)."""
    a = view.application
    return {
        "id": a.id,
        "partnership_id": a.partnership_id,
        "kind": a.kind,
        "round_id": a.round_id,
        "planned_start": a.planned_start,
        "planned_end": a.planned_end,
        "description": a.description,
        "budget": [
            {
                "category": line.category,
                "year": line.year,
                "amount": money_data(line.amount),
                "description": line.description,
            }
            for line in view.budget
        ],
        "budget_total": money_data(budget_total(view.budget)),
        "attachment_ids": a.attachment_ids,
        "status": a.status,
        "submitted_on": a.submitted_on,
        "decided_on": a.decided_on,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def answer(view: ApplicationView) -> ApplicationRead:
    """An application as its routes answer it."""
    return ApplicationRead.model_validate(fields(view))


# An application's budget lines as four arrays beside its columns, in the lines' order: a
# read of applications and their budgets in one statement.
_APPLICATIONS: sa.Table = Application.__table__  # type: ignore[attr-defined]
_LINES: sa.Table = ApplicationBudgetLine.__table__  # type: ignore[attr-defined]


def _lines_of(column: sa.Column[Any], label: str) -> Any:
    order = (_LINES.c.position, _LINES.c.id)  # the same order in each array
    return sa.func.array_agg(aggregate_order_by(column, *order)).label(label)


_BUDGET = (
    sa.select(
        _lines_of(_LINES.c.category, "line_categories"),
        _lines_of(_LINES.c.year, "line_years"),
        _lines_of(_LINES.c.amount, "line_amounts"),
        _lines_of(_LINES.c.description, "line_descriptions"),
    )
    .where(_LINES.c.application_id == _APPLICATIONS.c.id)
    .lateral("budget")
)
_ANSWER = sa.select(_APPLICATIONS, *_BUDGET.c).select_from(
    _APPLICATIONS.join(_BUDGET, sa.true())  # an aggregate's one row, lines or none
)


def _view(row: sa.Row[Any] | reads.Record) -> ApplicationView:
    lines = zip(
        row.line_categories or (),
        row.line_years or (),
        row.line_amounts or (),
        row.line_descriptions or (),
        strict=True,
    )
    return ApplicationView(row, [Line(*line) for line in lines])


async def readable_applications(
    session: AsyncSession, principal: Principal, ids: Collection[UUID]
) -> dict[UUID, ApplicationRead]:
    """Those of `ids` the principal may read, as `GET /applications/{id}` answers them, with
    their budget lines, in one statement: the others are left out, as that route answers 404
    for them."""
    rows = await session.execute(
        _ANSWER.where(
            _APPLICATIONS.c.id.in_(list(ids)),
            partnership_in_scope(principal, _APPLICATIONS.c.partnership_id),
        )
    )
    return {row.id: answer(_view(row)) for row in rows}


async def _budgets(
    session: AsyncSession, ids: list[UUID]
) -> dict[UUID, list[ApplicationBudgetLine]]:
    lines: dict[UUID, list[ApplicationBudgetLine]] = defaultdict(list)
    for line in await session.scalars(
        select(ApplicationBudgetLine)
        .where(col(ApplicationBudgetLine.application_id).in_(ids))
        .order_by(col(ApplicationBudgetLine.application_id), col(ApplicationBudgetLine.position))
    ):
        lines[line.application_id].append(line)
    return lines


SORTING = Sorting(
    "applications",
    {
        "created_at": col(Application.created_at),
        "updated_at": col(Application.updated_at),
    },
    default=("created_at",),
    unique=col(Application.id),
    updated=col(Application.updated_at),
)


async def list_applications(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    partnership_id: UUID | None = None,
    status: ApplicationStatus | None = None,
    round_id: UUID | None = None,
) -> tuple[list[ApplicationView], Links]:
    """A page of applications with their budget lines, in one statement read raw
    (`app.db.reads`)."""
    where = [partnership_in_scope(principal, _APPLICATIONS.c.partnership_id)]
    if partnership_id:
        where.append(_APPLICATIONS.c.partnership_id == partnership_id)
    if status:
        where.append(_APPLICATIONS.c.status == status)
    if round_id:
        where.append(_APPLICATIONS.c.round_id == round_id)
    counted = sa.select(_APPLICATIONS.c.id).where(*where)  # without the budget lines
    rows: list[reads.Record]
    rows, cursor = await sorted_page(
        session, _ANSWER.where(*where), SORTING, page, raw=True, count_from=counted
    )
    return [_view(row) for row in rows], cursor


@reads.prepared
def _by_id(scope: Shape) -> sa.Select[Any]:
    return _ANSWER.where(
        _APPLICATIONS.c.id == sa.bindparam("id"),
        partnership_in_scope(scope, _APPLICATIONS.c.partnership_id),
    )


async def read_application(
    session: AsyncSession, principal: Principal, application_id: UUID
) -> ApplicationView:
    """An application to answer with, with its budget lines, in the caller's scope (else 404):
    one statement, prepared per shape of scope, read raw (`app.db.reads`)."""
    not_found = _("No application {object_id}.", object_id=application_id)
    stmt, params = for_caller(_by_id, principal, id=application_id)
    return _view(await read_answer(session, stmt, not_found, params))


async def get_application(
    session: AsyncSession, principal: Principal, application_id: UUID, *, for_update: bool = False
) -> Application:
    """An application of a partnership the caller may read (else 404)."""
    _, application = await get_owned(
        session, principal, Application, application_id, for_update=for_update
    )
    return application


async def view(session: AsyncSession, application: Application) -> ApplicationView:
    return ApplicationView(application, (await _budgets(session, [application.id]))[application.id])


async def terms_of(
    session: AsyncSession, partnership: Partnership, moved: tuple[UUID, str] | None = None
) -> Terms:
    """The partners' funding regions and whether the partnership is trilateral; with `moved`
    (a partner and a country), as if that partner were in that country."""
    partner_ids = (await partners_of(session, [partnership.id]))[partnership.id]
    regions = await funding_regions(session, partner_ids, moved)
    return terms(regions, len(partner_ids), partnership.third_party_id is not None)


async def named_partnership(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> Partnership:
    """The partnership a request body names: a 422 when unknown or out of the caller's scope."""
    partnership: Partnership | None = await session.scalar(
        scope_partnerships(principal, select(Partnership).where(Partnership.id == partnership_id))
    )
    if partnership is None:
        raise RuleViolation(
            UNKNOWN_PARTNERSHIP,
            _("No partnership {partnership_id}.", partnership_id=partnership_id),
            pointer="/partnership_id",
        )
    return partnership


async def _check(session: AsyncSession, partnership: Partnership, data: ApplicationFields) -> None:
    """What a draft must already respect: its round, its attachments, its budget."""
    await _open_round(session, data.kind, data.round_id, today())
    await _attachments(session, partnership, data.attachment_ids, required=False)
    check_budget(
        [(line.year, line.amount.amount) for line in data.budget],
        data.kind,
        data.planned_start,
        data.planned_end,
        await terms_of(session, partnership),
    )


async def _open_round(
    session: AsyncSession, kind: str, round_id: UUID | None, day: date, *, lock: bool = False
) -> None:
    """`round-open`: the round an application of `kind` names, open on `day`; with `lock`, held
    so that it cannot close meanwhile."""
    check_round_named(kind, round_id)
    if round_id is None:
        return  # an inception application, which names none
    stmt = select(ApplicationRound).where(ApplicationRound.id == round_id)
    found = known_round(
        round_id, await session.scalar(stmt.with_for_update(read=True) if lock else stmt)
    )
    check_round_open(found.title, found.opens, found.closes, day)


async def _attachments(
    session: AsyncSession, partnership: Partnership, ids: list[UUID], *, required: bool
) -> None:
    """The attached documents of the partnership, for `application-attachments` (`required`:
    on submission)."""
    documents = {
        d.id: Attachment(
            kind=d.kind,
            uploaded=d.file_key is not None,
            signed_by_both=d.swedish_signed_on is not None and d.partner_signed_on is not None,
        )
        for d in await session.scalars(
            select(Document).where(
                col(Document.id).in_(ids), Document.partnership_id == partnership.id
            )
        )
    }
    check_attachments(ids, documents, required=required)


def _store_budget(session: AsyncSession, application_id: UUID, lines: list[BudgetLineIn]) -> None:
    session.add_all(
        ApplicationBudgetLine(
            application_id=application_id,
            position=i,
            category=line.category,
            year=line.year,
            amount=line.amount.amount,
            description=line.description,
        )
        for i, line in enumerate(lines)
    )


def _record(
    session: AsyncSession,
    principal: Principal,
    application: Application,
    action: ApplicationAction,
    to_status: ApplicationStatus,
    note: str | None = None,
) -> None:
    session.add(
        ApplicationEvent(
            application_id=application.id,
            action=action,
            from_status=None if action == ApplicationAction.create else application.status,
            to_status=to_status,
            actor=principal.name or principal.id,
            note=note,
        )
    )


async def create_application(
    session: AsyncSession, principal: Principal, data: ApplicationCreate
) -> ApplicationView:
    partnership = await named_partnership(session, principal, data.partnership_id)
    ensure_can_write_in(principal, partnership.swedish_party_id)  # the Swedish party applies
    await _check_one_open(session, partnership, data.kind)
    await _check(session, partnership, data)
    application = Application(**data.model_dump(exclude={"budget"}))
    session.add(application)
    await session.flush()
    _store_budget(session, application.id, data.budget)
    _record(session, principal, application, ApplicationAction.create, ApplicationStatus.draft)
    await session.flush()
    await session.refresh(application)
    return await view(session, application)


async def _check_one_open(
    session: AsyncSession, partnership: Partnership, kind: str, other_than: UUID | None = None
) -> None:
    """`one-open-application`: the partnership has no other undecided application of `kind`."""
    stmt = select(Application.id).where(
        Application.partnership_id == partnership.id,
        Application.kind == kind,
        col(Application.status).in_(UNDECIDED),
    )
    if other_than is not None:
        stmt = stmt.where(Application.id != other_than)
    check_one_open(kind, await session.scalar(stmt))


async def update_application(
    session: AsyncSession,
    principal: Principal,
    application_id: UUID,
    patch: ApplicationUpdate,
    expected: Expected | None,
) -> ApplicationView:
    application = await get_application(session, principal, application_id, for_update=True)
    partnership = await _applicant(session, principal, application)
    check_version(expected, application.version)
    check_application_transition(application.status, ApplicationStatus.draft, "changed")
    current = await view(session, application)
    state = {
        **{f: getattr(application, f) for f in ApplicationFields.model_fields if f != "budget"},
        "budget": [
            {
                "category": line.category,
                "year": line.year,
                "amount": {"amount": str(line.amount), "currency": "SEK"},
                "description": line.description,
            }
            for line in current.budget
        ],
    }
    merged = merge_patch(state, patch, ApplicationFields)
    if merged.kind != application.kind:
        await _check_one_open(session, partnership, merged.kind, other_than=application.id)
    await _check(session, partnership, merged)
    changed = apply_changes(application, merged.model_dump(exclude={"budget"}))
    if [_line(x) for x in current.budget] != [_line(x) for x in merged.budget]:
        for line in current.budget:
            await session.delete(line)
        await session.flush()
        _store_budget(session, application.id, merged.budget)
        if not changed:
            touch(application)
    await session.flush()
    return await view(session, application)


def _line(
    line: ApplicationBudgetLine | Line | BudgetLineIn,
) -> tuple[str, int, Decimal, str | None]:
    amount = line.amount.amount if isinstance(line, BudgetLineIn) else line.amount
    return line.category, line.year, amount, line.description


async def _applicant(
    session: AsyncSession, principal: Principal, application: Application
) -> Partnership:
    """The application's partnership, when the caller may act for its Swedish party."""
    partnership = await session.get(Partnership, application.partnership_id)
    assert partnership is not None
    ensure_can_write_in(principal, partnership.swedish_party_id)
    return partnership


async def _move(
    session: AsyncSession,
    principal: Principal,
    application: Application,
    action: ApplicationAction,
    to_status: ApplicationStatus,
    note: str | None,
    day: date | None = None,
) -> ApplicationView:
    """Record the step and take it; `day` is the one the checks judged (default: today)."""
    day = day or today()
    _record(session, principal, application, action, to_status, note)
    changes: dict[str, object] = {"status": to_status}
    if action == ApplicationAction.submit:
        changes["submitted_on"] = day
    if to_status in (ApplicationStatus.approved, ApplicationStatus.rejected):
        changes["decided_on"] = day
    apply_changes(application, changes)
    audit.label_next_flush(session, action)
    await session.flush()
    return await view(session, application)


async def submit(
    session: AsyncSession, principal: Principal, application_id: UUID, note: str | None
) -> ApplicationView:
    """The applicant hands the application in: everything a complete application needs is
    checked now, on the day of submission."""
    application = await get_application(session, principal, application_id, for_update=True)
    partnership = await _applicant(session, principal, application)
    check_application_transition(application.status, ApplicationStatus.draft, "submitted")
    day = today()
    if application.kind != ApplicationKind.inception:
        await _open_round(session, application.kind, application.round_id, day, lock=True)
    await _attachments(session, partnership, application.attachment_ids, required=True)
    current = await view(session, application)
    check_submitted_budget(current.budget)
    check_budget(
        [(line.year, line.amount) for line in current.budget],
        ApplicationKind(application.kind),
        application.planned_start,
        application.planned_end,
        await terms_of(session, partnership),
    )
    partners = (await partners_of(session, [partnership.id]))[partnership.id]
    for partner in await session.scalars(
        select(Organisation).where(col(Organisation.id).in_(partners))
    ):
        check_partner_country(
            partner.name,
            partner.country_code,
            day,
            eligible=await partner_country_on(session, partner.country_code, day),
        )
    if application.kind == ApplicationKind.project:
        check_steering_group(await steering_group_missing(session, partnership, day))
        # DOMAIN.md §7: the project's activity plan, judged on application as at its start.
        await check_activity_plan(
            session,
            partnership,
            application.kind,
            application.planned_start,
            application.planned_end,
        )
    return await _move(
        session,
        principal,
        application,
        ApplicationAction.submit,
        ApplicationStatus.submitted,
        note,
        day,
    )


async def withdraw(
    session: AsyncSession, principal: Principal, application_id: UUID, note: str | None
) -> ApplicationView:
    application = await get_application(session, principal, application_id, for_update=True)
    await _applicant(session, principal, application)
    check_application_transition(application.status, UNDECIDED, "withdrawn")
    return await _move(
        session,
        principal,
        application,
        ApplicationAction.withdraw,
        ApplicationStatus.withdrawn,
        note,
    )


async def officer_action(
    session: AsyncSession,
    principal: Principal,
    application_id: UUID,
    action: ApplicationAction,
    note: str | None,
) -> ApplicationView:
    """Assess, approve or reject (ICLD staff; the router requires the role)."""
    application = await get_application(session, principal, application_id, for_update=True)
    to_status = officer_step(application.status, action)
    return await _move(session, principal, application, action, to_status, note)


async def events_of(
    session: AsyncSession, principal: Principal, application_id: UUID
) -> list[ApplicationEvent]:
    application = await get_application(session, principal, application_id)
    return list(
        await session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application.id)
            .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
        )
    )


def budget_total(lines: Sequence[ApplicationBudgetLine | Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))
