"""Custom import-linter contracts (registered in pyproject.toml, `[tool.importlinter]`).

`acyclic_modules`: no import circle between any two modules under the given packages.

import-linter's own `acyclic_siblings` contract squashes each package's children and looks for
circles between them, so it catches `a.b.x <-> a.b.y` and `a.x.m <-> a.y.n`, but not a circle that
runs through a package's own `__init__` (`a.b -> a.b.x -> a.b`): the package is never one of its
own children. This contract looks at the plain module graph instead, so it finds every circle,
whatever the packages. Function-level imports count like module-level ones (grimp records both):
an import moved into a function still makes the two modules depend on each other, it only defers
the failure to run time. Deliberate exceptions go in `ignore_imports`, one import each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import pairwise
from typing import cast

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain.imports import ImportExpression, Module


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> Iterator[list[str]]:
    """Tarjan's algorithm, without recursion: every group of two or more modules on a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        yield sorted(group)


def shortest_circle(graph: grimp.ImportGraph, group: list[str]) -> list[str]:
    """A shortest circle through the group's first module: [m, ..., m]."""
    start = group[0]
    best: tuple[str, ...] | None = None
    for successor in sorted(graph.find_modules_directly_imported_by(start)):
        if successor not in group:
            continue
        chain = graph.find_shortest_chain(importer=successor, imported=start)
        if chain is not None and (best is None or len(chain) < len(best)):
            best = chain
    assert best is not None
    return [start, *best]


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    packages = fields.ListField(subfield=fields.ModuleField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=cast(list[ImportExpression] | None, self.ignore_imports),
            unmatched_alerting=cast(AlertLevel, self.unmatched_ignore_imports_alerting),
        )
        modules: set[str] = set()
        for package in cast(list[Module], self.packages):
            modules |= {package.name, *graph.find_descendants(package.name)}
        imports = {
            module: (graph.find_modules_directly_imported_by(module) & modules) - {module}
            for module in modules
        }
        circles = [shortest_circle(graph, group) for group in strongly_connected(imports)]
        lines = [
            [
                (importer, imported, [d["line_number"] for d in details])
                for importer, imported in pairwise(circle)
                for details in [graph.get_import_details(importer=importer, imported=imported)]
            ]
            for circle in circles
        ]
        return ContractCheck(
            kept=not circles,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"circles": lines},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        circles: list[list[tuple[str, str, list[int]]]] = check.metadata["circles"]
        for circle in circles:
            output.print_error(f"Import circle through {len(circle)} modules:")
            for importer, imported, line_numbers in circle:
                where = ", ".join(f"l.{n}" for n in line_numbers)
                output.indent_cursor()
                output.print_error(f"{importer} -> {imported} ({where})", bold=False)
            output.new_line()
