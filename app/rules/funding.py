"""The rules of funding: rounds, applications, budgets, grants, amendments, reports and payments
(DOMAIN.md §6, §7; docs/funding.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.core.errors import RuleViolation, rule
from app.core.periods import phase_years
from app.models.enums import ApplicationKind, FundingRegion
from app.rules.partnerships import PROJECT_MAX_YEARS

ROUND_PERIOD = rule(
    "round-period",
    "A round closes after it opens",
    "An application round closes on or after it opens.",
)

ROUND_OPEN = rule(
    "round-open",
    "Project applications only in an open round",
    "A project or extension application names an application round open on the day it is "
    "created and is submitted while that round is open; an inception application may come at "
    "any time and names no round (DOMAIN.md §6, [FAQ], [DAGS]).",
)

UNKNOWN_ROUND = rule(
    "unknown-round",
    "Unknown application round",
    "The application round referred to does not exist.",
)

APPLICATION_TRANSITION = rule(
    "application-transition",
    "Not an action from this state",
    "An application moves draft -> submitted -> under_assessment -> approved or rejected, and "
    "can be withdrawn until it is decided; only a draft can be changed.",
)

APPLICATION_ATTACHMENTS = rule(
    "application-attachments",
    "An application has its letter of intent and budget",
    "A submitted application has among its attachments a letter of intent and a budget, "
    "documents of its own partnership.",
)

APPLICATION_BUDGET = rule(
    "application-budget",
    "A submitted application has a budget",
    "An application is submitted with at least one budget line.",
)

ONE_OPEN_APPLICATION = rule(
    "one-open-application",
    "One open application per phase",
    "A partnership has at most one undecided application of each kind.",
)

WHOLE_KRONOR = rule(
    "whole-kronor",
    "Budgets are whole kronor in SEK",
    "Budget lines, decided amounts and amendments are in SEK and whole kronor (DOMAIN.md §6, "
    "[RL20 §1]).",
)

INELIGIBLE_COST = rule(
    "ineligible-cost",
    "Not a cost ICLD funds",
    "Salaries, per diems and extra days are not funded, nor costs the guidelines do not name "
    "(DOMAIN.md §6, [BUD]). Funded: travel, accommodation, local_travel, venue, visas, "
    "climate_compensation, interpretation, materials, steering_group_work.",
)

BUDGET_YEAR = rule(
    "budget-year",
    "A budget year is a year of the period",
    "A budget line's project year is 1 to 3 and falls within the planned period (accounting "
    "year 1-3, DOMAIN.md §7, [RED]).",
)

BUDGET_CEILING = rule(
    "budget-ceiling",
    "The budget respects ICLD's ceilings",
    "Inception at most 220,000 SEK (Europe) or 275,000 (Africa, Asia, Latin America), "
    "trilateral 275,000 / 330,000; a project or extension at most 450,000 / 500,000 per project "
    "year, trilateral 600,000 / 650,000 (DOMAIN.md §6, [BUD]).",
)

BUDGET_LINE_ONCE = rule(
    "budget-line-once",
    "One budget line per cost category and year",
    "A budget has one line for each cost category in each project year; amendments and reports "
    "name the line.",
)

APPLICATION_PERIOD = rule(
    "application-period",
    "An application's period ends after it starts",
    "An application's planned period ends on or after its start.",
)

GRANT_PERIOD = rule(
    "grant-period", "A grant's period ends after it starts", "A grant ends on or after its start."
)

BUDGET_LINES_SUM = rule(
    "budget-lines-sum",
    "Budget lines sum to the decided amount",
    "A grant's budget lines add up to exactly the amount decided (DOMAIN.md §6, [MINA]).",
)

GRANT_APPLICATION = rule(
    "grant-application",
    "A grant answers an approved application",
    "A grant names, if any, an approved application of the same partnership and kind, and no "
    "application is granted twice.",
)

AMENDMENT = rule(
    "amendment",
    "Not an amendment this grant can take",
    "An extension moves the end later; a reallocation moves money between two lines of the "
    "grant and keeps the total; a reduction takes no line below zero; a close-out falls within "
    "the period (DOMAIN.md §7, [004]).",
)

BELOW_REPORTED = rule(
    "below-reported",
    "Not below what is reported or paid",
    "No amendment takes a budget line below the costs reported on it, or the grant below what "
    "has been paid.",
)

GRANT_CLOSED = rule(
    "grant-closed",
    "The grant is closed",
    "A grant closed out early takes no further amendments, and no reports for years after it "
    "closed.",
)

REPORT_YEAR = rule(
    "report-year",
    "A report covers a year of the grant",
    "An interim report covers a project year before the last, the final report the last year "
    "(accounting year 1-3, DOMAIN.md §7, [RED]); its costs are on budget lines of that year; "
    "each kind and year has one report that is not returned.",
)

COST_BEYOND_BUDGET_LINE = rule(
    "cost-beyond-budget-line",
    "Costs stay within their budget line",
    "The costs reported on a budget line never exceed the line; more needs an amendment first "
    "(DOMAIN.md §7: report lines within the approved budget lines).",
)

EXCHANGE_RATE = rule(
    "exchange-rate",
    "A foreign-currency cost has its rate",
    "A cost in SEK has no rate; a cost in another currency keeps its original amount and "
    "currency, and the positive rate used to reach SEK.",
)

REPORT_TRANSITION = rule(
    "report-transition",
    "Not an action from this state",
    "Only a submitted report is approved or returned.",
)

PAYMENT_AFTER_APPROVED_REPORT = rule(
    "payment-after-approved-report",
    "Payments follow an approved report",
    "ICLD reimburses in arrears: a payment reimburses an approved report of the grant "
    "(DOMAIN.md §6, [REP-EN], [RED]).",
)

PAYMENT_BEYOND_APPROVED = rule(
    "payment-beyond-approved",
    "Never more than the approved costs",
    "The payments of a report never exceed the costs it approved (DOMAIN.md §7).",
)

REPORT_DUE = rule(
    "report-due",
    "Reports come by their due date",
    "An interim report is due two months after each project year but the last, the final "
    "report three months after the grant's end (assumed periods: docs/funding.md). A warning "
    "on the compliance view and in the programme officers' alerts.",
)


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
    """A phase's years, at most a project's longest (accounting years 1-3, [RED]): the last
    runs to the end of the period, however a postponement lengthened it."""
    years = [(a, b) for _, a, b in phase_years(starts, ends)]
    if len(years) > PROJECT_MAX_YEARS:
        years[PROJECT_MAX_YEARS - 1 :] = [(years[PROJECT_MAX_YEARS - 1][0], ends)]
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
