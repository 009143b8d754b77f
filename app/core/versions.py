"""Optimistic concurrency: every changeable row has a version counter, and a change names the
version it was made against (HTTP carries it as an ETag: `app/api/etag.py`)."""

from dataclasses import dataclass

from app.core.errors import PRECONDITION_FAILED, PRECONDITION_REQUIRED, ProblemError
from app.core.i18n import DEFAULT_LANGUAGE, _, current_language


def etag_for(version: int) -> str:
    """How a version is named to clients: the strong ETag `"v<version>"`, with the answer's
    language when it is not English (`"v3-sv"`), since the body of a read may be worded in it
    (docs/translations.md). `If-Match` takes any of them for the version."""
    language = current_language()
    return f'"v{version}"' if language == DEFAULT_LANGUAGE else f'"v{version}-{language}"'


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
        _(
            "If-Match {named} does not match the current ETag {current}.",
            named=expected.named_as,
            current=etag_for(version),
        ),
        current_etag=etag_for(version),
    )
