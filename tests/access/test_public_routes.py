"""Public routes ignore credentials they cannot accept, and answer as to an anonymous caller
(docs/access-control.md, "Who is calling"); a route that needs credentials still refuses them."""

import re
import socket
import uuid
from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.oidc import OidcVerifier
from app.models.enums import Role
from app.settings import Settings
from tests.access.test_routes import PUBLIC, fill
from tests.access.tokens import TokenKit
from tests.conftest import api_key
from tests.factories import PARTNERSHIPS_PATH, create_organisation
from tests.funding.helpers import create_grant, partnership
from tests.test_networks import add, gender_network


async def public_objects(client: AsyncClient) -> dict[str, str]:
    """A published partnership with a grant and a calendar subscription, an announced network
    with a member, and its listed declaration of interest."""
    p = await partnership(client, title="Alingsås - Chililabombwe")
    await create_grant(client, p)
    assert (await client.post(f"{PARTNERSHIPS_PATH}/{p['id']}/publish")).status_code == 200
    network = await gender_network(client)
    member = await create_organisation(client, country_code="GT", name="Municipalidad")
    assert (await add(client, network, member["id"])).status_code == 201
    subscription = await client.post(
        "/api/v1/calendar-subscriptions", json={"feed": "partnership", "partnership_id": p["id"]}
    )
    assert subscription.status_code == 201, subscription.text
    interest = await client.post(
        "/api/v1/partner-interests",
        json={
            "organisation_id": member["id"],
            "themes": ["gender equality"],
            "principles": ["participation"],
            "local_challenge": "Few women in the council.",
            "earliest_start": "2026-03-01",
            "listed": True,
        },
    )
    assert interest.status_code == 201, interest.text
    return {
        "interest_id": interest.json()["id"],
        "token": subscription.json()["token"],
        "code": "SE",
        "organisation_id": member["id"],
        "partnership_id": p["id"],
        "network_id": network["id"],
        "vocabulary": "phase_kind",
    }


async def refused_credentials(client: AsyncClient, connection: AsyncConnection) -> list[str]:
    """`Authorization` headers that a route needing credentials answers with 401."""
    revoked = await api_key(connection, Role.admin)
    [listed] = [
        k
        for k in (await client.get("/api/v1/api-keys", params={"limit": 100})).json()["items"]
        if revoked.startswith(f"pk_{k['prefix']}_")
    ]
    assert (await client.post(f"/api/v1/api-keys/{listed['id']}/revoke")).status_code == 200
    expired = await api_key(connection, Role.programme_officer)
    await connection.execute(
        text("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE prefix = :p"),
        {"p": expired.split("_")[1]},
    )
    return [
        "Bearer pk_000000000000_not-a-key",  # unknown
        f"Bearer {revoked}",
        f"Bearer {expired}",
        "Bearer not-a-jwt",  # OpenID Connect is off in the tests: every other token is refused
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",  # another scheme
    ]


def seen(response: Response) -> tuple[int, str, bytes]:
    """What a client reads: the IATI file's generation time is the one thing that may differ."""
    body = re.sub(rb'generated-datetime="[^"]*"', b"", response.content)
    return response.status_code, response.headers["content-type"], body


async def test_public_routes_answer_refused_credentials_as_none(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    values = await public_objects(client)
    refused = await refused_credentials(client, connection)
    valid = await api_key(connection, Role.viewer, [uuid.UUID(values["organisation_id"])])
    for header in refused:  # each is refused where credentials are needed...
        people = await anonymous.get("/api/v1/people", headers={"Authorization": header})
        assert people.status_code == 401, header
    checked = 0
    for method, path in sorted(PUBLIC):
        url = fill(
            path, {**values, "code": "not-found"} if path.startswith("/problems") else values
        )
        anonymous_view = seen(await anonymous.request(method, url))
        assert anonymous_view[0] == 200, (url, anonymous_view)
        for header in [*refused, f"Bearer {valid}"]:  # ...and ignored here
            response = await anonymous.request(method, url, headers={"Authorization": header})
            assert seen(response) == anonymous_view, (url, header, response.text)
            assert "www-authenticate" not in response.headers
        checked += 1
    assert checked == len(PUBLIC) >= 15


async def test_a_token_that_cannot_be_checked_is_ignored_on_a_public_route(
    app: Any, anonymous: AsyncClient, tmp_path: Path
) -> None:
    """While the provider's signing keys are unavailable a route that needs credentials answers
    503; a public route does not need the token, so it answers as without one."""
    kit = TokenKit(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"  # nothing listens there
    token = {"Authorization": f"Bearer {kit.token('user-1', role='admin')}"}
    # Not monkeypatch: it would delete the attribute afterwards (State keeps it in a dict).
    configured = app.state.oidc
    app.state.oidc = OidcVerifier(Settings(**{**kit.settings_overrides(), "oidc_jwks_url": closed}))
    try:
        assert (await anonymous.get("/api/v1/people", headers=token)).status_code == 503
        anonymous_view = seen(await anonymous.get("/api/v1/countries/SE"))
        assert seen(await anonymous.get("/api/v1/countries/SE", headers=token)) == anonymous_view
    finally:
        app.state.oidc = configured
