"""OidcVerifier against the stand-in provider of tests/access/tokens.py."""

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from app.api.oidc import InvalidToken, OidcVerifier, SigningKeysUnavailable
from app.core.principal import TokenClaims
from app.settings import Settings
from tests.access.tokens import (
    AUDIENCE,
    ISSUER,
    KID,
    ORGANISATIONS_CLAIM,
    ROLE_CLAIM,
    TokenKit,
    other_private_key,
    public_jwk,
)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> TokenKit:
    return TokenKit(tmp_path_factory.mktemp("oidc"))


@pytest.fixture
def verifier(kit: TokenKit) -> OidcVerifier:
    return OidcVerifier(Settings(**kit.settings_overrides()))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None) -> str:
    """A token built without PyJWT's guards: HMAC-SHA256 with `secret`, unsigned when None."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return f"{signing_input}."
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def valid_claims() -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "attacker",
        "iat": now,
        "exp": now + 300,
        ROLE_CLAIM: "admin",
    }


async def refused(verifier: OidcVerifier, token: str) -> str:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    return str(caught.value)


async def test_a_valid_token_maps_its_claims(kit: TokenKit, verifier: OidcVerifier) -> None:
    token = kit.token(
        "user-42",
        role="programme_officer",
        organisations=["org-1", "org-2", "org-1"],
        name="Ada Lovelace",
        extra={"email": "ada@example.test"},
    )

    claims = await verifier.verify(token)

    assert claims == TokenClaims(
        subject="user-42",
        name="Ada Lovelace",
        email="ada@example.test",
        role="programme_officer",
        organisation_ids=("org-1", "org-2"),
    )


async def test_absent_optional_claims(kit: TokenKit, verifier: OidcVerifier) -> None:
    claims = await verifier.verify(kit.token(role=None, organisations=None, name=None))

    assert claims == TokenClaims(
        subject="user-1", name=None, email=None, role=None, organisation_ids=()
    )


async def test_one_organisation_as_a_string_and_preferred_username(
    kit: TokenKit, verifier: OidcVerifier
) -> None:
    token = kit.token(name=None, extra={ORGANISATIONS_CLAIM: "org-9", "preferred_username": "ada"})

    claims = await verifier.verify(token)

    assert claims.organisation_ids == ("org-9",)
    assert claims.name == "ada"


async def test_claims_of_the_wrong_shape_are_refused(kit: TokenKit, verifier: OidcVerifier) -> None:
    assert "role" in await refused(verifier, kit.token(extra={ROLE_CLAIM: ["admin"]}))
    assert "organisations" in await refused(verifier, kit.token(extra={ORGANISATIONS_CLAIM: [1]}))


async def test_an_expired_token_is_refused(kit: TokenKit, verifier: OidcVerifier) -> None:
    assert await refused(verifier, kit.token(expires_in=-120)) == "token expired"


async def test_a_token_expired_within_the_leeway_passes(
    kit: TokenKit, verifier: OidcVerifier
) -> None:
    assert (await verifier.verify(kit.token(expires_in=-10))).subject == "user-1"


async def test_a_token_for_another_audience_is_refused(
    kit: TokenKit, verifier: OidcVerifier
) -> None:
    assert await refused(verifier, kit.token(audience="another-api")) == "wrong audience"


async def test_a_token_from_another_issuer_is_refused(
    kit: TokenKit, verifier: OidcVerifier
) -> None:
    token = kit.token(issuer="https://login.example.test/realms/other")
    assert await refused(verifier, token) == "wrong issuer"


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud"])
async def test_a_token_without_a_required_claim_is_refused(
    kit: TokenKit, verifier: OidcVerifier, claim: str
) -> None:
    assert claim in await refused(verifier, kit.token(extra={claim: None}))


async def test_a_token_signed_by_another_key_with_the_same_kid_is_refused(
    kit: TokenKit, verifier: OidcVerifier
) -> None:
    token = kit.token(key=other_private_key())
    assert jwt.get_unverified_header(token)["kid"] == KID
    assert await refused(verifier, token) == "invalid signature"


async def test_a_token_with_an_unknown_kid_is_refused(
    kit: TokenKit, verifier: OidcVerifier
) -> None:
    assert await refused(verifier, kit.token(kid="unknown-key")) == "unknown signing key"
    assert await refused(verifier, kit.token(kid=None)) == "unknown signing key"


async def test_an_unsigned_token_is_refused(verifier: OidcVerifier) -> None:
    by_pyjwt = jwt.encode(valid_claims(), "", algorithm="none", headers={"kid": KID})
    by_hand = hand_made({"alg": "none", "typ": "JWT", "kid": KID}, valid_claims(), None)

    assert await refused(verifier, by_pyjwt) == "algorithm not allowed"
    assert await refused(verifier, by_hand) == "algorithm not allowed"


@pytest.mark.parametrize("algorithms", [["RS256", "ES256"], ["RS256", "HS256", "none"]])
async def test_an_hs256_token_signed_with_the_public_key_is_refused(
    kit: TokenKit, algorithms: list[str]
) -> None:
    """The key confusion attack: HMAC keyed with the published public key."""
    verifier = OidcVerifier(Settings(**kit.settings_overrides(), oidc_algorithms=algorithms))
    public_pem = kit.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = hand_made({"alg": "HS256", "typ": "JWT", "kid": KID}, valid_claims(), public_pem)

    expected = ("RS256",) if "HS256" in algorithms else ("RS256", "ES256")
    assert verifier.algorithms == expected
    assert await refused(verifier, token) == "algorithm not allowed"


async def test_garbage_is_refused(verifier: OidcVerifier) -> None:
    assert await refused(verifier, "not-a-jwt") == "malformed token"
    assert await refused(verifier, "") == "malformed token"


async def test_an_unconfigured_verifier_refuses_everything(kit: TokenKit) -> None:
    for missing in ("oidc_issuer", "oidc_audience", "oidc_jwks_url"):
        verifier = OidcVerifier(Settings(**{**kit.settings_overrides(), missing: None}))
        assert not verifier.configured
        assert await refused(verifier, kit.token()) == "OpenID Connect is not configured"


def test_configured(verifier: OidcVerifier) -> None:
    assert verifier.configured


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_unreachable_signing_keys_refuse_the_token(kit: TokenKit) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/jwks.json"
    verifier = OidcVerifier(Settings(**{**kit.settings_overrides(), "oidc_jwks_url": url}))

    with pytest.raises(SigningKeysUnavailable, match=r"^signing keys unavailable$"):
        await verifier.verify(kit.token())


@pytest.fixture
def silent_jwks_url() -> Iterator[str]:
    """A provider that accepts connections and never answers them."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)  # the kernel completes the handshakes; nothing ever reads or replies
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"


async def test_a_provider_that_does_not_answer_costs_one_timeout_not_one_per_request(
    kit: TokenKit, silent_jwks_url: str
) -> None:
    timeout_s = 0.5
    settings = Settings(**{**kit.settings_overrides(), "oidc_jwks_url": silent_jwks_url})
    verifier = OidcVerifier(settings, jwks_timeout_s=timeout_s)

    started = time.monotonic()
    results = await asyncio.gather(
        *(verifier.verify(kit.token()) for _ in range(4)), return_exceptions=True
    )
    elapsed = time.monotonic() - started

    assert all(isinstance(result, SigningKeysUnavailable) for result in results), results
    assert timeout_s * 0.9 <= elapsed < 2 * timeout_s  # one timeout, where it was one each

    started = time.monotonic()  # within the pause: refused at once, without the network
    with pytest.raises(SigningKeysUnavailable):
        await verifier.verify(kit.token())
    assert time.monotonic() - started < timeout_s / 2


async def test_the_key_set_is_fetched_again_after_the_pause(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kit = TokenKit(tmp_path)
    kit.jwks_path.unlink()  # the provider answers 404
    verifier = OidcVerifier(Settings(**kit.settings_overrides()), jwks_pause_s=0.3)

    with caplog.at_level(logging.WARNING, logger="app.api.oidc"):
        for _ in range(3):
            with pytest.raises(SigningKeysUnavailable):
                await verifier.verify(kit.token())
    assert len(caplog.records) == 1  # one fetch, one warning

    kit.write_jwks([public_jwk(kit.private_key)])  # the provider is back
    with pytest.raises(SigningKeysUnavailable):
        await verifier.verify(kit.token())  # not asked yet: still in the pause
    await asyncio.sleep(0.35)
    assert (await verifier.verify(kit.token())).subject == "user-1"


async def test_the_last_key_set_serves_while_the_provider_is_down(tmp_path: Path) -> None:
    kit = TokenKit(tmp_path)
    kit.write_jwks([public_jwk(kit.private_key), public_jwk(other_private_key(), "second")])
    verifier = OidcVerifier(Settings(**kit.settings_overrides()), jwks_cache_s=0.2)
    assert (await verifier.verify(kit.token())).subject == "user-1"

    kit.jwks_path.unlink()  # the provider answers 404 ...
    await asyncio.sleep(0.25)  # ... once the cached set has expired

    # A key of the last set that no token had used yet is still found in it.
    token = kit.token("user-2", key=other_private_key(), kid="second")
    assert (await verifier.verify(token)).subject == "user-2"


async def test_a_key_set_that_is_not_json_refuses_the_token(tmp_path: Path) -> None:
    kit = TokenKit(tmp_path)
    kit.jwks_path.write_text("<html>", encoding="utf-8")
    verifier = OidcVerifier(Settings(**kit.settings_overrides()))

    with pytest.raises(SigningKeysUnavailable):
        await verifier.verify(kit.token())


async def test_the_key_set_is_fetched_once_and_cached(tmp_path: Path) -> None:
    kit = TokenKit(tmp_path)
    verifier = OidcVerifier(Settings(**kit.settings_overrides()))
    await verifier.verify(kit.token())

    kit.write_jwks([public_jwk(other_private_key())])  # the provider rotates its key

    assert (await verifier.verify(kit.token())).subject == "user-1"


def test_a_jwks_url_other_than_http_is_a_configuration_error(kit: TokenKit) -> None:
    """Why the kit serves its JWKS over HTTP: PyJWKClient refuses file:// URLs."""
    url = kit.jwks_path.as_uri()
    with pytest.raises(ValueError, match="OIDC_JWKS_URL"):
        OidcVerifier(Settings(**{**kit.settings_overrides(), "oidc_jwks_url": url}))


def test_algorithms_without_an_asymmetric_one_are_a_configuration_error(kit: TokenKit) -> None:
    with pytest.raises(ValueError, match="OIDC_ALGORITHMS"):
        OidcVerifier(Settings(**kit.settings_overrides(), oidc_algorithms=["HS256", "none"]))
