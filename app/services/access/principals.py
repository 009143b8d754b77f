"""Verified credentials kept in the process, so that a signed-in read costs no round trip for
them (docs/access-control.md, "Credentials kept in the process").

An entry is what the database said of an API key (or a user) moments ago. It is dropped:
- when the database says the key or user changed: a trigger on `api_keys` and `users` sends a
  `NOTIFY` on `AUTH_CHANNEL` at the commit of any change but the last use (migration 0027), and
  every process listens (`app/db/listen.py`), so a revocation reaches every replica at once;
- after `ttl_s` (30 s by default), whatever the notifications: a lost one costs at most that;
- all at once when the listening connection is lost or comes back: while it is down nothing is
  served from here (every request reads the database, as without the cache).

Nothing is served from the cache unless its listener is connected (`live`): an app run without
its lifespan (the test suite's shared app) reads the database on every request, as before.
A read that began before a change was announced is never stored (`generation`), so a key read
just before its revocation cannot outlive it.
"""

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

AUTH_CHANNEL = "partnership_auth"
"""The `NOTIFY` channel: payloads `api_key:<id>`, `user:<id>`."""


@dataclass(frozen=True, slots=True)
class Cached:
    """What authenticating a credential needs again: the row as read, and when it was read."""

    owner: str  # "api_key:<id>" or "user:<id>": what a notification names
    row: Any
    stored_at: float


class PrincipalCache:
    """A small LRU map, credential -> `Cached`, dropped by notifications and by age."""

    def __init__(self, ttl_s: float, size: int = 4096) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._entries: OrderedDict[str, Cached] = OrderedDict()
        self._by_owner: dict[str, set[str]] = {}
        self._live = False
        self.generation = 0
        """Counts every drop; a read stores its entry only if none happened since it began."""

    @property
    def live(self) -> bool:
        return self._live and self.ttl_s > 0

    def connected(self, live: bool) -> None:
        """The listener's state: entries kept while it was away may have missed a change."""
        self._live = live
        self.clear()

    def get(self, credential: str) -> Any | None:
        if not self.live:
            return None
        entry = self._entries.get(credential)
        if entry is None:
            return None
        if time.monotonic() - entry.stored_at > self.ttl_s:
            self._drop(credential)
            return None
        return entry.row

    def put(self, credential: str, owner: str, row: Any, generation: int) -> None:
        """Keep `row`, read when the cache was at `generation`, unless something changed since."""
        if not self.live or generation != self.generation:
            return
        self._drop(credential)
        self._entries[credential] = Cached(owner, row, time.monotonic())
        self._by_owner.setdefault(owner, set()).add(credential)
        while len(self._entries) > self.size:
            self._drop(next(iter(self._entries)))

    def forget(self, owner: str) -> None:
        """A key or user changed (a notification's payload)."""
        self.generation += 1
        for credential in self._by_owner.pop(owner, set()):
            self._entries.pop(credential, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._by_owner.clear()

    def _drop(self, credential: str) -> None:
        entry = self._entries.pop(credential, None)
        if entry is not None:
            credentials = self._by_owner.get(entry.owner)
            if credentials is not None:
                credentials.discard(credential)
                if not credentials:
                    del self._by_owner[entry.owner]

    def __len__(self) -> int:
        return len(self._entries)


def seen_recently(at: datetime | None, now: datetime, resolution_s: float) -> bool:
    return at is not None and (now - at).total_seconds() <= resolution_s
