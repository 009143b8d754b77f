"""A second iCalendar parser, independent of the `icalendar` package the feeds are built with:
ical.js (Mozilla's, Thunderbird's), run by Node. `npm ci` installs the version
`ical_js/package-lock.json` pins into `ical_js/node_modules` (git-ignored) once, and again only
when the lock changes; concurrent test processes take turns through a file lock."""

import fcntl
import functools
import hashlib
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "ical_js"
INSTALLED = HERE / "node_modules" / ".installed-from-lock"


@functools.cache
def install() -> None:
    digest = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()
    with (Path(tempfile.gettempdir()) / "partnership-api-ical-js.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if INSTALLED.is_file() and INSTALLED.read_text() == digest:
            return
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=HERE,
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        INSTALLED.write_text(digest)


def parse(feed: bytes) -> dict[str, Any]:
    """What ical.js reads of `feed` (ical_js/parse.mjs); an assertion error if it cannot."""
    install()
    done = subprocess.run(
        ["node", "parse.mjs"], cwd=HERE, input=feed, capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed
