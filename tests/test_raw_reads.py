"""Reads sent straight to asyncpg (app/db/reads.py): seen by SQLAlchemy's statement listeners
(the query counts rely on it), on the session's connection once it holds one (a request that
wrote reads what it wrote), and as resilient as the session's reads when the database drops a
connection."""

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from httpx import AsyncClient
from pydantic import BaseModel
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.api.answers import answer_json
from app.db import reads
from app.db.engine import make_engine, make_sessionmaker, reads_first
from app.models.enums import Role
from app.models.organisations import Organisation
from app.routers import programmes as programme_routes
from app.routers.funding import grants as grant_routes
from app.schemas.elections import ElectionRead
from app.schemas.funding.applications import ApplicationRead
from app.schemas.funding.grants import GrantRead
from app.schemas.networks.networks import NetworkRead
from app.schemas.networks.workshops import WorkshopRead
from app.schemas.organisations import OrganisationRead
from app.schemas.partner_interests import PartnerInterestRead
from app.schemas.partnerships.meetings import MeetingRead
from app.schemas.partnerships.partnerships import PartnershipRead
from app.schemas.people import PersonRead
from app.schemas.programmes import ProgrammeRead, StudyVisitRead
from app.services import elections, organisations, partner_interests, people, programmes
from app.services.funding import applications, grants
from app.services.networks import networks, workshops
from app.services.partnerships import meetings, partnerships
from app.settings import Settings
from tests.conftest import api_key, authorised
from tests.factories import PARTNERSHIPS_PATH, PEOPLE_PATH, create_organisation, create_person
from tests.funding.helpers import create_grant
from tests.funding.helpers import partnership as funded_partnership
from tests.funding.test_applications import inception
from tests.partnerships.test_phases import meeting
from tests.test_db_liveness import one_connection, terminate
from tests.test_partner_interests import demo

__all__ = ["demo"]

READ_RAW: list[tuple[type[BaseModel], sa.Select[Any]]] = [
    (OrganisationRead, organisations._ANSWER),
    (PersonRead, people._ANSWER),
    (ElectionRead, elections._ANSWER),
    (StudyVisitRead, programmes._VISIT_ANSWER),
    (PartnerInterestRead, partner_interests._ANSWER),
    (NetworkRead, networks._ANSWER),
    (WorkshopRead, workshops._ANSWER),
]


@pytest.mark.parametrize(("model", "stmt"), READ_RAW, ids=lambda v: getattr(v, "__name__", ""))
async def test_a_row_read_raw_answers_the_bytes_the_model_answers(
    demo: AsyncClient, connection: AsyncConnection, model: type[BaseModel], stmt: sa.Select[Any]
) -> None:
    """Every stored row of each answer read raw: the same JSON, byte for byte, as the row read
    through the session and validated into the model (JSON columns, enums, custom types, the
    order of the fields, computed fields)."""
    ordered = stmt.order_by(*stmt.selected_columns[:1])
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        rows = (await session.execute(ordered)).all()
        raw = await reads.fetch_all(session, ordered)
    assert len(rows) >= 1 and len(raw) == len(rows), model
    for row, record in zip(rows, raw, strict=True):
        assert (
            answer_json(model, record).body == model.model_validate(row).model_dump_json().encode()
        )


# The answers made of one statement whose row the service shapes (the model's fields from the
# row's columns): the statement, and how a row becomes the answer's data (or the model, for
# an answer validated by its route: a programme's JSON columns hold their keys in JSONB's
# order, not the model's, so it is not served as dicts).
READ_RAW_SHAPED: list[tuple[type[BaseModel], sa.Select[Any], Callable[[Any], Any]]] = [
    (MeetingRead, meetings._ANSWERS, lambda row: meetings.fields(meetings._view(row))),
    (
        PartnershipRead,
        partnerships._ANSWER.add_columns(partnerships._PARTNER_IDS),
        lambda row: partnerships.fields(row, list(row.partner_ids or [])),
    ),
    (GrantRead, grants._READ, lambda row: grant_routes._fields(grants._view(row, row))),
    (
        ApplicationRead,
        applications._ANSWER,
        lambda row: applications.fields(applications._view(row)),
    ),
    (
        ProgrammeRead,
        programmes._PROGRAMME_READ,
        lambda row: programme_routes.read(row, programmes.implementers_in(row)),
    ),
]


@pytest.mark.parametrize(
    ("model", "stmt", "shape"), READ_RAW_SHAPED, ids=lambda v: getattr(v, "__name__", "")
)
async def test_a_shaped_row_read_raw_answers_the_bytes_of_the_row_read_by_the_session(
    demo: AsyncClient,
    connection: AsyncConnection,
    model: type[BaseModel],
    stmt: sa.Select[Any],
    shape: Callable[[Any], Any],
) -> None:
    """Every stored answer of each one-statement read, read raw and shaped by its service: the
    same JSON, byte for byte, as the row read through the session, shaped and validated."""
    ordered = stmt.order_by(*stmt.selected_columns[:1])
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        rows = (await session.execute(ordered)).all()
        raw = await reads.fetch_all(session, ordered)
    assert len(rows) >= 1 and len(raw) == len(rows), model
    for row, record in zip(rows, raw, strict=True):
        expected = model.model_validate(shape(row)).model_dump_json().encode()
        data = shape(record)  # a model (the route answers with it) or data for answer_json
        if isinstance(data, BaseModel):
            assert data.model_dump_json().encode() == expected
        else:
            assert answer_json(model, data).body == expected


async def test_an_answer_holding_a_text_in_the_callers_language_is_validated(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    """A grant is served as dicts though its model may embed a partnership (whose texts are
    worded in the caller's language by validation): the answer that embeds one is validated,
    and both are the model's bytes."""
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        grant = await reads.fetch_one(session, grants._READ.limit(1))
        shown = partnerships._ANSWER.add_columns(partnerships._PARTNER_IDS).limit(1)
        partnership = await reads.fetch_one(session, shown)
    assert grant is not None and partnership is not None
    data = grant_routes._fields(grants._view(grant, grant))
    embedded = {
        **data,
        "partnership": partnerships.fields(partnership, list(partnership.partner_ids or [])),
    }
    for answer in (data, embedded):
        expected = GrantRead.model_validate(answer).model_dump_json().encode()
        assert answer_json(GrantRead, answer).body == expected
    assert b'"served_language"' in answer_json(GrantRead, embedded).body


_ORGANISATIONS: sa.Table = Organisation.__table__  # type: ignore[attr-defined]
PID = sa.select(sa.func.pg_backend_pid().label("pid"))


async def test_a_raw_read_is_seen_by_the_statement_listeners(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    [organisation] = (await client.get("/api/v1/organisations", params={"limit": 1})).json()[
        "items"
    ]
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    try:
        response = await client.get(f"/api/v1/organisations/{organisation['id']}")
    finally:
        event.remove(sync, "before_cursor_execute", record)
    assert response.status_code == 200
    assert response.json() == organisation
    assert [s for s in seen if "FROM organisations" in s], seen


async def test_a_raw_read_on_the_engine_is_counted_and_reads_what_the_session_wrote(
    database_url: str, settings: Settings
) -> None:
    engine = make_engine(database_url, one_connection(settings))
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with make_sessionmaker(engine)() as session:
            reads_first(session)
            stmt = sa.select(_ORGANISATIONS.c.id, _ORGANISATIONS.c.name).limit(2)
            rows = await reads.fetch_all(session, stmt)
            assert [set(row) for row in rows] == [{"id", "name"}] * len(rows)
            assert len(seen) == 1 and "FROM organisations" in seen[0]
            assert not session.in_transaction()  # the pool's connection is back
            await session.execute(sa.text("CREATE TEMPORARY TABLE raw_probe (x int)"))
            await session.execute(sa.text("INSERT INTO raw_probe VALUES (7)"))
            probe = sa.table("raw_probe", sa.column("x", sa.Integer))
            # through the session's transaction: its uncommitted row is there
            assert await reads.fetch_scalar(session, sa.select(probe.c.x)) == 7
            await session.rollback()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("ping_after_idle_s", [0.0, 3600.0])
async def test_a_connection_the_server_closed_is_replaced_for_a_raw_read(
    database_url: str, settings: Settings, ping_after_idle_s: float
) -> None:
    engine = make_engine(
        database_url, one_connection(settings, db_pool_ping_after_idle_s=ping_after_idle_s)
    )
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            first = await reads.fetch_scalar(session, PID)
        await terminate(database_url, first)
        async with sessions() as session:
            assert await reads.fetch_scalar(session, PID) != first
    finally:
        await engine.dispose()


@pytest.mark.parametrize("read", [PID, reads.Prepared(PID)], ids=["built", "prepared"])
async def test_a_lost_connection_is_sqlalchemys_error_and_the_next_read_recovers(
    database_url: str, settings: Settings, read: sa.Select[Any] | reads.Prepared
) -> None:
    """Without the checkout check the dead connection is used: the read fails as a session's
    would (a `DBAPIError`, which the API answers with 503), the pool throws the connection away,
    and the next read has a new one; a prepared read (its plan kept from the first) as well."""
    engine = make_engine(database_url, one_connection(settings, db_pool_pre_ping=False))
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            first = await reads.fetch_scalar(session, read)
        await terminate(database_url, first)
        async with sessions() as session:
            with pytest.raises(DBAPIError) as failed:
                await reads.fetch_scalar(session, read)
        assert failed.value.connection_invalidated
        async with sessions() as session:
            assert await reads.fetch_scalar(session, read) != first
    finally:
        await engine.dispose()


async def test_a_prepared_read_by_id_answers_a_scoped_caller_as_staff_and_404s_outside(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    """The reads by id prepared per shape of scope (`reads.Prepared`, the caller's organisations
    an array bound per request): a coordinator of the Swedish party, or of the partner (the
    scope's subquery), with a second organisation besides, gets the staff's answer byte for
    byte with its ETag; a coordinator of another organisation gets the 404 problem."""
    p = await funded_partnership(client)
    grant = await create_grant(client, p)
    application = (await client.post("/api/v1/applications", json=inception(p))).json()
    held = await meeting(client, p, "2027-05-04", "swedish")
    shared = [
        f"{PARTNERSHIPS_PATH}/{p['id']}",
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{held['id']}",
        f"/api/v1/grants/{grant['id']}",
        f"/api/v1/applications/{application['id']}",
    ]
    elsewhere = uuid.UUID((await create_organisation(client))["id"])
    for organisation_id in (p["swedish_party_id"], p["partner_ids"][0]):
        person = await create_person(client, organisation_id)
        paths = [*shared, f"{PEOPLE_PATH}/{person['id']}"]
        token = await api_key(connection, Role.coordinator, [elsewhere, uuid.UUID(organisation_id)])
        async with authorised(client, token) as coordinator:
            for path in paths:
                staff, theirs = await client.get(path), await coordinator.get(path)
                assert staff.status_code == theirs.status_code == 200, (path, theirs.text)
                assert theirs.content == staff.content, path
                assert theirs.headers["etag"] == staff.headers["etag"], path
        async with authorised(
            client, await api_key(connection, Role.coordinator, [elsewhere])
        ) as other:
            for path in paths:
                outside = await other.get(path)
                assert outside.status_code == 404, (path, outside.text)
                assert outside.headers["content-type"] == "application/problem+json", path


NUMBERS = [
    sa.Float(),
    sa.Float(asdecimal=True),
    sa.Double(),
    sa.Numeric(14, 2),
    sa.Numeric(14, 2, asdecimal=False),
    sa.ARRAY(sa.Float(asdecimal=True)),
    sa.ARRAY(sa.Numeric(14, 2)),
]


@pytest.mark.parametrize("kind", NUMBERS, ids=repr)
async def test_a_number_read_raw_is_of_the_type_the_session_reads(
    connection: AsyncConnection, kind: Any
) -> None:
    """A float or numeric column read raw comes back as the session's read gives it (a float
    asked for as a `Decimal` too): its processor is chosen by the type code PostgreSQL sends for
    the column's type, which the session takes from the cursor."""
    value = [1.25, 2.5] if isinstance(kind, sa.ARRAY) else 1.25
    stmt = sa.select(sa.cast(sa.literal(value, kind), kind).label("n"))
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        expected = await session.scalar(stmt)
        raw = await reads.fetch_scalar(session, stmt)
    assert raw == expected
    pairs = zip(raw, expected, strict=True) if isinstance(kind, sa.ARRAY) else [(raw, expected)]
    assert {(type(r), type(e)) for r, e in pairs} in ({(float, float)}, {(Decimal, Decimal)})
