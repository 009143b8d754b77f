"""Each HTTP action that is an event writes it, its payload validates against the JSON Schema
`GET /api/v1/event-types` publishes, and it agrees with the object's read route: the same
fields, named and shaped alike, less those docs/events.md lists as left out (each test rolled
back)."""

from typing import Any

from httpx import AsyncClient
from jsonschema import Draft202012Validator
from pydantic import MISSING, BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.schemas.continuity import ContinuityAlert
from app.schemas.event_types import EVENT_TYPES
from app.schemas.funding.applications import ApplicationRead
from app.schemas.funding.grants import AmendmentRead, GrantRead, PaymentRead, ReportRead
from app.schemas.partner_interests import PartnerInterestRead
from app.schemas.partnerships.compliance import OverdueReport
from app.schemas.partnerships.meetings import MeetingRead
from app.schemas.partnerships.partnerships import PartnershipRead
from app.schemas.partnerships.phases import PhaseRead
from app.schemas.people import PersonRead
from tests.access.test_routes import objects_of
from tests.factories import (
    PARTNERSHIPS_PATH,
    create_organisation,
    create_phase,
    reference_municipality,
)
from tests.funding.helpers import APPLICATIONS, act, attachments
from tests.partnerships.test_phases import act as phase_act
from tests.partnerships.test_phases import meeting, partnership

# Each type's read schema (its object's GET route), and the fields of it a payload leaves out
# (docs/events.md, "data and the read routes"): built from other rows, not known before the
# row is written (created_at, updated_at: the envelope's occurred_at is the change's time), or
# personal data and free text.
READ: dict[str, type[BaseModel]] = {
    "partnership.created": PartnershipRead,
    "partnership.published": PartnershipRead,
    "phase.started": PhaseRead,
    "phase.terminated": PhaseRead,
    "meeting.held": MeetingRead,
    "meeting.cancelled": MeetingRead,
    "meeting.rescheduled": MeetingRead,
    "application.submitted": ApplicationRead,
    "application.approved": ApplicationRead,
    "grant.decided": GrantRead,
    "grant.amended": AmendmentRead,
    "report.approved": ReportRead,
    "payment.made": PaymentRead,
    "report.overdue": OverdueReport,
    "partnership.continuity_at_risk": ContinuityAlert,
    "person.erased": PersonRead,
    "meeting.deleted": MeetingRead,
    "person.deleted": PersonRead,
    "partner_interest.declared": PartnerInterestRead,
    "partner_interest.matched": PartnerInterestRead,
    "partner_interest.withdrawn": PartnerInterestRead,
}
TIMES = {"created_at", "updated_at"}
LEFT_OUT: dict[type[BaseModel], set[str]] = {
    PartnershipRead: {
        "description",
        "local_challenge",
        "partner_ids",
        "form",
        "served_language",
        "translations",
        *TIMES,
    },
    PhaseRead: TIMES,
    MeetingRead: {"host_side", "participant_ids", "outcome", "cancellation", *TIMES},
    ApplicationRead: {"description", "budget", "budget_total", "attachment_ids", *TIMES},
    GrantRead: {"conditions", "funding_chain", "budget", "reports_due", *TIMES},
    AmendmentRead: {"decided_by", "details", "created_at"},
    ReportRead: {"narrative", "decision_note", "costs", "total", *TIMES},
    PaymentRead: {"created_at"},
    OverdueReport: set(),
    ContinuityAlert: set(),
    PartnerInterestRead: {"local_challenge", *TIMES},
    PersonRead: {
        "kind",
        "given_name",
        "family_name",
        "title",
        "party",
        "political_side",
        "email",
        "phone",
        "mandate_ends",
        *TIMES,
    },
}
ADDED = {"grant.amended": {"grant_id"}}  # the read route has it in its path


def _plain(schema: Any, defs: dict[str, Any]) -> Any:
    """A JSON Schema with its references resolved and its prose (titles, descriptions,
    examples) left out: what a value must look like, nothing else."""
    if isinstance(schema, list):
        return [_plain(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return _plain({**defs[schema["$ref"].rsplit("/", 1)[1]], **rest}, defs)
    prose = {"title", "description", "examples", "readOnly", "$defs"}
    return {key: _plain(value, defs) for key, value in schema.items() if key not in prose}


def properties(model: type[BaseModel]) -> dict[str, Any]:
    """The fields the read route answers without `expand` (those it embeds on request are
    MISSING unless asked for: docs/front-ends.md)."""
    schema = model.model_json_schema(mode="serialization")
    embedded = {name for name, field in model.model_fields.items() if field.default is MISSING}
    found = _plain(schema["properties"], schema.get("$defs", {}))
    return {name: value for name, value in found.items() if name not in embedded}


async def test_each_payload_is_its_read_schemas_fields_less_those_left_out(
    client: AsyncClient,
) -> None:
    published = {
        t["name"]: t["payload_schema"]
        for t in (await client.get("/api/v1/event-types")).json()["items"]
    }
    assert set(published) == set(READ)
    for event_type in EVENT_TYPES:
        schema = published[event_type.name]
        payload = dict(_plain(schema["properties"], schema.get("$defs", {})))
        read = properties(READ[event_type.name])
        added = ADDED.get(event_type.name, set())
        assert set(payload) == set(read) - LEFT_OUT[READ[event_type.name]] | added, event_type
        for name in set(payload) - added:
            # The same, or never null where the read route may say null (`erased_at` of an
            # erased person).
            narrowed = {"anyOf": [payload[name], {"type": "null"}]}
            assert read[name] in (payload[name], narrowed), (event_type.name, name)


async def catalogue(client: AsyncClient) -> dict[str, Draft202012Validator]:
    listed = (await client.get("/api/v1/event-types")).json()["items"]
    return {
        t["name"]: Draft202012Validator(
            t["payload_schema"], format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for t in listed
    }


async def events_of(connection: AsyncConnection, object_id: str) -> list[Any]:
    rows = await connection.execute(
        text(
            "SELECT type, payload, object_url FROM events WHERE object_id = :id "
            "ORDER BY occurred_at, id"
        ),
        {"id": object_id},
    )
    return list(rows)


async def as_read(
    client: AsyncClient,
    validators: dict[str, Draft202012Validator],
    event: Any,
    unlike: frozenset[str] = frozenset(),
) -> None:
    """The event's payload validates against its published schema, holds every field the
    schema names, and has the values the object's read route answers now (but `unlike`)."""
    validators[event.type].validate(event.payload)
    assert set(event.payload) == set(validators[event.type].schema["properties"])
    read = await client.get(event.object_url)
    assert read.status_code == 200, read.text
    shared = set(event.payload) - ADDED.get(event.type, set()) - unlike
    assert {k: event.payload[k] for k in shared} == {k: read.json()[k] for k in shared}


def meeting_url(p: dict[str, Any], m: dict[str, Any], action: str) -> str:
    return f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{m['id']}/{action}"


async def test_phase_and_meeting_actions_are_their_events(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    validators = await catalogue(client)
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    visit = await meeting(client, p, "2020-04-20", "swedish")
    later = await meeting(client, p, "2020-10-12", "partner")
    spare = await meeting(client, p, "2020-05-05", "partner", kind="digital_meeting")
    moving = await meeting(client, p, "2030-05-06", "swedish", kind="workshop")

    started = await phase_act(client, p, inception, "start", actual_start="2020-02-01")
    assert started.status_code == 200, started.text
    [event] = await events_of(connection, inception["id"])
    assert (event.type, event.payload["status"]) == ("phase.started", "active")
    await as_read(client, validators, event)

    held = await client.post(
        meeting_url(p, visit, "hold"), json={"outcome": "Plan agreed"}, headers={"If-Match": '"v1"'}
    )
    assert held.status_code == 200, held.text
    cancelled = await client.post(
        meeting_url(p, spare, "cancel"),
        json={"reason": "The council met instead"},
        headers={"If-Match": '"v1"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    moved = await client.post(
        meeting_url(p, moving, "reschedule"),
        json={"start_date": "2030-06-03", "end_date": "2030-06-03", "reason": "Elections"},
        headers={"If-Match": '"v1"'},
    )
    assert moved.status_code == 200, moved.text
    for m, expected in ((visit, "meeting.held"), (spare, "meeting.cancelled")):
        [event] = await events_of(connection, m["id"])
        assert event.type == expected
        await as_read(client, validators, event)
    [event] = await events_of(connection, moving["id"])
    assert (event.type, event.payload["start_date"]) == ("meeting.rescheduled", "2030-06-03")
    await as_read(client, validators, event)

    # Ending the phase early cancels the meetings planned in the rest of it: an event too.
    ended = await phase_act(client, p, inception, "terminate", effective_date="2020-06-01")
    assert ended.status_code == 200, ended.text
    [first, event] = await events_of(connection, inception["id"])
    assert (first.type, event.type) == ("phase.started", "phase.terminated")
    assert (event.payload["status"], event.payload["actual_end"]) == ("terminated", "2020-05-31")
    await as_read(client, validators, event)
    [event] = await events_of(connection, later["id"])
    assert (event.type, event.payload["status"]) == ("meeting.cancelled", "cancelled")
    await as_read(client, validators, event)
    # Personal data and free text stay out: not the outcome, the reason, nor who cancelled.
    payloads = str(
        [e.payload for m in (visit, spare) for e in await events_of(connection, m["id"])]
    )
    assert "Plan agreed" not in payloads and "The council met instead" not in payloads
    assert "test admin" not in payloads


async def test_application_actions_are_their_events(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    validators = await catalogue(client)
    p = await partnership(client)
    made = await client.post(
        APPLICATIONS,
        json={
            "partnership_id": p["id"],
            "kind": "inception",
            "planned_start": "2027-03-01",
            "planned_end": "2028-02-29",
            "description": "Open budgeting with the wards",
            "budget": [{"category": "travel", "year": 1, "amount": {"amount": "150000"}}],
            "attachment_ids": await attachments(client, p),
        },
    )
    assert made.status_code == 201, made.text
    application = made.json()
    assert await events_of(connection, application["id"]) == []  # a draft is no event
    assert (await act(client, application, "submit")).status_code == 200
    [event] = await events_of(connection, application["id"])
    assert (event.type, event.payload["status"]) == ("application.submitted", "submitted")
    await as_read(client, validators, event)
    assert (await act(client, application, "assess")).status_code == 200
    assert (await act(client, application, "approve")).status_code == 200
    types = [e.type for e in await events_of(connection, application["id"])]
    assert types == ["application.submitted", "application.approved"]  # assessing is none
    event = (await events_of(connection, application["id"]))[-1]
    assert event.payload["status"] == "approved"
    assert event.payload["decided_on"] is not None
    await as_read(client, validators, event)
    assert "Open budgeting" not in str(event.payload)


async def test_funding_payloads_are_as_their_read_routes(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    validators = await catalogue(client)
    organisation = await create_organisation(client, name="Funded Council")
    objects = await objects_of(client, organisation["id"])
    [decided] = await events_of(connection, objects["grant_id"])
    # Money as the read routes write it; the postponement that came after moved the current end.
    assert decided.payload["original"] == {
        "amount": {"amount": "100000.00", "currency": "SEK"},
        "ends": "2021-01-31",
    }
    assert decided.payload["current"] == decided.payload["original"]
    await as_read(client, validators, decided, unlike=frozenset({"current"}))
    for name, expected in (
        ("report_id", "report.approved"),
        ("payment_id", "payment.made"),
        ("amendment_id", "grant.amended"),
        ("partnership_id", "partnership.created"),
    ):
        [event] = await events_of(connection, objects[name])
        assert event.type == expected
        await as_read(client, validators, event)
    [paid] = await events_of(connection, objects["payment_id"])
    assert paid.payload["amount"] == {"amount": "1000.00", "currency": "SEK"}


async def test_partner_search_actions_are_their_events(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    validators = await catalogue(client)
    interests = "/api/v1/partner-interests"
    declared = []
    for organisation_id, fields in (
        ((await reference_municipality(client, "0761"))["id"], {"countries": ["GT"]}),
        ((await create_organisation(client, country_code="GT", name="Municipalidad"))["id"], {}),
        ((await create_organisation(client, country_code="CO", name="Alcaldía"))["id"], {}),
    ):
        made = await client.post(
            interests,
            json={
                "organisation_id": organisation_id,
                "themes": ["gender equality"],
                "principles": ["participation"],
                "local_challenge": "Few women stand for election",
                "earliest_start": "2026-03-01",
                **fields,
            },
        )
        assert made.status_code == 201, made.text
        declared.append(made.json())
    swedish, partner, withdrawn = declared
    for interest in declared:
        [event] = await events_of(connection, interest["id"])
        assert event.type == "partner_interest.declared"
        await as_read(client, validators, event)
    out = await client.post(f"{interests}/{withdrawn['id']}/withdraw", headers={"If-Match": '"v1"'})
    assert out.status_code == 200, out.text
    matched = await client.post(f"{interests}/{swedish['id']}/matches/{partner['id']}/partnership")
    assert matched.status_code == 201, matched.text
    for interest, expected in (
        (withdrawn, "partner_interest.withdrawn"),
        (swedish, "partner_interest.matched"),
        (partner, "partner_interest.matched"),
    ):
        event = (await events_of(connection, interest["id"]))[-1]
        assert (event.type, event.payload["status"]) == (expected, expected.split(".")[1])
        await as_read(client, validators, event)
        assert "Few women" not in str(event.payload)  # the challenge is free text
    [created] = await events_of(connection, matched.json()["id"])
    assert created.payload["origin"] == {
        "swedish_interest_id": swedish["id"],
        "partner_interest_id": partner["id"],
    }
    await as_read(client, validators, created)
