"""Paths that carry a secret, as the service writes them down: a calendar feed's address holds
its token (calendar apps cannot send one in a header), so the access log, the telemetry span
and every problem's `instance` show only the token's public prefix (docs/calendars.md)."""

import re

# The public feeds of calendar subscriptions: `/api/v1/calendar-feeds/{token}.ics`.
CALENDAR_FEEDS = "/calendar-feeds/"
# What follows the prefix, whatever its form: a token keeps `cal_<its prefix>_`, nothing else.
_FEED_TOKEN = re.compile(r"(/calendar-feeds/)(cal_[0-9a-f]{12}_)?.*?(\.ics)?$", re.DOTALL)
REDACTED = "[redacted]"


def loggable_path(path: str) -> str:
    """`path` with any secret in it replaced by `[redacted]`."""
    if CALENDAR_FEEDS not in path:
        return path
    return _FEED_TOKEN.sub(rf"\1\2{REDACTED}\3", path, count=1)
