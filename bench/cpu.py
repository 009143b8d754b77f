"""CPU time a request, in-process, of two variants of our app side by side: on a shared machine
requests/s move by tens of per cent from run to run, CPU time per request far less.

    python -m bench.cpu --scale 1000 \
        --variants "cache:AUTH_CACHE_TTL_S=30,no cache:AUTH_CACHE_TTL_S=0"

Each variant is an app built with its settings (`NAME=value` pairs after the colon, as in the
environment) on `bench_<scale>`, its lifespan run (pool, listener). The routes are those of
`make bench` (`--routes` picks by name, as there). For each route, rounds of `--block` requests
per variant in turn, `--rounds` times after one to warm up; the median of the rounds is
printed, with the round trips on the wire (bench/wire.py). The client (httpx, in-process) is the
same for every variant, so differences between variants are the app's.
"""

import argparse
import asyncio
import os
import statistics
import time
from contextlib import AsyncExitStack
from typing import Any

from httpx import ASGITransport, AsyncClient

from app.db.embedded import to_asyncpg_url
from app.main import create_app
from app.settings import Settings
from bench.run import api_key, plain, prepare, routes_for, signed_in
from bench.wire import on_the_wire


def variant(spec: str, url: str) -> tuple[str, Settings]:
    name, _, pairs = spec.partition(":")
    changes: dict[str, Any] = {
        k.strip().lower(): v.strip()
        for k, _, v in (p.partition("=") for p in pairs.split(";") if p.strip())
    }
    base = {
        "database_url": url,
        "worker_in_process": "false",
        "rate_limit_per_minute": "1000000000",
        "rate_limit_anonymous_per_minute": "1000000000",
    }
    return name.strip(), Settings.model_validate({**base, **changes})


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--variants", required=True, help="name:K=V;K=V,name:K=V")
    parser.add_argument("--routes", default="")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--block", type=int, default=50)
    args = parser.parse_args()
    server = to_asyncpg_url(os.environ["DATABASE_URL"])
    url = await prepare(server, args.scale)
    token = api_key({"DATABASE_URL": plain(url), "LOG_LEVEL": "WARNING"})
    routes = {
        name: path
        for name, path in (await routes_for(url)).items()
        if not args.routes or any(part in name for part in args.routes.split(","))
    }
    apps = [variant(spec, url) for spec in args.variants.split(",")]
    async with AsyncExitStack() as stack:
        clients = {}
        for name, settings in apps:
            app = create_app(settings, database_url=url)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = ASGITransport(app=app)
            clients[name] = await stack.enter_async_context(
                AsyncClient(transport=transport, base_url="http://bench")
            )
        await asyncio.sleep(0.5)  # the listeners connect
        print(f"{'route':<36} " + " ".join(f"{name + ' µs':>18} {'trips':>5}" for name in clients))
        for route, path in routes.items():
            headers = signed_in(path, token)
            taken: dict[str, list[float]] = {name: [] for name in clients}
            trips: dict[str, int] = {}
            for n in range(args.rounds + 1):
                for name, http in clients.items():
                    started = time.process_time()
                    for _ in range(args.block):
                        (await http.get(path, headers=headers)).raise_for_status()
                    if n:
                        taken[name].append((time.process_time() - started) / args.block * 1e6)
                    with on_the_wire() as wire:
                        await http.get(path, headers=headers)
                    trips[name] = min(trips.get(name, 99), wire.round_trips)
            cells = " ".join(
                f"{statistics.median(taken[name]):>18.0f} {trips[name]:>5}" for name in clients
            )
            print(f"{route:<36} {cells}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
