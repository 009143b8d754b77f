"""The scenes the rule matrix's rows are set in, built through the API (an administrator's
client) from small factories: a partnership, a running project with its steering group and
visits, a network with members, a programme, an application, a grant with a report."""

from datetime import timedelta
from typing import Any

from httpx import AsyncClient, Response

from app.clock import today
from tests.factories import ORG_PATH, PARTNERSHIPS_PATH

Json = dict[str, Any]
ANY_VERSION = {"If-Match": "*"}
DECISION = {"decision_reference": "ICLD 2016/1", "reason": "Decided"}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The reference municipalities (shipped by the migrations with fixed ids): found once.
_REFERENCE: dict[str, Json] = {}


def sek(amount: int | str) -> Json:
    return {"amount": str(amount), "currency": "SEK"}


def line(category: str, year: int, amount: int | str) -> Json:
    return {"category": category, "year": year, "amount": sek(amount)}


class World:
    """Factories over one test's client; each asserts its write succeeded."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client

    # Requests

    async def send(self, method: str, url: str, body: Any = None, expect: int = 0) -> Json:
        headers = ANY_VERSION if method in ("PATCH", "PUT", "DELETE") else {}
        response = await self.client.request(method, url, json=body, headers=headers)
        wanted = expect or {"POST": 201, "DELETE": 204}.get(method, 200)
        assert response.status_code == wanted, (method, url, response.text)
        return dict(response.json()) if response.content else {}

    async def post(self, url: str, body: Any = None, expect: int = 201) -> Json:
        return await self.send("POST", url, body, expect)

    async def patch(self, url: str, body: Any) -> Json:
        return await self.send("PATCH", url, body)

    async def get(self, url: str, **params: Any) -> Any:
        response: Response = await self.client.get(url, params=params)
        assert response.status_code == 200, (url, response.text)
        return response.json()

    # Reference data

    async def ref(self, code: str) -> Json:
        """A Swedish reference municipality by its SCB code (Karlstad 1780, Alingsås 1489,
        Lessebo 0761, Umeå 2480)."""
        if code not in _REFERENCE:
            found = await self.get(ORG_PATH, country="SE", type="municipality", official_code=code)
            [_REFERENCE[code]] = found["items"]
        return _REFERENCE[code]

    async def org(self, country: str = "ZM", type: str = "municipality", **fields: Any) -> Json:
        body = {"type": type, "country_code": country, "name": f"Council of {country}", **fields}
        return await self.post(ORG_PATH, body)

    async def person(
        self, organisation_id: str, kind: str = "official", side: str | None = None, **fields: Any
    ) -> Json:
        body: Json = {
            "organisation_id": organisation_id,
            "kind": kind,
            "given_name": "Cecilia",
            "family_name": side or kind,
            **fields,
        }
        if side:
            body["political_side"] = side
        return await self.post("/api/v1/people", body)

    # Partnerships

    async def partnership(
        self, partner_country: str = "ZM", swedish: str = "1489", **fields: Any
    ) -> Json:
        """A Swedish municipality (Alingsås unless told) and a new partner (in Zambia unless
        told), applied for in 2015."""
        partner = await self.org(partner_country)
        body = {
            "title": "A partnership for local democracy",
            "principles": ["participation"],
            "swedish_party_id": (await self.ref(swedish))["id"],
            "partner_ids": [partner["id"]],
            "applied_on": "2015-09-30",
            **fields,
        }
        return await self.post(PARTNERSHIPS_PATH, body)

    def url(self, p: Json, *parts: str) -> str:
        return "/".join([PARTNERSHIPS_PATH, p["id"], *parts])

    async def phase(self, p: Json, kind: str, start: str, end: str) -> Json:
        body = {"kind": kind, "planned_start": start, "planned_end": end}
        return await self.post(self.url(p, "phases"), body)

    async def act(self, p: Json, phase: Json, action: str, **body: Any) -> Json:
        return await self.post(
            self.url(p, "phases", phase["id"], action), {**DECISION, **body}, expect=200
        )

    async def member(
        self, p: Json, person: Json, team: str, start: str = "2015-12-01", **fields: Any
    ) -> Json:
        body = {
            "person_id": person["id"],
            "team": team,
            "role": "member",
            "start_date": start,
            **fields,
        }
        return await self.post(self.url(p, "members"), body)

    async def steering_group(self, p: Json, start: str = "2015-12-01") -> dict[str, Json]:
        """A majority and an opposition politician of each side, by `<side>-<political side>`
        (each a membership, with its `person`)."""
        group = {}
        for side, organisation_id in (
            ("swedish", p["swedish_party_id"]),
            ("partner", p["partner_ids"][0]),
        ):
            for political in ("majority", "opposition"):
                person = await self.person(organisation_id, "politician", political)
                membership = await self.member(p, person, "steering_group", start)
                group[f"{side}-{political}"] = {**membership, "person": person}
        return group

    async def meeting(
        self,
        p: Json,
        day: str,
        host: str = "swedish",
        kind: str = "visit",
        status: str = "planned",
        **fields: Any,
    ) -> Json:
        host_id = p["swedish_party_id"] if host == "swedish" else p["partner_ids"][0]
        body = {
            "kind": kind,
            "host_organisation_id": host_id,
            "place": host,
            "start_date": day,
            "end_date": day,
            "status": status,
            **fields,
        }
        return await self.post(self.url(p, "meetings"), body)

    async def project(self, p: Json | None = None, *, start: bool = True) -> Json:
        """A project of 2016-2017 that starts on 2016-01-01 with a full steering group and two
        visits a year, hosted by the sides in turn: the partnership, with its `phase`, its
        `group` (see `steering_group`) and `meetings`."""
        p = p or await self.partnership()
        phase = await self.phase(p, "project", "2016-01-01", "2017-12-31")
        group = await self.steering_group(p)
        meetings = [
            await self.meeting(p, day, host)
            for day, host in (
                ("2016-05-10", "swedish"),
                ("2016-10-10", "partner"),
                ("2017-05-10", "swedish"),
                ("2017-10-10", "partner"),
            )
        ]
        if start:
            phase = await self.act(p, phase, "start", actual_start="2016-01-01")
        return {**p, "phase": phase, "group": group, "meetings": meetings}

    async def inception(
        self, p: Json, start: str = "2016-01-01", end: str = "2016-12-31", *, started: bool = True
    ) -> Json:
        """An inception phase with a visit hosted by each side in it, started on its first
        day unless told."""
        phase = await self.phase(p, "inception", start, end)
        await self.meeting(p, start[:4] + "-03-10", "swedish")
        await self.meeting(p, start[:4] + "-09-10", "partner")
        if started:
            phase = await self.act(p, phase, "start", actual_start=start)
        return phase

    async def team(
        self, p: Json, team: str, kind: str, swedish: int, partner: int, **person: Any
    ) -> list[Json]:
        """`swedish` and `partner` people of `kind` in `team`: the memberships, each with its
        `person`."""
        made = []
        for organisation_id, n in (
            (p["swedish_party_id"], swedish),
            (p["partner_ids"][0], partner),
        ):
            for i in range(n):
                someone = await self.person(organisation_id, kind, given_name=f"P{i}", **person)
                made.append({**await self.member(p, someone, team), "person": someone})
        return made

    async def inception_team(self, p: Json) -> dict[str, Json]:
        """A majority and an opposition politician of each side in the inception team, by
        `<side>-<political side>`."""
        group = {}
        for side, organisation_id in (
            ("swedish", p["swedish_party_id"]),
            ("partner", p["partner_ids"][0]),
        ):
            for political in ("majority", "opposition"):
                person = await self.person(organisation_id, "politician", political)
                membership = await self.member(p, person, "inception_team")
                group[f"{side}-{political}"] = {**membership, "person": person}
        return group

    async def document(self, p: Json, kind: str = "report", **fields: Any) -> Json:
        body = {"kind": kind, "title": f"A {kind}", **fields}
        return await self.post(self.url(p, "documents"), body)

    async def upload(self, p: Json, document: Json) -> None:
        response = await self.client.put(
            self.url(p, "documents", document["id"], "file"),
            content=PDF,
            headers={"Content-Type": "application/pdf"},
        )
        assert response.status_code == 200, response.text

    async def letter(self, p: Json) -> Json:
        """A letter of intent signed by both sides in 2015, with its file."""
        letter = await self.document(
            p,
            "letter_of_intent",
            swedish_signed_on="2015-11-02",
            partner_signed_on="2015-11-20",
        )
        await self.upload(p, letter)
        return letter

    # Networks, workshops

    async def network(self, countries: tuple[str, ...] = ("SE", "CO", "GT"), **fields: Any) -> Json:
        body = {
            "title": "Network for gender equality",
            "theme": "gender equality",
            "country_codes": list(countries),
            "starts": "2024-01-01",
            "ends": "2026-12-31",
            "status": "active",
            **fields,
        }
        return await self.post("/api/v1/networks", body)

    async def join(self, network: Json, organisation_id: str) -> Json:
        body = {"organisation_id": organisation_id, "joined_on": "2024-02-01", "status": "active"}
        return await self.post(f"/api/v1/networks/{network['id']}/members", body)

    async def workshop(self, host: Json, organisation_ids: list[str], **fields: Any) -> Json:
        body = {
            "title": "Local democracy and gender equality",
            "host_organisation_id": host["id"],
            "country_code": host["country_code"],
            "city": "Guatemala City",
            "starts": "2024-06-03",
            "ends": "2024-06-07",
            "organisation_ids": organisation_ids,
            **fields,
        }
        return await self.post("/api/v1/workshops", body)

    async def network_workshop(self) -> Json:
        """The gender network (SE, CO, GT) with Lessebo and a Guatemalan municipality as
        members and a June 2024 workshop of both: the workshop, with `network`, `lessebo` and
        `guatemalan`."""
        network = await self.network()
        lessebo = await self.ref("0761")
        guatemalan = await self.org("GT", name="Municipalidad de Ejemplo")
        for organisation in (lessebo, guatemalan):
            await self.join(network, organisation["id"])
        workshop = await self.workshop(
            guatemalan, [lessebo["id"], guatemalan["id"]], network_id=network["id"]
        )
        return {**workshop, "network": network, "lessebo": lessebo, "guatemalan": guatemalan}

    async def participants(self, workshop: Json, people: list[Json]) -> None:
        await self.send(
            "PUT",
            f"/api/v1/workshops/{workshop['id']}/participants",
            {"participants": [{"person_id": person["id"]} for person in people]},
        )

    # Programmes, study visits

    async def programme(self, **fields: Any) -> Json:
        """ITP 322 (2019-2020), for people from five East African countries."""
        lead = await self.org("SE", "government_agency", name="Arbetsförmedlingen")
        body = {
            "title": "Social Protection for Sustainable Development",
            "code": "ITP 322",
            "funder": "Sida",
            "starts": "2019-01-01",
            "ends": "2020-12-31",
            "implementers": [{"organisation_id": lead["id"], "role": "lead"}],
            "segments": [{"country_code": "SE", "weeks": 2}],
            "participant_countries": [{"country_code": c} for c in ("ET", "KE", "TZ", "UG", "ZM")],
            **fields,
        }
        return await self.post("/api/v1/training-programmes", body)

    async def visit(self, **fields: Any) -> Json:
        """A study visit to Upplands-Bro (0139) on 2019-09-24."""
        body = {
            "visit_on": "2019-09-24",
            "host_organisation_id": (await self.ref("0139"))["id"],
            **fields,
        }
        return await self.post("/api/v1/study-visits", body)

    # Funding

    async def open_round(self) -> Json:
        day = today()
        body = {
            "title": "A round open today",
            "opens": str(day - timedelta(days=5)),
            "closes": str(day + timedelta(days=10)),
        }
        return await self.post("/api/v1/application-rounds", body)

    def inception_application(self, p: Json, **fields: Any) -> Json:
        return {
            "partnership_id": p["id"],
            "kind": "inception",
            "planned_start": "2027-03-01",
            "planned_end": "2028-02-29",
            "budget": [line("travel", 1, 150000), line("accommodation", 1, 60000)],
            **fields,
        }

    def project_application(self, p: Json, round_id: str, **fields: Any) -> Json:
        return {
            "partnership_id": p["id"],
            "kind": "project",
            "round_id": round_id,
            "planned_start": "2027-09-01",
            "planned_end": "2029-08-31",
            "budget": [line("travel", 1, 300000), line("travel", 2, 400000)],
            **fields,
        }

    async def application(self, p: Json, **fields: Any) -> Json:
        """A draft inception application."""
        return await self.post("/api/v1/applications", self.inception_application(p, **fields))

    async def attachments(self, p: Json) -> list[str]:
        """A signed letter of intent and a budget, with their files."""
        budget = await self.document(p, "budget")
        await self.upload(p, budget)
        return [(await self.letter(p))["id"], budget["id"]]

    async def submitted(self, p: Json | None = None) -> Json:
        """A submitted inception application, with its partnership as `p`."""
        p = p or await self.partnership()
        made = await self.application(p, attachment_ids=await self.attachments(p))
        done = await self.post(f"/api/v1/applications/{made['id']}/submit", expect=200)
        return {**done, "p": p}

    async def decided(self, action: str = "approve", p: Json | None = None) -> Json:
        application = await self.submitted(p)
        url = f"/api/v1/applications/{application['id']}"
        await self.post(f"{url}/assess", expect=200)
        done = await self.post(
            f"{url}/{action}", {"reason": "Decided"} if action == "reject" else None, expect=200
        )
        return {**done, "p": application["p"]}

    def grant_body(self, p: Json, **fields: Any) -> Json:
        """A two-year project grant of 800,000 SEK from 2019-09-01: travel and venue in each
        year."""
        return {
            "partnership_id": p["id"],
            "kind": "project",
            "reference": "KP 2019/101",
            "decided_on": "2019-06-10",
            "starts": "2019-09-01",
            "ends": "2021-08-31",
            "amount": sek(800000),
            "budget": [
                line("travel", 1, 300000),
                line("venue", 1, 100000),
                line("travel", 2, 300000),
                line("venue", 2, 100000),
            ],
            **fields,
        }

    async def grant(self, p: Json | None = None, **fields: Any) -> Json:
        p = p or await self.partnership()
        made = await self.post("/api/v1/grants", self.grant_body(p, **fields))
        return {**made, "p": p}

    def line_id(self, grant: Json, category: str, year: int) -> str:
        [found] = [
            x["id"] for x in grant["budget"] if (x["category"], x["year"]) == (category, year)
        ]
        return str(found)

    async def report(
        self, grant: Json, kind: str = "interim", year: int = 1, amount: int = 100000
    ) -> Json:
        body = {
            "kind": kind,
            "year": year,
            "narrative": "Done.",
            "costs": [
                {"budget_line_id": self.line_id(grant, "travel", year), "amount": sek(amount)}
            ],
        }
        return await self.post(f"/api/v1/grants/{grant['id']}/reports", body)

    async def approved_report(self, grant: Json, **fields: Any) -> Json:
        report = await self.report(grant, **fields)
        url = f"/api/v1/grants/{grant['id']}/reports/{report['id']}/approve"
        return await self.post(url, expect=200)

    async def amend(self, grant: Json, kind: str, **fields: Any) -> Json:
        body = {"kind": kind, "reference": "KP 2020/88", "decided_on": "2020-04-01", **fields}
        return await self.post(f"/api/v1/grants/{grant['id']}/amendments", body)
