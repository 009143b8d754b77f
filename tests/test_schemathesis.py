"""Fuzz the whole live OpenAPI document with Schemathesis against the real service.

A scratch database is created and migrated, `partnership-api serve --demo-data` runs on it as a
subprocess on a free port, and the Schemathesis CLI then runs every check it has over every
operation, in all four phases (examples, coverage, fuzzing, stateful), with a fixed seed and a
bounded number of examples. Any 5xx, undocumented status code or header, wrong content type,
body not matching its schema, schema-valid request refused or schema-violating request accepted
fails the test.

What Schemathesis cannot know is configured in `CONFIG` below, each with its reason; the
refusals of schema-valid requests that are the server's to make (a stale ETag, a programme
rule, ...) are listed in `tests/schemathesis_hooks.py`, whose check fails every other one.
"""

import asyncio
import contextlib
import os
import socket
import sys
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.db.migrations import upgrade_to_head
from tests.conftest import ROOT, create_database, drop_database, worker_suffix

DATABASE = f"partnership_fuzz{worker_suffix()}"
READY_TIMEOUT_S = 30
SCHEMATHESIS_TIMEOUT_S = 600
SEED = 20240601
# Per operation and phase: some 9,000 requests, about 80 s of CPU besides PostgreSQL's
# (Schemathesis 50, the service 30), so two minutes or so on two idle cores. The coverage
# phase, which does not depend on it, is about a third of the run.
MAX_EXAMPLES = 15
HOOKS = "tests.schemathesis_hooks"

# Every check runs: none is named on the command line (which would also override the settings
# of single operations below), and Schemathesis runs them all by default, the hooks' one too.
CONFIG = """
# A schema-valid request can be refused with these for reasons only the server knows (a stale
# ETag, an opaque cursor, a programme rule): the hooks' check fails every refusal that is not
# one of those reasons (tests/schemathesis_hooks.py).
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429", "5xx"]

# A change without the required If-Match is 428 Precondition Required (RFC 6585), as declared.
[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

# A document's file exists only once uploaded: the 404 for the file of a document just created
# is the documented answer, not a lost resource.
[[operations]]
include-operation-id = "download_document_file"
checks.ensure_resource_availability.enabled = false

# Replacing a document's file needs If-Match, the first upload does not: whether the document
# has a file yet is the server's state, so the optional header's absence can be a 428.
[[operations]]
include-operation-id = "upload_document_file"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "428", "429", "5xx",
]
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _plain_url(url: str) -> str:
    """The service's DATABASE_URL form: postgresql://, keeping a unix socket's `?host=`."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _drain(stream: asyncio.StreamReader, into: deque[str]) -> None:
    """Keep reading a child's output so a full pipe never blocks it."""
    async for line in stream:
        into.append(line.decode("utf-8", errors="replace"))


async def _wait_ready(base_url: str, server: asyncio.subprocess.Process, log: deque[str]) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        try:
            async with asyncio.timeout(READY_TIMEOUT_S):
                while True:
                    if server.returncode is not None:
                        pytest.fail(
                            f"the service exited with {server.returncode}:\n{''.join(log)}",
                            pytrace=False,
                        )
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get("/readyz")).status_code == 200:
                            return
                    await asyncio.sleep(0.2)
        except TimeoutError:
            pytest.fail(
                f"GET /readyz not 200 within {READY_TIMEOUT_S} s:\n{''.join(log)}", pytrace=False
            )


async def _stop(server: asyncio.subprocess.Process) -> None:
    if server.returncode is None:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), timeout=25)
        except TimeoutError:
            server.kill()
            await server.wait()


@pytest.fixture
async def live_api(
    server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, deque[str], str]]:
    """The real service on a migrated scratch database: its base URL, its recent log lines and
    an administrator's API key, so that every route is reached past authentication."""
    files = tmp_path_factory.mktemp("fuzzed-files")
    url = await create_database(server_url, DATABASE)
    server: asyncio.subprocess.Process | None = None
    drain: asyncio.Task[None] | None = None
    log: deque[str] = deque(maxlen=200)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _plain_url(url),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "MIGRATE_ON_START": "false",  # migrated above
            "PYTHONUNBUFFERED": "1",
            "STORAGE_DIR": str(files),  # fuzzed uploads land in a temporary folder
            "RATE_LIMIT_PER_MINUTE": "1000000",  # the fuzzer is one very busy client
            "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "1000000",
            "IATI_REPORTING_ORG_REF": "XM-TEST-ICLD",
        }
        made = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "create-api-key",
            "--name",
            "fuzzer",
            "--role",
            "admin",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        token = (await made.communicate())[0].decode().strip().splitlines()[-1]
        assert token.startswith("pk_"), token
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--demo-data",  # people and partner bodies, so reads and links reach real rows
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert server.stdout is not None
        drain = asyncio.create_task(_drain(server.stdout, log))
        base_url = f"http://127.0.0.1:{port}"
        await _wait_ready(base_url, server, log)
        yield base_url, log, token
    finally:
        if server is not None:
            await _stop(server)
        if drain is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(drain, timeout=5)
        await drop_database(server_url, DATABASE)


async def test_openapi_document_holds_under_fuzzing(
    live_api: tuple[str, deque[str], str], tmp_path: Path
) -> None:
    base_url, log, token = live_api
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{base_url}/openapi.json",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",  # one worker: the same seed gives the same run
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--no-color",
        "--output-truncate",
        "false",
        "--header",
        f"Authorization: Bearer {token}",
    ]
    fuzz = await asyncio.create_subprocess_exec(
        *command,
        cwd=tmp_path,  # no stray files in the tree; only the schemathesis.toml written above
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        raw, _ = await asyncio.wait_for(fuzz.communicate(), timeout=SCHEMATHESIS_TIMEOUT_S)
    except TimeoutError:
        fuzz.kill()
        raw, _ = await fuzz.communicate()
        pytest.fail(
            f"schemathesis ran over {SCHEMATHESIS_TIMEOUT_S} s:\n"
            + raw.decode("utf-8", errors="replace"),
            pytrace=False,
        )
    if fuzz.returncode != 0:
        pytest.fail(
            f"schemathesis found failures (exit {fuzz.returncode}):\n"
            + raw.decode("utf-8", errors="replace")
            + "\n---- last lines of the service's log ----\n"
            + "".join(log)[-6000:],
            pytrace=False,
        )
