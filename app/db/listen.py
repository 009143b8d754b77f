"""One `LISTEN` connection per process, kept open for as long as the app runs.

PostgreSQL delivers a `NOTIFY` to every session listening on its channel when the notifying
transaction commits; a session that was not connected then never gets it. So the listener says
when it is connected and when it is not (`on_state`), and whoever relies on it stops relying
while it is down (app/services/access/principals.py). It reconnects by itself, with a growing
pause (0.2 s up to 5 s), when the server goes away or restarts.
"""

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

FIRST_PAUSE_S = 0.2
LONGEST_PAUSE_S = 5.0
# SQLAlchemy's own options in a URL's query, which asyncpg.connect does not take.
_NOT_ASYNCPG = ("prepared_statement_cache_size", "prepared_statement_name_func", "async_fallback")


def connect_options(url: str) -> dict[str, Any]:
    """asyncpg.connect's keywords for a SQLAlchemy URL (`postgresql+asyncpg://...`)."""
    parsed = make_url(url)
    options: dict[str, Any] = parsed.translate_connect_args(username="user")
    options.update(parsed.query)
    for name in _NOT_ASYNCPG:
        options.pop(name, None)
    return options


async def listen(
    url: str,
    channel: str,
    on_message: Callable[[str], None],
    on_state: Callable[[bool], None],
    *,
    connect_timeout_s: float = 10.0,
) -> None:
    """Listen on `channel` until cancelled: `on_message(payload)` for each notification,
    `on_state(True)` once listening, `on_state(False)` when the connection is lost."""
    options = connect_options(url)
    pause = FIRST_PAUSE_S
    while True:
        try:
            await _listen_once(options, channel, on_message, on_state, connect_timeout_s)
            pause = FIRST_PAUSE_S  # it was connected: the next attempt comes soon
        except asyncio.CancelledError:
            raise
        except Exception as error:  # whatever the failure: reconnect after a pause
            logger.warning("listener connection lost", extra={"error": repr(error)})
        finally:
            on_state(False)
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE_S)


async def _listen_once(
    options: dict[str, Any],
    channel: str,
    on_message: Callable[[str], None],
    on_state: Callable[[bool], None],
    connect_timeout_s: float,
) -> None:
    """Listen until the connection is lost (returns) or fails (raises)."""
    lost = asyncio.Event()
    conn = await asyncpg.connect(
        **options,
        timeout=connect_timeout_s,
        server_settings={"application_name": "partnership-api listener"},
    )
    try:
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(channel, lambda _c, _pid, _ch, payload: on_message(payload))
        on_state(True)
        while not lost.is_set():
            # A server that vanished without closing the socket is found by this query.
            with suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), timeout=LONGEST_PAUSE_S)
            if not lost.is_set():
                await conn.execute("SELECT 1", timeout=LONGEST_PAUSE_S)
    finally:
        on_state(False)
        if not conn.is_closed():
            conn.terminate()
