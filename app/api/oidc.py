"""Access tokens from the OpenID Connect provider (docs/access-control.md, "Who is calling").

A token is accepted only when it is signed by a key published at `OIDC_JWKS_URL` with one of the
asymmetric `OIDC_ALGORITHMS` (never `none`, never HS*), is not expired, and names `OIDC_ISSUER`
as its `iss` and `OIDC_AUDIENCE` among its `aud`. Every failure is an `InvalidToken` whose message
is safe to show a client; the details go to the log.

The provider being down costs one fetch timeout (3 s) per pause (5 s), not one per request: after
a failed fetch the key set is not asked for again until the pause is over, and meanwhile the last
key set fetched (when there is one) keeps serving, even past its five minutes.
"""

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import jwt
from jwt.exceptions import InvalidSubjectError

from app.core.principal import TokenClaims
from app.settings import Settings

logger = logging.getLogger(__name__)

LEEWAY_SECONDS = 30
JWKS_CACHE_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 3.0
JWKS_PAUSE_SECONDS = 5.0
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]


class InvalidToken(Exception):
    """A token that must be refused; the message is safe to show the client."""


class SigningKeysUnavailable(InvalidToken):
    """The provider's signing keys could not be fetched (the token itself may be fine)."""


def is_allowed_algorithm(name: str) -> bool:
    """Only asymmetric algorithms: `none` and the HMAC family would let anyone holding the
    (public) key, or no key at all, mint tokens."""
    upper = name.strip().upper()
    return bool(upper) and upper != "NONE" and not upper.startswith("HS")


def _reason(error: jwt.PyJWTError) -> str:
    """A short description of why a token was refused, without internals."""
    if isinstance(error, jwt.ExpiredSignatureError):
        return "token expired"
    if isinstance(error, jwt.ImmatureSignatureError):
        return "token not yet valid"
    if isinstance(error, jwt.InvalidAudienceError):
        return "wrong audience"
    if isinstance(error, jwt.InvalidIssuerError):
        return "wrong issuer"
    if isinstance(error, jwt.InvalidIssuedAtError):
        return "invalid issued-at time"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"token lacks the {error.claim!r} claim"
    if isinstance(error, InvalidSubjectError):
        return "invalid subject"
    if isinstance(error, jwt.InvalidAlgorithmError):
        return "algorithm not allowed"
    if isinstance(error, jwt.InvalidSignatureError):
        return "invalid signature"
    if isinstance(error, jwt.DecodeError):
        return "malformed token"
    if isinstance(error, jwt.PyJWKClientError):
        return "unknown signing key"
    if isinstance(error, jwt.InvalidKeyError | jwt.PyJWKError | jwt.PyJWKSetError):
        return "unusable signing key"
    return "invalid token"


def _optional_string(claims: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _role(claims: Mapping[str, Any], claim: str) -> str | None:
    value = claims.get(claim)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidToken("the role claim is not a string")
    return value


def _organisation_ids(claims: Mapping[str, Any], claim: str) -> tuple[str, ...]:
    value = claims.get(claim)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidToken("the organisations claim is not a list of strings")
    return tuple(dict.fromkeys(item for item in value if item))  # in order, without repeats


class _FetchFailed(jwt.PyJWKClientConnectionError):
    """The key set could not be fetched, or was not tried during a pause (already logged)."""


class _KeySetClient(jwt.PyJWKClient):
    """PyJWKClient that remembers a failed fetch.

    PyJWKClient fetches under a lock and forgets failures, so while the provider does not answer,
    N concurrent requests would wait N timeouts one after another. Here a failed fetch starts a
    pause of `pause_s` during which fetching fails at once, without the network; and the last key
    set fetched keeps serving (for keys it has) when its cache has expired and no fresh one can be
    had. A forced refresh (a `kid` the set lacks) gets no such fallback: it fails, and the token
    is answered "signing keys unavailable" rather than "unknown signing key"."""

    def __init__(self, uri: str, *, timeout_s: float, pause_s: float, lifespan_s: float) -> None:
        super().__init__(uri, cache_keys=True, lifespan=lifespan_s, timeout=timeout_s)
        self._pause_s = pause_s
        self._paused_until = 0.0
        self._last_good: jwt.PyJWKSet | None = None

    def fetch_data(self) -> Any:
        if time.monotonic() < self._paused_until:
            raise _FetchFailed("not fetched: the last attempt failed moments ago")
        try:
            return super().fetch_data()
        except Exception as error:  # whatever the failure: unreachable, not JSON, no usable key
            self._paused_until = time.monotonic() + self._pause_s
            logger.warning(
                "OIDC signing keys unavailable (%r); not fetched again for %s s%s",
                error,
                self._pause_s,
                ", keeping the last key set" if self._last_good is not None else "",
            )
            raise _FetchFailed(f"fetch failed: {error!r}") from error

    def get_jwk_set(self, refresh: bool = False) -> jwt.PyJWKSet:
        try:
            jwk_set = super().get_jwk_set(refresh)
        except _FetchFailed:
            if refresh or self._last_good is None:
                raise
            return self._last_good
        self._last_good = jwk_set
        return jwk_set


async def _signing_key(jwks: jwt.PyJWKClient, token: str) -> jwt.PyJWK:
    """The published key named by the token's `kid` (PyJWKClient blocks: run in a thread)."""
    try:
        return await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
    except _FetchFailed:
        raise SigningKeysUnavailable("signing keys unavailable") from None
    except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as error:
        logger.warning("OIDC signing keys unavailable: %s", error)
        raise SigningKeysUnavailable("signing keys unavailable") from None
    except (ValueError, OSError) as error:  # a key set that is not JSON, a dropped connection
        logger.warning("OIDC signing keys unavailable: %r", error)
        raise SigningKeysUnavailable("signing keys unavailable") from None


class OidcVerifier:
    """Checks access tokens against the provider's published keys. Create one per application:
    it caches the key set (five minutes) and the keys it has used. The timings are arguments for
    the tests; the application uses the defaults."""

    def __init__(
        self,
        settings: Settings,
        *,
        jwks_timeout_s: float = JWKS_TIMEOUT_SECONDS,
        jwks_pause_s: float = JWKS_PAUSE_SECONDS,
        jwks_cache_s: float = JWKS_CACHE_SECONDS,
    ) -> None:
        self._settings = settings
        self._algorithms = [
            name.strip() for name in settings.oidc_algorithms if is_allowed_algorithm(name)
        ]
        self._jwks: jwt.PyJWKClient | None = None
        jwks_url = settings.oidc_jwks_url
        if self.configured and jwks_url:
            if not self._algorithms:
                raise ValueError("OIDC_ALGORITHMS names no asymmetric algorithm")
            try:
                self._jwks = _KeySetClient(
                    jwks_url,
                    timeout_s=jwks_timeout_s,
                    pause_s=jwks_pause_s,
                    lifespan_s=jwks_cache_s,
                )
            except jwt.PyJWKClientError as error:
                raise ValueError(f"OIDC_JWKS_URL is not usable: {error}") from error

    @property
    def configured(self) -> bool:
        settings = self._settings
        return bool(settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url)

    @property
    def algorithms(self) -> tuple[str, ...]:
        """The algorithms accepted: those of OIDC_ALGORITHMS that are asymmetric."""
        return tuple(self._algorithms)

    async def verify(self, token: str) -> TokenClaims:
        """The claims of a valid token; InvalidToken otherwise."""
        jwks = self._jwks
        if jwks is None:
            raise InvalidToken("OpenID Connect is not configured")
        settings = self._settings
        try:
            # Refuse a disallowed algorithm before fetching any key for it.
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in self._algorithms:
                raise jwt.InvalidAlgorithmError("The specified alg value is not allowed")
            signing_key = await _signing_key(jwks, token)
            claims = jwt.decode(
                token,
                signing_key,
                algorithms=self._algorithms,
                audience=settings.oidc_audience,
                issuer=settings.oidc_issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as error:
            reason = _reason(error)
            logger.info("OIDC token refused (%s): %s", reason, error)
            raise InvalidToken(reason) from None

        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("invalid subject")
        return TokenClaims(
            subject=subject,
            name=_optional_string(claims, "name", "preferred_username"),
            email=_optional_string(claims, "email"),
            role=_role(claims, settings.oidc_role_claim),
            organisation_ids=_organisation_ids(claims, settings.oidc_organisations_claim),
        )
