"""The generated clients of clients/ are built from the live OpenAPI document and used.

The real service runs on a scratch database (tests/live.py) and its /openapi.json is dumped. The
Python client is generated with openapi-python-client and the TypeScript types with
openapi-typescript, each without a single warning; the Python flow passes `mypy --strict` and the
TypeScript one `tsc --strict` against what was generated; then each flow runs against the
service: countries, an organisation, a partnership with a phase, paging by cursor, a patch with
`If-Match` from the `ETag`, and a 422 problem read as a typed object (clients/README.md).
"""

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.live import LiveService, live_service

CLIENTS = ROOT / "clients"
STEP_TIMEOUT_S = 180  # npm ci fetches from the registry when its cache is cold
# What openapi-python-client and openapi-typescript print when they leave something out.
WARNINGS = ("warning", "⚠", "✘")


@pytest.fixture
async def service(
    server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveService]:
    async with live_service(server_url, "clients", tmp_path_factory.mktemp("files")) as running:
        yield running


async def _run(
    *command: str | Path, cwd: Path, env: Mapping[str, str] | None = None
) -> tuple[int, str]:
    """Run a command to its end: its exit status and its output (stdout and stderr)."""
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        raw, _ = await asyncio.wait_for(process.communicate(), timeout=STEP_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        raw, _ = await process.communicate()
        return -1, raw.decode(errors="replace") + f"\n(killed after {STEP_TIMEOUT_S} s)"
    return process.returncode or 0, raw.decode(errors="replace")


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if any(w in line.lower() for w in WARNINGS)]


async def _python_client(document: Path, work: Path, flow_env: dict[str, str]) -> list[str]:
    """Generate the Python client, type-check the flow against it, run the flow; the failures."""
    generated = work / "generated"
    venv_bin = str(Path(sys.executable).parent)  # openapi-python-client, mypy
    path = {"PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    status, output = await _run(
        CLIENTS / "python" / "generate.sh", document, generated, cwd=work, env=path
    )
    if status != 0 or _warnings(output):
        return [f"openapi-python-client (exit {status}):\n{output}"]
    status, output = await _run(
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        CLIENTS / "python" / "mypy.ini",
        "--cache-dir",
        work / ".mypy_cache",
        CLIENTS / "python" / "flow.py",
        cwd=work,
        env={"MYPYPATH": str(generated)},
    )
    if status != 0:
        return [f"mypy --strict on clients/python/flow.py:\n{output}"]
    status, output = await _run(
        sys.executable,
        CLIENTS / "python" / "flow.py",
        cwd=work,
        env={**flow_env, "PYTHONPATH": str(generated)},
    )
    return [] if status == 0 else [f"the Python flow (exit {status}):\n{output}"]


async def _typescript_client(document: Path, work: Path, flow_env: dict[str, str]) -> list[str]:
    """Install the pinned packages, generate the types, compile with tsc --strict, run the flow;
    the failures. A copy of clients/typescript is built, so the work tree stays as it was."""
    source = CLIENTS / "typescript"
    for name in ("package.json", "package-lock.json", "tsconfig.json"):
        shutil.copy(source / name, work / name)
    shutil.copytree(source / "src", work / "src")
    npm = shutil.which("npm")
    if npm is None:
        return ["npm is not installed: the TypeScript client cannot be built"]
    steps: list[tuple[str, tuple[str | Path, ...], dict[str, str]]] = [
        ("npm ci", ("ci", "--ignore-scripts", "--no-audit", "--no-fund"), {}),
        ("openapi-typescript", ("run", "--silent", "generate", "--", document), {}),
        ("tsc --strict", ("run", "--silent", "build", "--", "--strict"), {}),
        ("the TypeScript flow", ("run", "--silent", "flow"), flow_env),
    ]
    for title, arguments, env in steps:
        status, output = await _run(npm, *arguments, cwd=work, env=env)
        if status != 0 or (title == "openapi-typescript" and _warnings(output)):
            return [f"{title} (exit {status}):\n{output}"]
    return []


async def test_generated_clients_build_and_run_a_flow(service: LiveService, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=service.base_url) as http:
        response = await http.get("/openapi.json")
    assert response.status_code == 200
    document = tmp_path / "openapi.json"
    document.write_bytes(response.content)
    flow_env = {"PARTNERSHIP_API_URL": service.base_url, "PARTNERSHIP_API_TOKEN": service.token}
    (tmp_path / "python").mkdir()
    (tmp_path / "typescript").mkdir()

    failures = [
        failure
        for failures in await asyncio.gather(
            _python_client(document, tmp_path / "python", flow_env),
            _typescript_client(document, tmp_path / "typescript", flow_env),
        )
        for failure in failures
    ]

    if failures:
        pytest.fail(
            "\n\n".join(failures)
            + "\n---- last lines of the service's log ----\n"
            + "".join(service.log)[-4000:],
            pytrace=False,
        )
