"""The real service as a subprocess, for the tests that drive it from outside (the fuzzer, the
generated clients): a scratch database is created and migrated, an administrator's API key is
made with `partnership-api create-api-key`, and `partnership-api serve` runs on it on a free
port until the test is done."""

import asyncio
import contextlib
import os
import socket
import sys
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.db.migrations import upgrade_to_head
from tests.conftest import ROOT, create_database, drop_database, worker_suffix

READY_TIMEOUT_S = 30


@dataclass(frozen=True)
class LiveService:
    base_url: str
    log: deque[str]  # the service's last lines of output, for a failure's message
    token: str  # an administrator's API key, so that every route is reached past authentication


def free_port() -> int:
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


def scratch_database(server_url: str, purpose: str) -> str:
    """A scratch database's name, beside the suite's own: runs on one server with different
    DATABASE_URLs, and the workers of one run, never drop each other's."""
    suite = make_url(server_url).database
    return f"{suite if suite and suite != 'postgres' else 'partnership'}_{purpose}{worker_suffix()}"


@contextlib.asynccontextmanager
async def live_service(
    server_url: str, purpose: str, files: Path, *, demo_data: bool = False
) -> AsyncIterator[LiveService]:
    """The service on a scratch database named for `purpose` (dropped afterwards), its uploads
    in `files`; with `demo_data`, the demo's people and partner bodies are loaded first."""
    database = scratch_database(server_url, purpose)
    url = await create_database(server_url, database)
    server: asyncio.subprocess.Process | None = None
    drain: asyncio.Task[None] | None = None
    log: deque[str] = deque(maxlen=200)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _plain_url(url),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
            "MIGRATE_ON_START": "false",  # migrated above
            "PYTHONUNBUFFERED": "1",
            "STORAGE_DIR": str(files),  # uploads land in a temporary folder
            "RATE_LIMIT_PER_MINUTE": "1000000",  # a fuzzer is one very busy client
            "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "1000000",
            "IATI_REPORTING_ORG_REF": "XM-TEST-ICLD",
        }
        made = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "create-api-key",
            "--name",
            "live tests",
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
            *(["--demo-data"] if demo_data else []),
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
        yield LiveService(base_url, log, token)
    finally:
        if server is not None:
            await _stop(server)
        if drain is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(drain, timeout=5)
        await drop_database(server_url, database)
