"""Two versions of our service side by side, in turn: is a change faster?

    python -m bench.ab --base /work/wt/main --routes "organisation by id,floor"
    python -m bench.ab --base-env "DB_POOL_SIZE=10" --env "DB_POOL_SIZE=16;DB_MAX_OVERFLOW=0"

`make bench` puts each route beside the raw twin; on a shared 2-core machine requests/s move by
tens of per cent from one minute to the next, so a change of a few per cent cannot be read off
two runs of it. Here the two versions serve at once, against the same `bench_<scale>` database,
and each route is loaded on one, then the other, `--rounds` times (wrk, `--seconds` each after a
warm-up), so a slow minute of the machine weighs on both alike. Printed per route: the median
requests/s and server CPU time per request of each side, and their ratio.

A side is a checkout (`--base` / `--checkout`: a directory holding `app/`, served with this
virtualenv's Python from that directory, so its own `app` is imported) with settings
(`--base-env` / `--env`: `NAME=value` pairs, as in the environment). By default both sides are
this checkout, so two sets of settings can be compared too.

The writes are routes here too: "POST person" and "POST payment" (bench/writes.py, without a
key), "POST person: fresh key" and "POST payment: fresh key" (a new `Idempotency-Key` on each);
what they wrote is deleted after the run (`writes.clean_up`).
"""

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

import asyncpg
import httpx

from app.db.embedded import start_embedded_postgres, to_asyncpg_url
from bench import writes
from bench.run import (
    ROOT,
    api_key,
    cpu_seconds,
    free_port,
    plain,
    prepare,
    routes_for,
    wait_up,
    wrk,
)


def settings(pairs: str) -> dict[str, str]:
    return {
        k.strip(): v.strip()
        for k, _, v in (p.partition("=") for p in pairs.split(";") if p.strip())
    }


async def start(checkout: Path, env: dict[str, str], port: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "serve",
        cwd=checkout,
        env={
            **os.environ,
            **env,
            "PYTHONPATH": str(checkout),
            "HOST": "127.0.0.1",
            "PORT": str(port),
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default=str(ROOT), help="the checkout to compare against")
    parser.add_argument("--checkout", default=str(ROOT), help="the checkout with the change")
    parser.add_argument("--base-env", default="", help="settings of the base: K=V;K=V")
    parser.add_argument("--env", default="", help="settings of the change: K=V;K=V")
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--routes", default="floor,organisation by id,organisations first page")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    server = (
        to_asyncpg_url(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else start_embedded_postgres(ROOT / ".data" / "bench", "postgres")
    )
    url = await prepare(server, args.scale)
    env = {
        "DATABASE_URL": plain(url),
        "LOG_LEVEL": "WARNING",
        "MIGRATE_ON_START": "false",
        "RATE_LIMIT_PER_MINUTE": "100000000",
        "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "100000000",
        "WORKER_IN_PROCESS": "false",
    }
    token = api_key(env)
    wanted = [w.strip() for w in args.routes.split(",") if w.strip()]
    routes = {
        name: path
        for name, path in (await routes_for(url)).items()
        if any(w in name for w in wanted)
    }
    posts = [name for name in writes.ROUTES if any(w in name for w in wanted)]
    sides = [
        ("base", Path(args.base), {**env, **settings(args.base_env)}),
        ("change", Path(args.checkout), {**env, **settings(args.env)}),
    ]
    ports = [free_port() for _ in sides]
    processes = [await start(c, e, p) for (_, c, e), p in zip(sides, ports, strict=True)]
    conn = await asyncpg.connect(plain(url))
    try:
        for port in ports:
            await wait_up(f"http://127.0.0.1:{port}/healthz", tries=300)
        loads: dict[str, list[writes.Write]] = {}
        if posts:
            await writes.clean_up(conn)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{ports[0]}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ) as http:
                made = await writes.loads(conn, http)
            for name in posts:
                load = made[name.split(":")[0].removeprefix("POST ")]
                fresh = name.endswith("fresh key")
                loads[name] = writes.with_fresh_keys(load) if fresh else load
        header = f"{'route':42} {'base req/s':>11} {'change':>9} {'ratio':>6}"
        print(f"{header}   CPU us/req base, change")
        targets = {name: (path, None) for name, path in routes.items()}
        targets.update((name, ("", load)) for name, load in loads.items())
        for name, (path, load) in targets.items():
            figures: list[list[tuple[float, float]]] = [[], []]
            for _ in range(args.rounds):
                for side, (port, process) in enumerate(zip(ports, processes, strict=True)):
                    target = f"http://127.0.0.1:{port}{path}"
                    await asyncio.to_thread(wrk, target, 1, args.connections, token, load)
                    before = cpu_seconds(process.pid)
                    rps, done = await asyncio.to_thread(
                        wrk, target, args.seconds, args.connections, token, load
                    )
                    cpu = (cpu_seconds(process.pid) - before) / max(done, 1) * 1e6
                    figures[side].append((rps, cpu))
            base_rps, change_rps = (statistics.median(r for r, _ in f) for f in figures)
            base_cpu, change_cpu = (statistics.median(c for _, c in f) for f in figures)
            print(
                f"{name:42} {base_rps:11.0f} {change_rps:9.0f} {change_rps / base_rps:6.2f}"
                f"   {base_cpu:6.0f}, {change_cpu:6.0f}",
                flush=True,
            )
    finally:
        if posts:
            await writes.clean_up(conn)
        await conn.close()
        for process in processes:
            process.terminate()
            await process.wait()


if __name__ == "__main__":
    asyncio.run(main())
