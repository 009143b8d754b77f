"""OpenID Connect access tokens through the API, local users, and CORS for configured origins."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker

from app.main import create_app
from app.settings import Settings
from tests.access.tokens import TokenKit
from tests.factories import PEOPLE_PATH, create_organisation, create_person


@pytest.fixture
def kit(tmp_path: Path) -> TokenKit:
    return TokenKit(tmp_path)


@pytest.fixture
async def oidc_client(
    kit: TokenKit, settings: Settings, connection: AsyncConnection
) -> AsyncIterator[AsyncClient]:
    app = create_app(
        settings.model_copy(
            update={**kit.settings_overrides(), "cors_origins": ["https://intranet.example"]}
        )
    )
    app.state.sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_coordinator_token_is_scoped_to_its_organisations(
    client: AsyncClient, oidc_client: AsyncClient, kit: TokenKit
) -> None:
    mine = await create_organisation(client, name="Makueni County", country_code="KE")
    other = await create_organisation(client, name="Kitui County", country_code="KE")
    await create_person(client, mine["id"], given_name="Esther")
    await create_person(client, other["id"], given_name="Francis")
    token = kit.token(
        "alice@makueni", role="coordinator", organisations=[mine["id"]], name="Alice Coordinator"
    )
    response = await oidc_client.get(PEOPLE_PATH, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert [p["given_name"] for p in response.json()["items"]] == ["Esther"]

    users = (await client.get("/api/v1/users")).json()["items"]
    assert [(u["subject"], u["role"], u["organisation_ids"], u["name"]) for u in users] == [
        ("alice@makueni", "coordinator", [mine["id"]], "Alice Coordinator")
    ]
    # The next token's claims move the user; the local row follows them.
    promoted = kit.token("alice@makueni", role="programme_officer", organisations=[])
    assert (await oidc_client.get(PEOPLE_PATH, headers=bearer(promoted))).status_code == 200
    user = (await client.get("/api/v1/users")).json()["items"][0]
    assert (user["role"], user["organisation_ids"]) == ("programme_officer", [])


async def test_bad_tokens_are_401(oidc_client: AsyncClient, kit: TokenKit) -> None:
    org_less = kit.token(role="coordinator", organisations=[])
    cases = {
        "expired": kit.token(role="admin", expires_in=-600),
        "wrong audience": kit.token(role="admin", audience="another-api"),
        "unknown role": kit.token(role="mayor"),
        "coordinator without organisations": org_less,
        "organisation not an id": kit.token(role="viewer", organisations=["Makueni"]),
    }
    for case, token in cases.items():
        response = await oidc_client.get(PEOPLE_PATH, headers=bearer(token))
        assert response.status_code == 401, case
        assert response.json()["code"] == "unauthorized", case


async def test_the_first_visit_is_audited_with_the_user_as_actor(
    client: AsyncClient, oidc_client: AsyncClient, kit: TokenKit
) -> None:
    token = kit.token("bob@icld", role="admin", organisations=[], name="Bob Admin")
    assert (await oidc_client.get(PEOPLE_PATH, headers=bearer(token))).status_code == 200
    user = (await client.get("/api/v1/users")).json()["items"][0]
    events = (await client.get("/api/v1/audit-events", params={"object_id": user["id"]})).json()[
        "items"
    ]
    assert [(e["action"], e["actor_id"], e["actor_name"]) for e in events] == [
        ("create", user["id"], "Bob Admin")
    ]
    assert events[0]["changes"]["subject"] == [None, "bob@icld"]


async def test_cors_answers_configured_origins_only(oidc_client: AsyncClient) -> None:
    allowed = await oidc_client.options(
        "/api/v1/countries",
        headers={"Origin": "https://intranet.example", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://intranet.example"
    other = await oidc_client.get(
        "/api/v1/countries/SE", headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
