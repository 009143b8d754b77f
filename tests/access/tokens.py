"""A stand-in OpenID Connect provider for tests: a signing key, its JWKS, and tokens.

    kit = TokenKit(tmp_path)
    settings = Settings(**kit.settings_overrides())
    token = kit.token("user-1", role="coordinator", organisations=[str(org_id)])

The JWKS is written to `<directory>/jwks.json` and served over HTTP from 127.0.0.1 (PyJWT's
PyJWKClient refuses file:// URLs), read from disk on every request, so a test can rewrite it to
rotate keys. One small HTTP server (a daemon thread) serves every kit of the process.
"""

import functools
import http.server
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://login.example.test/realms/icld"
AUDIENCE = "partnership-api"
KID = "test-key-1"
ALGORITHM = "RS256"
ROLE_CLAIM = "partnership_role"  # Settings.oidc_role_claim's default
ORGANISATIONS_CLAIM = "partnership_organisations"  # Settings.oidc_organisations_claim's default


def new_private_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key (about 50 ms)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def session_private_key() -> rsa.RSAPrivateKey:
    """The key every kit signs with by default, made once per test session."""
    return new_private_key()


@functools.cache
def other_private_key() -> rsa.RSAPrivateKey:
    """A second key, for tokens the provider did not sign (`kit.token(key=other_private_key())`)."""
    return new_private_key()


def public_jwk(key: rsa.RSAPrivateKey, kid: str = KID) -> dict[str, Any]:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM}


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET /<name>/jwks.json answers the file of the directory registered under <name>."""

    def do_GET(self) -> None:
        name, _, rest = self.path.strip("/").partition("/")
        directory = _JwksServer.directories.get(name)
        path = directory / rest if directory is not None and rest == "jwks.json" else None
        if path is None or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _JwksServer:
    directories: dict[str, Path] = {}  # noqa: RUF012 -- one registry for the whole process
    _server: http.server.ThreadingHTTPServer | None = None
    _lock = threading.Lock()

    @classmethod
    def url_for(cls, directory: Path) -> str:
        with cls._lock:
            if cls._server is None:
                server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
                server.daemon_threads = True
                threading.Thread(
                    target=server.serve_forever, name="test-jwks-server", daemon=True
                ).start()
                cls._server = server
            name = secrets.token_hex(8)
            cls.directories[name] = directory
            host, port = cls._server.server_address[:2]
        return f"http://{host!s}:{port}/{name}/jwks.json"


class TokenKit:
    """An RSA key pair, its JWKS (kid "test-key-1") and a way to issue tokens signed by it."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.private_key = session_private_key()
        self.kid = KID
        self.jwks_path = self.directory / "jwks.json"
        self.write_jwks([public_jwk(self.private_key, self.kid)])
        self.jwks_url = _JwksServer.url_for(self.directory)

    def write_jwks(self, keys: list[dict[str, Any]]) -> None:
        """Publish these JWKs instead (e.g. to rotate keys)."""
        self.jwks_path.write_text(json.dumps({"keys": keys}), encoding="utf-8")

    def token(
        self,
        subject: str = "user-1",
        *,
        role: str | None = "coordinator",
        organisations: list[str] | None = None,
        expires_in: int = 300,
        audience: str = AUDIENCE,
        issuer: str = ISSUER,
        name: str | None = "Test User",
        extra: dict[str, Any] | None = None,
        key: Any = None,
        kid: str | None = KID,
        algorithm: str = ALGORITHM,
    ) -> str:
        """A signed access token. `role`, `organisations` and `name` are left out when None;
        `extra` claims are added last and override the others, and a claim given as None in
        `extra` is removed (e.g. `extra={"iat": None}`). `key` signs instead of the kit's key
        (still under `kid`)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": audience,
            "sub": subject,
            "iat": now,
            "exp": now + expires_in,
        }
        if role is not None:
            claims[ROLE_CLAIM] = role
        if organisations is not None:
            claims[ORGANISATIONS_CLAIM] = list(organisations)
        if name is not None:
            claims["name"] = name
        for claim, value in (extra or {}).items():
            if value is None:
                claims.pop(claim, None)
            else:
                claims[claim] = value
        headers = {"kid": kid} if kid is not None else None
        signing_key = self.private_key if key is None else key
        return jwt.encode(claims, signing_key, algorithm=algorithm, headers=headers)

    def settings_overrides(self) -> dict[str, Any]:
        """Keyword arguments for `Settings(**...)` that trust this kit."""
        return {
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": self.jwks_url,
        }
