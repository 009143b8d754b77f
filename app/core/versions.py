"""Optimistic concurrency: every changeable row has a version counter, and a change names the
version it was made against (HTTP carries it as an ETag: `app/api/etag.py`)."""

from dataclasses import dataclass

from app.core.errors import PRECONDITION_FAILED, PRECONDITION_REQUIRED, ProblemError


def etag_for(version: int) -> str:
    """How a version is named to clients (the strong ETag `"v<version>"`)."""
    return f'"v{version}"'


@dataclass(frozen=True)
class Expected:
    """The versions a change was made against, as the caller named them (`If-Match`)."""

    named_as: str
    versions: frozenset[int]
    any_version: bool = False

    @classmethod
    def of(cls, version: int) -> "Expected":
        """A change made against `version` (by the command line, which has no header)."""
        return cls(named_as=etag_for(version), versions=frozenset({version}))

    def matches(self, version: int) -> bool:
        return self.any_version or version in self.versions


def check_version(expected: Expected | None, version: int) -> None:
    """Refuse a change that names no version (428) or another than the row's (412)."""
    if expected is None:
        raise ProblemError(PRECONDITION_REQUIRED)
    if expected.matches(version):
        return
    raise ProblemError(
        PRECONDITION_FAILED,
        f"If-Match {expected.named_as} does not match the current ETag {etag_for(version)}.",
        current_etag=etag_for(version),
    )
