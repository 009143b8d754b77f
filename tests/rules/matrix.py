"""The rule matrix's tables and how a row is written (docs/rules.md, "The rule matrix").

- ROWS: per rule, each (operation, setup, request) that would break it. A row's `build` sets the
  scene through the API and answers the `Attempt`: the request that would break the rule. The
  test sends it and checks what the rule's mode promises: `refuse`, a 422 with the rule's code
  and nothing changed; `report`, the write accepted and the rule's warning on the partnership's
  compliance (absent before).
- EXEMPT: (rule, operation) pairs where the operation writes a column the rule reads but cannot
  break it, each with its one-line reason.
- KNOWN_GAPS: (rule, operation) pairs where the operation can break the rule and nothing
  refuses it yet, each with a row-like case that shows the gap (the write is accepted); once the
  service refuses it, the test fails until the pair moves to ROWS.

Rows are registered with the `row` decorator in the `cases_*.py` modules beside this one.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.rules.world import World

CONFLICT = "conflict"


@dataclass(frozen=True)
class Attempt:
    """The request that would break the rule, and what shows that nothing changed."""

    method: str
    path: str
    body: Any = None
    watch: tuple[str, ...] = ()
    """URLs read before and after a refused write: each must answer the same (body and ETag).
    The written resource itself (or, for a create, its collection) is always watched."""
    partnership_id: str | None = None
    """For a reported rule: the partnership whose compliance shows the warning."""
    as_of: str | None = None
    """For a reported rule: the day the compliance is judged on (default today)."""
    status: int = 422
    code: str | None = None
    """The problem's code when not the rule's own: `conflict` (409) for a delete of a row still
    referred to, or a rule that states the case more precisely (the row says why)."""
    reported: bool | None = None
    """Judge as reported though the rule refuses elsewhere (the row says why)."""
    headers: dict[str, str] = field(default_factory=dict)


Build = Callable[[World], Awaitable[Attempt]]


@dataclass(frozen=True)
class Case:
    rule: str
    operation: str
    name: str
    build: Build

    @property
    def code(self) -> str:
        return f"rule.{self.rule}"

    @property
    def id(self) -> str:
        return f"{self.rule}|{self.operation}|{self.name}"


ROWS: list[Case] = []
EXEMPT: dict[tuple[str, str], str] = {}
KNOWN_GAPS: dict[tuple[str, str], str] = {}
GAP_CASES: list[Case] = []


def row(rule: str, operation: str) -> Callable[[Build], Build]:
    """Register the decorated builder as a row of `rule` (its code without `rule.`) for
    `operation` (an operationId)."""

    def register(build: Build) -> Build:
        ROWS.append(Case(rule, operation, build.__name__.strip("_"), build))
        return build

    return register


def exempt(reason: str, rules: Iterable[str], operations: Iterable[str]) -> None:
    """Each (rule, operation) of the cross product cannot break the rule, for `reason`."""
    operations = list(operations)
    for rule in rules:
        for operation in operations:
            key = (f"rule.{rule}", operation)
            assert key not in EXEMPT, f"exempted twice: {key}"
            EXEMPT[key] = reason


def known_gap(rule: str, operation: str, missing: str) -> Callable[[Build], Build]:
    """Register a missing path: the case's write breaks the rule and is accepted today."""

    def register(build: Build) -> Build:
        key = (f"rule.{rule}", operation)
        assert key not in KNOWN_GAPS, f"listed twice: {key}"
        KNOWN_GAPS[key] = missing
        GAP_CASES.append(Case(rule, operation, build.__name__.strip("_"), build))
        return build

    return register
