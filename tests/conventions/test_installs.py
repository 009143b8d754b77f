"""Installs are the same everywhere: the lock files match pyproject.toml, and the patches of
FastAPI's internals (app/api/routing.py, app/api/framework.py) apply to the FastAPI they
install."""

import re
import tomllib
from pathlib import Path
from typing import Annotated

import fastapi
import pytest
from fastapi import APIRouter, FastAPI, Query
from fastapi.routing import APIRoute
from httpx import ASGITransport, AsyncClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from starlette.routing import Match
from starlette.types import Scope

from app.api.framework import match_routers_by_paths, remember_declarations
from app.api.routing import skip_routers_by_prefix

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)
# A pin with its markers and hashes: from its name up to the next pin.
ENTRY = re.compile(r"^[A-Za-z0-9].*?(?=^[A-Za-z0-9]|\Z)", re.MULTILINE | re.DOTALL)


async def test_the_framework_patches_apply_and_answer_as_fastapi_does() -> None:
    """app/api/framework.py's two patches report whether FastAPI's internals were as expected;
    with the installed FastAPI both must be in place (or the speed they bring is silently lost),
    and parameters, their defaults, 404, 405 and a passed-over router answer as before."""
    assert remember_declarations() and match_routers_by_paths(), (
        f"app/api/framework.py no longer applies to FastAPI {fastapi.__version__}: adapt it"
    )
    first = APIRouter(prefix="/first")

    @first.get("/things")
    async def things(
        sort: Annotated[list[str], Query(default_factory=list)],
        limit: int = 20,
        q: str | None = None,
    ) -> dict[str, object]:
        sort.append("mutated")  # each request has a new default list
        return {"sort": sort, "limit": limit, "q": q}

    second = APIRouter()
    second.add_api_route("/second/{name}", lambda name: name)
    app = FastAPI()
    app.include_router(first, prefix="/v1")
    app.include_router(second, prefix="/v1")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        plain = (await http.get("/v1/first/things")).json()
        again = (await http.get("/v1/first/things")).json()
        given = (await http.get("/v1/first/things?sort=a&sort=-b&limit=5&q=x")).json()
        invalid = await http.get("/v1/first/things?limit=many")
        other = (await http.get("/v1/second/thing")).json()
        missing = await http.get("/v1/third")
        wrong_method = await http.post("/v1/first/things")
    assert plain == again == {"sort": ["mutated"], "limit": 20, "q": None}
    assert given == {"sort": ["a", "-b", "mutated"], "limit": 5, "q": "x"}
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["query", "limit"]
    assert other == "thing"
    assert (missing.status_code, wrong_method.status_code) == (404, 405)


async def test_the_routing_patch_applies_to_the_installed_fastapi() -> None:
    """A request passes over an included router whose prefix its path lacks without trying any of
    that router's routes. The patch replaces a private method of FastAPI's; pyproject.toml pins
    FastAPI to the minor release it is tested on, and this test is what a raised pin runs into."""
    tried: list[str] = []

    class CountingRoute(APIRoute):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            tried.append(self.path)
            return super().matches(scope)

    first = APIRouter(prefix="/first", route_class=CountingRoute)
    first.add_api_route("/thing", lambda: "first")
    second = APIRouter(prefix="/second")
    second.add_api_route("/thing", lambda: "second")
    app = FastAPI()
    app.include_router(first, prefix="/v1")
    app.include_router(second, prefix="/v1")

    applied = skip_routers_by_prefix()
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        served = (await http.get("/v1/second/thing")).json()
        tried_for_second = list(tried)
        first_served = (await http.get("/v1/first/thing")).json()

    assert served == "second" and first_served == "first"
    assert applied and not tried_for_second, (
        f"The routing patch of app/api/routing.py (skip_routers_by_prefix) no longer applies to "
        f"FastAPI {fastapi.__version__}: "
        + (
            "the internals it replaces (fastapi.routing._IncludedRouter._match) are gone"
            if not applied
            else f"a request for /v1/second/thing still tried {tried_for_second} of /v1/first"
        )
        + ". Adapt the patch to this release (or delete it if FastAPI now skips by prefix itself, "
        "fastapi/fastapi#16159), re-run bench/ for /healthz, then move the FastAPI pin in "
        "pyproject.toml and run `make lock`; or keep the pin where the patch was tested."
    )
    assert tried, "the spy saw no route at all: this test no longer observes routing"


def _pins(lock: str) -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for name, version in PIN.findall((ROOT / lock).read_text()):
        pins.setdefault(canonicalize_name(name), set()).add(version)
    return pins


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.lock", None), ("requirements-test.lock", "test")]
)
def test_the_lock_file_pins_every_dependency_within_its_pyproject_range(
    lock: str, extra: str | None
) -> None:
    """A dependency added to or re-ranged in pyproject.toml without `make lock` is not installed
    by `make run`/`make test` (they install the lock): say so here rather than at import time."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"].get(extra, [])]
    pins = _pins(lock)
    stale = [
        spec
        for spec in wanted
        if not any(
            Requirement(spec).specifier.contains(v, prereleases=True)
            for v in pins.get(canonicalize_name(Requirement(spec).name), ())
        )
    ]
    assert not stale, f"{lock} does not satisfy {stale} from pyproject.toml: run `make lock`"


def test_the_runtime_lock_pins_what_the_tests_run() -> None:
    """Every entry of requirements.lock (version, markers, hashes) is in requirements-test.lock:
    the service runs on exactly what the suite was run on (`make lock` resolves the test lock
    first and constrains the runtime one by it)."""

    def entries(lock: str) -> dict[str, str]:
        text = (ROOT / lock).read_text()
        found = {}
        for entry in ENTRY.findall(text):
            head = entry.split("#", 1)[0]
            found[" ".join(head.split())] = head
        return found

    runtime, test = entries("requirements.lock"), entries("requirements-test.lock")
    assert runtime, "requirements.lock has no pins"
    differing = sorted(entry.split(" ", 1)[0] for entry in runtime.keys() - test.keys())
    assert not differing, f"pinned differently in the two lock files: {differing}; run `make lock`"
