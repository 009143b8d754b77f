"""The tree itself: no file that git tracks keeps a merge's conflict markers."""

import re
import subprocess

from tests.conftest import ROOT

# A line that is exactly a marker git writes into a conflicted file (`=======` alone is also a
# Markdown heading underline, so it is not looked for).
MARKER = re.compile(rb"^(<{7}|>{7}) ", re.MULTILINE)


def test_no_tracked_file_keeps_a_conflict_marker() -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    marked = [
        name.decode()
        for name in files
        if name
        and (ROOT / name.decode()).is_file()
        and MARKER.search((ROOT / name.decode()).read_bytes())
    ]
    assert marked == []
