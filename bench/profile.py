"""Where a request's time goes, by layer: the profile behind a route's ratio to the twin.

    python -m bench.profile --scale 1000 --routes "organisation by id,grants first page"

For each route of `make bench` (`--routes` picks by name, as there), `--requests` requests are
sent in-process (httpx's ASGI transport, one at a time, after a warm-up) to an app built with the
bench's settings on `bench_<scale>`, while a sampler thread reads the serving thread's stack
every `--interval-ms` (sampling, not tracing: the code runs at its own speed, where cProfile
would double the cost of every small call). Each sample is put in the layer of its innermost
frame that belongs to one (a frame of the standard library counts for the layer that called
it), and printed per route as shares of the samples spent on the request:

- framework: FastAPI and Starlette routing, requests and responses, and their middleware;
- parameters: FastAPI reading and validating the query, path and header parameters, and
  solving the dependencies;
- our middleware: request ids, languages, rate limits, gzip, the access log;
- our code: routers, services, rules, ETags, paging, the principal cache;
- ORM: SQLAlchemy (Core and ORM) and its greenlet bridge;
- driver: asyncpg, encoding parameters and decoding rows;
- pydantic: validating and serialising models;
- waiting: the event loop idle, waiting for PostgreSQL (not CPU time).

The client's own samples (httpx, outside the app) are left out. With `--top`, the functions
with the most samples of their own follow each route's line.

The writes are routes too: "POST person" and "POST payment" (bench/writes.py, as `make bench`
sends them, without a key), "POST person: fresh key" and "POST payment: fresh key" (a new
`Idempotency-Key` on each); what they wrote is deleted after (`writes.clean_up`)."""

import argparse
import asyncio
import collections
import itertools
import os
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from types import FrameType

import asyncpg
from httpx import ASGITransport, AsyncClient, Response

from app.db.embedded import start_embedded_postgres, to_asyncpg_url
from app.main import create_app
from app.settings import Settings
from bench import writes
from bench.run import ROOT, api_key, plain, prepare, routes_for, signed_in

# (a piece of a frame's file path, its layer), the first match wins.
LAYERS = (
    ("/httpx/", "client"),
    ("/httpcore/", "client"),
    ("/fastapi/dependencies/", "parameters"),
    ("/fastapi/_compat/", "parameters"),
    ("/fastapi/params", "parameters"),
    ("/fastapi/", "framework"),
    ("/starlette/", "framework"),
    ("/anyio/", "framework"),
    ("/sqlalchemy/", "ORM"),
    ("/sqlmodel/", "ORM"),
    ("/greenlet/", "ORM"),
    ("/asyncpg/", "driver"),
    ("/pydantic/", "pydantic"),
    ("/pydantic_core/", "pydantic"),
    ("/app/api/framework.py", "parameters"),  # FastAPI's parameter solving, patched
    ("/app/db/reads.py", "driver"),  # binding values and processing rows for asyncpg
    ("/app/api/middleware.py", "our middleware"),
    ("/app/api/ratelimit.py", "our middleware"),
    ("/app/logging.py", "our middleware"),
    ("/app/", "our code"),
)
SHOWN = ("framework", "parameters", "our middleware", "our code", "ORM", "driver", "pydantic")
IDLE = frozenset({"select", "_run_once", "run_forever", "run_until_complete"})


def layer_of(filename: str) -> str | None:
    for piece, layer in LAYERS:
        if piece in filename:
            return layer
    return None


class Sampler(threading.Thread):
    """Reads one thread's stack every `interval` seconds: per sample, the layer of its innermost
    frame that has one (or `waiting` when the event loop sits in its selector), and that frame's
    function."""

    def __init__(self, thread_id: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.thread_id = thread_id
        self.interval = interval
        self.layers: collections.Counter[str] = collections.Counter()
        self.functions: collections.Counter[str] = collections.Counter()
        self.running = True

    def run(self) -> None:
        while self.running:
            frame = sys._current_frames().get(self.thread_id)
            if frame is not None:
                self.take(frame)
            time.sleep(self.interval)

    def take(self, frame: FrameType) -> None:
        if frame.f_code.co_name in IDLE and "selectors" in frame.f_code.co_filename + (
            frame.f_back.f_code.co_filename if frame.f_back else ""
        ):
            self.layers["waiting"] += 1
            return
        innermost = frame
        found: FrameType | None = frame
        while found is not None and layer_of(found.f_code.co_filename) is None:
            found = found.f_back
        if found is None:
            self.layers["other"] += 1
            return
        layer = layer_of(found.f_code.co_filename) or "other"
        self.layers[layer] += 1
        if layer != "client":
            code = innermost.f_code
            where = code.co_filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            self.functions[f"{code.co_name} ({where})"] += 1


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--routes", default="")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--interval-ms", type=float, default=0.5)
    parser.add_argument("--top", type=int, default=0, help="functions to list per route")
    args = parser.parse_args()
    server = (
        to_asyncpg_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else start_embedded_postgres(ROOT / ".data" / "bench", "postgres")
    )
    url = await prepare(server, args.scale)
    token = api_key({"DATABASE_URL": plain(url), "LOG_LEVEL": "WARNING"})
    wanted = [part for part in args.routes.split(",") if part]
    routes = {
        name: path
        for name, path in (await routes_for(url)).items()
        if not wanted or any(part in name for part in wanted)
    }
    posts = [name for name in writes.ROUTES if any(part in name for part in wanted)]
    settings = Settings.model_validate(
        {
            "database_url": url,
            "worker_in_process": "false",
            "rate_limit_per_minute": "1000000000",
            "rate_limit_anonymous_per_minute": "1000000000",
            "log_level": "WARNING",
        }
    )
    app = create_app(settings, database_url=url)
    sys.setswitchinterval(args.interval_ms / 4000)  # let the sampler in between samples
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        http = await stack.enter_async_context(
            # As wrk asks in `make bench`: no gzip (httpx asks for it by default).
            AsyncClient(
                transport=ASGITransport(app=app),
                base_url="http://bench",
                headers={"Accept-Encoding": "identity"},
            )
        )
        await asyncio.sleep(0.5)  # the principals' listener connects
        sends = {name: _getter(http, path, signed_in(path, token)) for name, path in routes.items()}
        if posts:
            conn = await asyncpg.connect(plain(url))
            stack.push_async_callback(conn.close)
            stack.push_async_callback(writes.clean_up, conn)
            signed = {"Authorization": f"Bearer {token}"}
            async with AsyncClient(
                transport=ASGITransport(app=app), base_url="http://bench", headers=signed
            ) as admin:
                loads = await writes.loads(conn, admin)
            for name in posts:
                load = loads[name.split(":")[0].removeprefix("POST ")]
                if name.endswith("fresh key"):
                    load = writes.with_fresh_keys(load)
                sends[name] = _poster(http, load, signed)
        header = " ".join(f"{name:>9}" for name in (*SHOWN, "waiting"))
        print(f"{'route':<36} {'CPU ms':>7} {header}   (% of the app's samples)")
        for name, send in sends.items():
            for _ in range(max(20, args.requests // 10)):
                (await send()).raise_for_status()
            sampler = Sampler(threading.get_ident(), args.interval_ms / 1000)
            started = time.process_time()
            sampler.start()
            for _ in range(args.requests):
                await send()
            sampler.running = False
            cpu_ms = (time.process_time() - started) / args.requests * 1000
            sampler.join()
            app_samples = sum(n for layer, n in sampler.layers.items() if layer != "client")
            shares = " ".join(
                f"{100 * sampler.layers[layer] / max(app_samples, 1):>9.0f}"
                for layer in (*SHOWN, "waiting")
            )
            print(f"{name:<36} {cpu_ms:>7.2f} {shares}", flush=True)
            for function, n in sampler.functions.most_common(args.top):
                print(f"    {100 * n / max(app_samples, 1):5.1f}%  {function}")


Send = Callable[[], Awaitable[Response]]


def _getter(http: AsyncClient, path: str, headers: dict[str, str]) -> Send:
    return lambda: http.get(path, headers=headers)


def _poster(http: AsyncClient, load: list[writes.Write], signed: dict[str, str]) -> Send:
    """The load's writes in turn, each with a token of its own (`writes.UNIQUE`)."""
    sent = itertools.count()

    def send() -> Awaitable[Response]:
        n = next(sent)
        path, headers, body = load[n % len(load)].request(f"{secrets.token_hex(4)}-{n}")
        return http.post(path, content=body, headers={**signed, **headers})

    return send


if __name__ == "__main__":
    asyncio.run(main())
