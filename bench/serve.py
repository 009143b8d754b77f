"""`python -m bench.serve outbox|audit`: `partnership-api serve` with the event outbox, or the
whole audit hook, detached (`detached` in bench/writes.py), so that the bench times the same
write without them. The bench's own servers only: the product has no such switch."""

import sys

from app.cli import main
from bench.writes import detached

if __name__ == "__main__":
    with detached(sys.argv[1]):
        raise SystemExit(main(["serve"]))
