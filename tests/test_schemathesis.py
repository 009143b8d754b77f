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
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.live import LiveService, live_service

# A hung run fails rather than stall CI; on a machine shared with other work, raise it.
SCHEMATHESIS_TIMEOUT_S = float(os.environ.get("SCHEMATHESIS_TIMEOUT_S", "600"))
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
# has a file yet is the server's state, so the optional header's absence can be a 428. A file
# whose first bytes are not of its type, or one sent as application/octet-stream without the
# `filename` that types it, is a 415 no schema can state; the hooks' check lets only those by.
[[operations]]
include-operation-id = "upload_document_file"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "400", "401", "403", "404", "409", "412", "415", "422", "428", "429", "5xx",
]
"""


@pytest.fixture
async def live_api(
    server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveService]:
    """The real service, with the demo's people and partner bodies so that reads and links reach
    real rows, and fuzzed uploads landing in a temporary folder."""
    files = tmp_path_factory.mktemp("fuzzed-files")
    async with live_service(server_url, "fuzz", files, demo_data=True) as service:
        yield service


async def test_openapi_document_holds_under_fuzzing(live_api: LiveService, tmp_path: Path) -> None:
    base_url, log, token = live_api.base_url, live_api.log, live_api.token
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
