"""The funding rules that are arithmetic on dates and amounts (DOMAIN.md §6, §7): project
years, ceilings, report due dates. Pure functions, so that they are tested on their own and the
services only gather the data they need."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.errors import RuleViolation
from app.core.periods import phase_years
from app.models.enums import ApplicationKind, FundingRegion
from app.rules import BUDGET_CEILING, BUDGET_YEAR

# [BUD], SEK: (Europe, elsewhere). DOMAIN.md found no Latin American ceiling: the Africa/Asia
# level is assumed. Inception is capped in total, a project or extension per project year.
CEILINGS: dict[tuple[bool, bool], tuple[Decimal, Decimal]] = {
    # (inception, trilateral)
    (True, False): (Decimal(220_000), Decimal(275_000)),
    (True, True): (Decimal(275_000), Decimal(330_000)),
    (False, False): (Decimal(450_000), Decimal(500_000)),
    (False, True): (Decimal(600_000), Decimal(650_000)),
}
# Report deadlines: DOMAIN.md gives none; assumed two months after a project year for an interim
# report, three after the grant's end for the final one (docs/funding.md).
INTERIM_REPORT_MONTHS = 2
MAX_YEARS = 3
FINAL_REPORT_MONTHS = 3


@dataclass(frozen=True)
class Terms:
    """What sets a partnership's ceilings: its partners' funding regions and a third party."""

    regions: frozenset[str]
    trilateral: bool

    def ceiling(self, kind: ApplicationKind) -> Decimal:
        europe, elsewhere = CEILINGS[(kind == ApplicationKind.inception, self.trilateral)]
        # With partners in several regions the highest ceiling applies; a partner without a
        # region (not a partner country) is judged at the higher level too.
        only_europe = self.regions == {FundingRegion.europe.value}
        return europe if only_europe else elsewhere


def project_years(starts: date, ends: date) -> list[tuple[date, date]]:
    """A phase's years, at most three (accounting years 1-3, [RED]): the third runs to the end
    of the period, however a postponement lengthened it."""
    years = [(a, b) for _, a, b in phase_years(starts, ends)]
    if len(years) > MAX_YEARS:
        years[MAX_YEARS - 1 :] = [(years[MAX_YEARS - 1][0], ends)]
    return years


def grant_years(starts: date, ends: date, postponed_days: int) -> list[tuple[date, date]]:
    """A grant's project years: counted over its period without the postponements (which add
    time, not years), the last one running to the current end."""
    nominal = max(starts, ends - timedelta(days=postponed_days))
    years = project_years(starts, nominal)
    years[-1] = (years[-1][0], ends)
    return years


# A budget line as the rules see it: its project year and its amount in SEK.
YearAmount = tuple[int, Decimal]


def check_budget(
    lines: Sequence[YearAmount],
    kind: ApplicationKind,
    starts: date,
    ends: date,
    terms: Terms,
    pointer: str = "/budget",
) -> None:
    """Each line in a year of the period; the total (inception) or each year's total (project,
    extension) within the ceiling."""
    years = len(project_years(starts, ends))
    for i, (year, _) in enumerate(lines):
        if year > years:
            raise RuleViolation(
                BUDGET_YEAR,
                f"Project year {year}, but {starts}..{ends} has {years} project year(s).",
                pointer=f"{pointer}/{i}/year",
            )
    cap = terms.ceiling(kind)
    if kind == ApplicationKind.inception:
        total = sum((amount for _, amount in lines), Decimal(0))
        if total > cap:
            raise RuleViolation(
                BUDGET_CEILING, f"The budget is {total} SEK; the ceiling is {cap}.", pointer=pointer
            )
        return
    for year, total in sorted(totals_by_year(lines).items()):
        if total > cap:
            raise RuleViolation(
                BUDGET_CEILING,
                f"Project year {year} is budgeted at {total} SEK; the ceiling is {cap} a year.",
                pointer=pointer,
            )


def totals_by_year(lines: Iterable[YearAmount]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for year, amount in lines:
        totals[year] += amount
    return dict(totals)
