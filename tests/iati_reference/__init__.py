"""IATI's own checks of an export, as the tests run them: the Standard ruleset for 2.03 with its
Python tester, and excerpts of IATI's codelists. Where each file comes from, and the two places
where the tests read the tester more strictly than it reads itself: SOURCE.md beside this file."""

import csv
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from tests.iati_reference import iatirulesets

HERE = Path(__file__).parent


def _only_one_of(self: Any, case: dict[str, Any]) -> bool:
    """As SPEC_PY.rst states the rule: with any `excluded` element present, no `paths` element;
    with none, exactly one. The copied tester looks at the first `excluded` path only, so an
    activity with its recipient-country (the second) fails unless it repeats it on one
    transaction, which the Standard forbids."""
    if any(self.element.xpath(excluded) for excluded in case["excluded"]):
        return not self.path_matches
    return len(self.path_matches) == 1


_parse_date = iatirulesets.Rules._parse_date


def _parse_date_now_too(self: Any, date_xpath: str) -> date | None:
    """ "NOW" is today, as IATI's Validator reads it; the copied tester knows only "TODAY" and
    so skips the rules that keep actual dates out of the future."""
    if date_xpath == "NOW":
        return date.today()
    result: date | None = _parse_date(self, date_xpath)
    return result


iatirulesets.Rules.only_one_of = _only_one_of
iatirulesets.Rules._parse_date = _parse_date_now_too


@cache
def standard_ruleset() -> dict[str, Any]:
    ruleset: dict[str, Any] = json.loads((HERE / "standard_py.json").read_text(encoding="utf-8"))
    return ruleset


def ruleset_results(xml: bytes) -> list[dict[str, Any]]:
    """Every rule the Standard ruleset applies to the document, with its result: True, False,
    or None where the rule does not apply (a date it compares is missing)."""
    tree = etree.ElementTree(etree.fromstring(xml))
    return list(iatirulesets.test_ruleset(standard_ruleset(), tree, verbose=True))


def ruleset_failures(xml: bytes) -> list[str]:
    """The rules the document breaks, one line each (an empty list: it passes)."""
    failed = []
    for result in ruleset_results(xml):
        # The tester's own verdict: a result that is not None and not truthy fails.
        if result["result"] is not None and not result["result"]:
            where = result["element"].findtext("iati-identifier") or result["element"].tag
            failed.append(f"{where}: {result['rule']} {result['case']}")
    return failed


@cache
def codelist(name: str) -> dict[str, dict[str, str]]:
    """An excerpt of one of IATI's codelists: code to its row (`name`, and `status` where the
    codelist has one)."""
    with (HERE / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}
