"""Round trips to PostgreSQL counted on the wire, not as statements: BEGIN, COMMIT, a pool's
ping, a statement prepared before it is run, a pool's reset of a connection handed back, all
count, whoever sends them (SQLAlchemy, asyncpg, or code using asyncpg directly).

asyncpg writes the messages of each exchange at once and waits for the answer before the next
(a prepare is Parse, Describe and Flush; a run is Bind, Execute and Sync; BEGIN is one Query), so
every write to a PostgreSQL connection's socket is one round trip. The writes are counted on
asyncio's socket transport (`_SelectorSocketTransport`), for the transports whose protocol is
asyncpg's: this works in-process on asyncio's own event loop (the test suite, the bench's
in-process counts), not under uvloop.
"""

import asyncio.selector_events
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_TRANSPORT: Any = getattr(asyncio.selector_events, "_SelectorSocketTransport")  # noqa: B009 (private: typeshed omits it)


@dataclass
class Wire:
    """What was written to PostgreSQL while the block ran."""

    writes: list[bytes] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        return len(self.writes)

    def kinds(self) -> list[str]:
        """The first message's type of each round trip: `P` a prepare (Parse), `B` a run of a
        prepared statement (Bind), `Q` a simple query (BEGIN, COMMIT, a reset)."""
        return [chr(w[0]) if w else "?" for w in self.writes]


def _to_postgres(transport: Any) -> bool:
    protocol = transport.get_protocol()
    return type(protocol).__module__.startswith("asyncpg")


@contextmanager
def on_the_wire() -> Iterator[Wire]:
    """Count the round trips to PostgreSQL of this process while the block runs."""
    wire = Wire()
    write, writelines = _TRANSPORT.write, _TRANSPORT.writelines

    def counted_write(self: Any, data: Any) -> None:
        if _to_postgres(self):
            wire.writes.append(bytes(data[:1]))
        write(self, data)

    def counted_writelines(self: Any, chunks: Any) -> None:
        chunks = list(chunks)
        if _to_postgres(self):
            wire.writes.append(bytes(chunks[0][:1]) if chunks else b"")
        writelines(self, chunks)

    _TRANSPORT.write, _TRANSPORT.writelines = counted_write, counted_writelines
    try:
        yield wire
    finally:
        _TRANSPORT.write, _TRANSPORT.writelines = write, writelines
