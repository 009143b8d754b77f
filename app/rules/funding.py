"""The rules of funding: rounds, applications, budgets, grants, amendments, reports and payments
(DOMAIN.md §6, §7; docs/funding.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`. The checks are pure: the services gather what is stored
(a round, the documents attached, what is reported and paid) and hand it to them.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol, TypeVar
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import Listing, Message, Money, _
from app.core.periods import add_months, nominal_end, phase_years
from app.models.enums import (
    ApplicationAction,
    ApplicationKind,
    ApplicationStatus,
    CostCategory,
    DocumentKind,
    FundingRegion,
    GrantStatus,
    ReportKind,
    ReportStatus,
)
from app.rules.partnerships import PROJECT_MAX_YEARS, longest_end
from app.rules.words import code_listing, in_words

_T = TypeVar("_T")
ZERO = Decimal(0)


# A budget line as the rules see it: its project year and its amount in SEK.
YearAmount = tuple[int, Decimal]


class BudgetLine(Protocol):
    """A stored budget line of a grant, as the rules read it."""

    @property
    def id(self) -> UUID: ...
    @property
    def category(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...


# Rounds

ROUND_PERIOD = rule(
    "round-period",
    _("A round closes after it opens"),
    _("An application round closes on or after it opens."),
    mode=RuleMode.refuse,
    reads=(
        "application_rounds.opens",
        "application_rounds.closes",
    ),
    constraints=("ck_application_rounds_period_order",),
)


def check_round_period(opens: date, closes: date) -> None:
    if closes < opens:
        raise RuleViolation(ROUND_PERIOD, _("closes is before opens"), pointer="/closes")


ROUND_OPEN = rule(
    "round-open",
    _("Project applications only in an open round"),
    _(
        "A project or extension application names an application round open on the day it is "
        "created and is submitted while that round is open; an inception application may come at "
        "any time and names no round (DOMAIN.md §6, [FAQ], [DAGS])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "applications.round_id",
        "applications.kind",
        "applications.status",
        "application_rounds.opens",
        "application_rounds.closes",
    ),
)


def check_round_named(kind: str, round_id: UUID | None) -> None:
    """`round-open`: a project or extension application names its round, an inception none."""
    if kind == ApplicationKind.inception and round_id is not None:
        raise RuleViolation(
            ROUND_OPEN,
            _("An inception application may come at any time and names no round."),
            pointer="/round_id",
        )
    if kind != ApplicationKind.inception and round_id is None:
        raise RuleViolation(
            ROUND_OPEN,
            _("A project or extension application names its round."),
            pointer="/round_id",
        )


def check_round_open(
    title: str, opens: date, closes: date, day: date, pointer: str = "/round_id"
) -> None:
    """`round-open`: the round named is open on `day` (of creation, of submission; and when the
    round's period changes, on each day an application was submitted in it)."""
    if not opens <= day <= closes:
        raise RuleViolation(
            ROUND_OPEN,
            _(
                "The round {title} is open {opens}..{closes}, not on {day}.",
                title=repr(title),
                opens=opens,
                closes=closes,
                day=day,
            ),
            pointer=pointer,
        )


UNKNOWN_ROUND = rule(
    "unknown-round",
    _("Unknown application round"),
    _("The application round referred to does not exist."),
    mode=RuleMode.refuse,
    reads=(
        "application_rounds.id",
        "applications.round_id",
    ),
)


def known_round(round_id: UUID, found: _T | None) -> _T:
    """`unknown-round`: the round an application names, as the service found it (or not)."""
    if found is None:
        raise RuleViolation(
            UNKNOWN_ROUND, _("No application round {id}.", id=round_id), pointer="/round_id"
        )
    return found


# Applications

# Not decided yet: an application can still be withdrawn, and is the partnership's open one.
UNDECIDED = frozenset(
    {ApplicationStatus.draft, ApplicationStatus.submitted, ApplicationStatus.under_assessment}
)
# The programme officer's actions: from which state, to which, and what the step is called.
OFFICER_ACTIONS = {
    ApplicationAction.assess: (ApplicationStatus.submitted, ApplicationStatus.under_assessment),
    ApplicationAction.approve: (ApplicationStatus.under_assessment, ApplicationStatus.approved),
    ApplicationAction.reject: (ApplicationStatus.under_assessment, ApplicationStatus.rejected),
}
_DONE = {
    ApplicationAction.assess: "taken up for assessment",
    ApplicationAction.approve: "approved",
    ApplicationAction.reject: "rejected",
}

APPLICATION_TRANSITION = rule(
    "application-transition",
    _("Not an action from this state"),
    _(
        "An application moves draft -> submitted -> under_assessment -> approved or rejected, and "
        "can be withdrawn until it is decided; only a draft can be changed."
    ),
    mode=RuleMode.refuse,
    reads=("applications.status",),
)


def check_application_transition(
    status: str, allowed: ApplicationStatus | Iterable[ApplicationStatus], what: str
) -> None:
    """`application-transition`: the application is in a state it can be `what` (changed,
    submitted, withdrawn ...) from."""
    states = {allowed} if isinstance(allowed, ApplicationStatus) else set(allowed)
    if status not in states:
        raise RuleViolation(
            APPLICATION_TRANSITION,
            _(
                "The application is {status}; it can be {what} only when {states}.",
                status=status,
                what=what,
                states=" or ".join(sorted(states)),
            ),
        )


def officer_step(status: str, action: ApplicationAction) -> ApplicationStatus:
    """`application-transition` of the programme officer's action: the state it leads to."""
    from_status, to_status = OFFICER_ACTIONS[action]
    check_application_transition(status, from_status, _DONE[action])
    return to_status


# What a submitted application has attached, each a document of its partnership.
REQUIRED_ATTACHMENTS = (DocumentKind.letter_of_intent, DocumentKind.budget)

APPLICATION_ATTACHMENTS = rule(
    "application-attachments",
    _("An application has its letter of intent and budget"),
    _(
        "A submitted application has among its attachments documents of its own partnership of "
        "the kinds {kinds}.",
        kinds=code_listing(list(REQUIRED_ATTACHMENTS)),
    ),
    mode=RuleMode.refuse,
    reads=(
        "applications.attachment_ids",
        "applications.status",
        "documents.kind",
        "documents.partnership_id",
    ),
)


@dataclass(frozen=True)
class Attachment:
    """A document of the partnership attached to an application, as the rules see it."""

    kind: str
    uploaded: bool
    signed_by_both: bool


def check_attachments(
    ids: Sequence[UUID], found: Mapping[UUID, Attachment], *, required: bool
) -> None:
    """`application-attachments`: each attachment a document of the partnership (`found`
    holds those); when `required` (on submission), a letter of intent signed by both sides and a
    budget among them, each with its file uploaded."""
    for i, doc_id in enumerate(ids):
        if doc_id not in found:
            raise RuleViolation(
                APPLICATION_ATTACHMENTS,
                _("No document {id} of the partnership.", id=doc_id),
                pointer=f"/attachment_ids/{i}",
            )
    if not required:
        return
    complete = {
        d.kind
        for d in found.values()
        if d.uploaded and (d.kind != DocumentKind.letter_of_intent or d.signed_by_both)
    }
    missing = set(REQUIRED_ATTACHMENTS) - complete
    if missing:
        raise RuleViolation(
            APPLICATION_ATTACHMENTS,
            _(
                "The attachments lack (with its file, a letter signed by both sides): {kinds}.",
                kinds=", ".join(sorted(missing)),
            ),
            pointer="/attachment_ids",
        )


APPLICATION_BUDGET = rule(
    "application-budget",
    _("A submitted application has a budget"),
    _("An application is submitted with at least one budget line."),
    mode=RuleMode.refuse,
    reads=(
        "applications.status",
        "application_budget_lines.application_id",
    ),
)


def check_submitted_budget(lines: Sized) -> None:
    if not len(lines):
        raise RuleViolation(
            APPLICATION_BUDGET, _("A submitted application has a budget."), pointer="/budget"
        )


ONE_OPEN_APPLICATION = rule(
    "one-open-application",
    _("One open application per phase"),
    _("A partnership has at most one undecided application of each kind."),
    mode=RuleMode.refuse,
    reads=(
        "applications.partnership_id",
        "applications.kind",
        "applications.status",
    ),
    constraints=("uq_applications_open",),
)


def check_one_open(kind: str, open_one: UUID | None) -> None:
    """`one-open-application`: `open_one` is the partnership's undecided application of
    `kind`, if it has one."""
    if open_one:
        raise RuleViolation(
            ONE_OPEN_APPLICATION,
            _(
                "Application {id} of the partnership for {kind} is not decided yet.",
                id=open_one,
                kind=kind,
            ),
            pointer="/kind",
        )


APPLICATION_PERIOD = rule(
    "application-period",
    _("An application's period ends after it starts"),
    _("An application's planned period ends on or after its start."),
    mode=RuleMode.refuse,
    reads=(
        "applications.planned_start",
        "applications.planned_end",
    ),
    constraints=("ck_applications_planned_order",),
)


def check_application_period(planned_start: date, planned_end: date) -> None:
    if planned_end < planned_start:
        raise RuleViolation(
            APPLICATION_PERIOD, _("planned_end is before planned_start"), pointer="/planned_end"
        )


# Budgets

WHOLE_KRONOR = rule(
    "whole-kronor",
    _("Budgets are whole kronor in SEK"),
    _(
        "Budget lines, decided amounts and amendments are in SEK and whole kronor (DOMAIN.md §6, "
        "[RL20 §1])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "application_budget_lines.amount",
        "grants.amount",
        "grant_budget_lines.amount",
        "grant_amendments.amount_change",
    ),
    constraints=("ck_application_budget_lines_whole_kronor",),
)


def check_whole_kronor(currency: str, amount: Decimal) -> None:
    if currency != "SEK" or amount != amount.to_integral_value():
        raise RuleViolation(WHOLE_KRONOR, _("budgets are whole kronor in SEK"))


# What the guidelines exclude outright ([BUD]); any category not in CostCategory is refused too.
INELIGIBLE_COSTS = ("salaries", "per_diems", "extra_days")

INELIGIBLE_COST = rule(
    "ineligible-cost",
    _("Not a cost ICLD funds"),
    _(
        "Costs of the categories {ineligible} are not funded, nor costs the guidelines do not "
        "name (DOMAIN.md §6, [BUD]). Funded: {funded}.",
        ineligible=code_listing(list(INELIGIBLE_COSTS)),
        funded=code_listing(list(CostCategory)),
    ),
    mode=RuleMode.refuse,
    reads=(
        "application_budget_lines.category",
        "grant_budget_lines.category",
    ),
    constraints=(
        "ck_application_budget_lines_category",
        "ck_grant_budget_lines_category",
    ),
)


def check_cost_category(category: str) -> None:
    if category in INELIGIBLE_COSTS:
        raise RuleViolation(INELIGIBLE_COST, _("{category} are never funded", category=category))
    if category not in {c.value for c in CostCategory}:
        raise RuleViolation(
            INELIGIBLE_COST,
            _("{category} is not a cost the guidelines name", category=repr(category)),
        )


BUDGET_YEAR = rule(
    "budget-year",
    _("A budget year is a year of the period"),
    _(
        "A budget line's project year is 1 to {max} and falls within the planned period "
        "(accounting year 1-{max}, DOMAIN.md §7, [RED]).",
        max=PROJECT_MAX_YEARS,
    ),
    mode=RuleMode.refuse,
    reads=(
        "application_budget_lines.year",
        "grant_budget_lines.year",
        "applications.planned_start",
        "applications.planned_end",
        "grants.starts",
        "grants.ends",
    ),
    constraints=(
        "ck_application_budget_lines_year",
        "ck_grant_budget_lines_year",
    ),
)


def check_project_year(year: int) -> None:
    """`budget-year` of a line on its own: a year a project may have."""
    if not 1 <= year <= PROJECT_MAX_YEARS:
        raise RuleViolation(
            BUDGET_YEAR,
            _(
                "a project year is {years}",
                years=Listing(
                    tuple(str(n) for n in range(1, PROJECT_MAX_YEARS + 1)), disjunction=True
                ),
            ),
        )


def check_budget_years(years: Sequence[int], count: int, period: str, pointer: str) -> None:
    """`budget-year`: each line (of `years`) in one of the `count` project years of `period`."""
    for i, year in enumerate(years):
        if year > count:
            raise RuleViolation(
                BUDGET_YEAR,
                _(
                    "Project year {year}, but {period} has {count} project year(s).",
                    year=year,
                    period=period,
                    count=count,
                ),
                pointer=f"{pointer}/{i}/year",
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


def _ceilings(inception: bool, trilateral: bool) -> Message:
    """Europe's ceiling / elsewhere's, in a description."""
    europe, elsewhere = CEILINGS[(inception, trilateral)]
    return _("{europe} / {elsewhere}", europe=Money(europe), elsewhere=Money(elsewhere))


BUDGET_CEILING = rule(
    "budget-ceiling",
    _("The budget respects ICLD's ceilings"),
    _(
        "Inception at most {inception_europe} (Europe) or {inception_elsewhere} (Africa, Asia, "
        "Latin America), trilateral {inception_trilateral}; a project or extension at most "
        "{project} per project year, trilateral {project_trilateral} (DOMAIN.md §6, [BUD]).",
        inception_europe=Money(CEILINGS[(True, False)][0]),
        inception_elsewhere=Money(CEILINGS[(True, False)][1]),
        inception_trilateral=_ceilings(True, True),
        project=_ceilings(False, False),
        project_trilateral=_ceilings(False, True),
    ),
    mode=RuleMode.refuse,
    reads=(
        "application_budget_lines.amount",
        "application_budget_lines.year",
        "applications.kind",
        "organisations.country_code",
        "countries.funding_region",
        "partnerships.third_party_id",
    ),
)


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


def terms(regions: Iterable[str | None], partners: int, third_party: bool) -> Terms:
    """A partnership's Terms, given its partners' funding regions (None for a country without
    one), how many partners it has and whether it has a third party. DOMAIN.md §6: multilateral
    partnerships have the trilateral ceilings as guide values."""
    return Terms(
        regions=frozenset(r or "" for r in regions), trilateral=third_party or partners > 1
    )


def project_years(starts: date, ends: date) -> list[tuple[date, date]]:
    """A phase's years, at most a project's longest (PROJECT_MAX_YEARS accounting years,
    [RED]): the last runs to the end of the period, however a postponement lengthened it."""
    years = [(a, b) for _, a, b in phase_years(starts, ends)]
    if len(years) > PROJECT_MAX_YEARS:
        years[PROJECT_MAX_YEARS - 1 :] = [(years[PROJECT_MAX_YEARS - 1][0], ends)]
    return years


def nominal_years(starts: date, ends: date, postponed_days: int) -> list[tuple[date, date]]:
    """A grant's project years without the time its postponements added, which is not budgeted
    again: the years its budget lines are in."""
    return project_years(starts, nominal_end(ends, postponed_days))


def grant_years(starts: date, ends: date, postponed_days: int) -> list[tuple[date, date]]:
    """A grant's project years: counted over its period without the postponements (which add
    time, not years), the last one running to the current end."""
    nominal = max(starts, ends - timedelta(days=postponed_days))
    years = project_years(starts, nominal)
    years[-1] = (years[-1][0], ends)
    return years


def check_budget(
    lines: Sequence[YearAmount],
    kind: ApplicationKind,
    starts: date,
    ends: date,
    terms: Terms,
    pointer: str = "/budget",
) -> None:
    """`budget-year` and `budget-ceiling`: each line in a year of the period; the total
    (inception) or each year's total (project, extension) within the ceiling."""
    years = len(project_years(starts, ends))
    check_budget_years([year for year, _ in lines], years, f"{starts}..{ends}", pointer)
    cap = terms.ceiling(kind)
    if kind == ApplicationKind.inception:
        total = sum((amount for _, amount in lines), ZERO)
        if total > cap:
            raise RuleViolation(
                BUDGET_CEILING,
                _(
                    "The budget is {total}; the ceiling is {cap}.",
                    total=Money(total),
                    cap=Money(cap),
                ),
                pointer=pointer,
            )
        return
    for year, total in sorted(totals_by_year(lines).items()):
        if total > cap:
            raise RuleViolation(
                BUDGET_CEILING,
                _(
                    "Project year {year} is budgeted at {total}; the ceiling is {cap} a year.",
                    year=year,
                    total=Money(total),
                    cap=Money(cap),
                ),
                pointer=pointer,
            )


def totals_by_year(lines: Iterable[YearAmount]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for year, amount in lines:
        totals[year] += amount
    return dict(totals)


BUDGET_LINE_ONCE = rule(
    "budget-line-once",
    _("One budget line per cost category and year"),
    _(
        "A budget has one line for each cost category in each project year; amendments and reports "
        "name the line."
    ),
    mode=RuleMode.refuse,
    reads=(
        "application_budget_lines.category",
        "application_budget_lines.year",
        "grant_budget_lines.category",
        "grant_budget_lines.year",
    ),
)


def check_lines_once(lines: Sequence[tuple[str, int]], pointer: str = "/budget") -> None:
    """`budget-line-once`: no (category, year) twice."""
    seen: set[tuple[str, int]] = set()
    for i, (category, year) in enumerate(lines):
        if (category, year) in seen:
            raise RuleViolation(
                BUDGET_LINE_ONCE,
                _("{category} in year {year} has a line already", category=category, year=year),
                pointer=f"{pointer}/{i}",
            )
        seen.add((category, year))


# Grants

GRANT_PERIOD = rule(
    "grant-period",
    _("A grant's period ends after it starts"),
    _("A grant ends on or after its start."),
    mode=RuleMode.refuse,
    reads=(
        "grants.starts",
        "grants.ends",
    ),
    constraints=("ck_grants_period_order",),
)


def check_grant_period(starts: date, ends: date) -> None:
    if ends < starts:
        raise RuleViolation(GRANT_PERIOD, _("ends is before starts"), pointer="/ends")


BUDGET_LINES_SUM = rule(
    "budget-lines-sum",
    _("Budget lines sum to the decided amount"),
    _("A grant's budget lines add up to exactly the amount decided (DOMAIN.md §6, [MINA])."),
    mode=RuleMode.refuse,
    reads=(
        "grants.amount",
        "grant_budget_lines.amount",
    ),
)


def check_lines_sum(amounts: Iterable[Decimal], amount: Decimal) -> None:
    total = sum(amounts, ZERO)
    if total != amount:
        raise RuleViolation(
            BUDGET_LINES_SUM,
            _(
                "the budget lines sum to {total}, the amount is {amount}",
                total=Money(total),
                amount=Money(amount),
            ),
            pointer="/budget",
        )


GRANT_APPLICATION = rule(
    "grant-application",
    _("A grant answers an approved application"),
    _(
        "A grant names, if any, an approved application of the same partnership and kind, and no "
        "application is granted twice."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grants.application_id",
        "applications.status",
        "applications.partnership_id",
        "applications.kind",
    ),
)


class StoredApplication(Protocol):
    @property
    def partnership_id(self) -> UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...


def check_grant_application(
    application_id: UUID,
    application: StoredApplication | None,
    partnership_id: UUID,
    kind: str,
    granted: bool,
) -> None:
    """`grant-application`: the application a grant names (as stored, if it is) is an approved
    one of the same partnership and kind, not `granted` already."""
    problem: Message | None = None
    if application is None or application.partnership_id != partnership_id:
        problem = _("No application {id} of the partnership.", id=application_id)
    elif application.kind != kind:
        problem = _(
            "The application is for {kind}, not {expected}.", kind=application.kind, expected=kind
        )
    elif application.status != ApplicationStatus.approved:
        problem = _("The application is {status}, not approved.", status=application.status)
    elif granted:
        problem = _("The application has its grant already.")
    if problem:
        raise RuleViolation(GRANT_APPLICATION, problem, pointer="/application_id")


# Amendments

AMENDMENT = rule(
    "amendment",
    _("Not an amendment this grant can take"),
    _(
        "An extension moves the end later; a reallocation moves money between two lines of the "
        "grant and keeps the total; a reduction takes no line below zero; a close-out falls within "
        "the period (DOMAIN.md §7, [004])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grants.ends",
        "grants.amount",
        "grant_budget_lines.amount",
        "grants.closed_on",
    ),
)


def check_extension(
    kind: str,
    starts: date,
    ends: date,
    postponed_days: int,
    new_end: date,
    final_report: UUID | None,
) -> None:
    """`amendment` of an extension: no final report filed (`final_report`), a later end within
    the phase's duration counted without postponements (a longer project is a new grant of
    kind extension)."""
    if final_report:
        raise RuleViolation(
            AMENDMENT,
            _(
                "The final report ({report}) is filed: the grant is accounted for, and more time "
                "is a new grant of kind extension.",
                report=final_report,
            ),
            pointer="/new_end",
        )
    if new_end <= ends:
        raise RuleViolation(
            AMENDMENT, _("An extension ends later than {end}.", end=ends), pointer="/new_end"
        )
    longest = longest_end(kind, starts)
    if nominal_end(new_end, postponed_days) > longest:
        raise RuleViolation(
            AMENDMENT,
            _(
                "A {kind} grant starting {start} runs to {latest} at most (without its "
                "postponements); a longer one is a new grant of kind extension.",
                kind=kind,
                start=starts,
                latest=longest,
            ),
            pointer="/new_end",
        )


def check_move_lines(from_line_id: UUID, to_line_id: UUID) -> None:
    if from_line_id == to_line_id:
        raise RuleViolation(AMENDMENT, _("a move needs two different lines"), pointer="/to_line_id")


def reallocate_lines(
    amounts: Mapping[UUID, Decimal], moves: Sequence[tuple[UUID, UUID, Decimal]]
) -> dict[UUID, Decimal]:
    """`amendment` of a reallocation: the lines' amounts after each move (from a line, to a
    line, how much), each between two lines of the grant and within what the first holds."""
    after = dict(amounts)
    for i, (from_id, to_id, amount) in enumerate(moves):
        for field, line_id in (("from_line_id", from_id), ("to_line_id", to_id)):
            if line_id not in after:
                raise RuleViolation(
                    AMENDMENT, _("Not a budget line of this grant."), pointer=f"/moves/{i}/{field}"
                )
        if amount > after[from_id]:
            raise RuleViolation(
                AMENDMENT,
                _(
                    "The line has {holds}; {amount} cannot move.",
                    holds=Money(after[from_id]),
                    amount=Money(amount),
                ),
                pointer=f"/moves/{i}/amount",
            )
        after[from_id] -= amount
        after[to_id] += amount
    return after


def reduce_lines(
    amounts: Mapping[UUID, Decimal], cuts: Sequence[tuple[UUID, Decimal]]
) -> dict[UUID, Decimal]:
    """`amendment` of a reduction: the lines' amounts after each cut, none below zero."""
    after = dict(amounts)
    for i, (line_id, amount) in enumerate(cuts):
        if line_id not in after:
            raise RuleViolation(
                AMENDMENT,
                _("Not a budget line of this grant."),
                pointer=f"/reductions/{i}/line_id",
            )
        if amount > after[line_id]:
            raise RuleViolation(
                AMENDMENT,
                _(
                    "The line has {holds}; it cannot shrink by {amount}.",
                    holds=Money(after[line_id]),
                    amount=Money(amount),
                ),
                pointer=f"/reductions/{i}/amount",
            )
        after[line_id] -= amount
    return after


def check_close_out(
    starts: date, ends: date, postponed_days: int, closes_on: date, latest_report: int | None
) -> int:
    """`amendment` of a close-out: within the period, before its end, and no report filed
    (`latest_report`: the last year one covers) on a year it cancels. Returns the years the
    grant keeps."""
    if not starts <= closes_on < ends:
        raise RuleViolation(
            AMENDMENT,
            _("A close-out falls within {start}..{end}, before the end.", start=starts, end=ends),
            pointer="/closes_on",
        )
    years = len(grant_years(starts, closes_on, postponed_days))
    if latest_report and latest_report > years:
        raise RuleViolation(
            AMENDMENT,
            _(
                "A report on year {year} is filed; a close-out leaving {years} year(s) cannot "
                "cancel it (return it first).",
                year=latest_report,
                years=years,
            ),
            pointer="/closes_on",
        )
    return years


BELOW_REPORTED = rule(
    "below-reported",
    _("Not below what is reported or paid"),
    _(
        "No amendment takes a budget line below the costs reported on it, or the grant below what "
        "has been paid."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grant_budget_lines.amount",
        "grant_reported_costs.amount",
        "grant_payments.amount",
    ),
)


def check_not_below_reported(
    lines: Iterable[BudgetLine], reported: Mapping[UUID, Decimal], amount: Decimal, paid: Decimal
) -> None:
    """`below-reported`: each line at least what is `reported` on it, the grant's `amount` at
    least what is `paid`."""
    for line in lines:
        if line.amount < reported.get(line.id, ZERO):
            raise RuleViolation(
                BELOW_REPORTED,
                _(
                    "The {category} line of year {year} would hold {amount}, below the "
                    "{reported} reported on it.",
                    category=line.category,
                    year=line.year,
                    amount=Money(line.amount),
                    reported=Money(reported[line.id]),
                ),
            )
    if amount < paid:
        raise RuleViolation(
            BELOW_REPORTED,
            _(
                "The grant would be {amount}, below the {paid} paid.",
                amount=Money(amount),
                paid=Money(paid),
            ),
        )


GRANT_CLOSED = rule(
    "grant-closed",
    _("The grant is closed"),
    _(
        "A grant closed out early takes no further amendments, and no reports for years after it "
        "closed."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grants.status",
        "grants.closed_on",
        "grant_reports.year",
    ),
)


def check_grant_open(status: str, closed_on: date | None) -> None:
    """`grant-closed`, of an amendment."""
    if status == GrantStatus.closed:
        raise RuleViolation(GRANT_CLOSED, _("The grant closed on {day}.", day=closed_on))


# Reports

REPORT_YEAR = rule(
    "report-year",
    _("A report covers a year of the grant"),
    _(
        "An interim report covers a project year before the last, the final report the last year "
        "(accounting year 1-{max}, DOMAIN.md §7, [RED]); its costs are on budget lines of that "
        "year; each kind and year has one report that is not returned.",
        max=PROJECT_MAX_YEARS,
    ),
    mode=RuleMode.refuse,
    reads=(
        "grant_reports.kind",
        "grant_reports.year",
        "grant_reports.status",
        "grants.starts",
        "grants.ends",
        "grants.postponed_days",
    ),
    constraints=("ck_grant_reports_year",),
)

COST_BEYOND_BUDGET_LINE = rule(
    "cost-beyond-budget-line",
    _("Costs stay within their budget line"),
    _(
        "The costs reported on a budget line never exceed the line; more needs an amendment first "
        "(DOMAIN.md §7: report lines within the approved budget lines)."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grant_reported_costs.amount",
        "grant_reported_costs.budget_line_id",
        "grant_budget_lines.amount",
    ),
)


def check_report_year(
    kind: str,
    year: int,
    starts: date,
    ends: date,
    postponed_days: int,
    closed_on: date | None,
    filed: UUID | None,
    pointer: str = "/year",
) -> None:
    """`report-year` (and `grant-closed` for a year a close-out cancelled): an interim report on
    a year before the grant's last, the final report on the last, none `filed` already for
    that kind and year; when a close-out shortens the grant, for each report filed (`pointer`
    names the field that changed)."""
    years = len(grant_years(starts, ends, postponed_days))
    expected = _("the last year") if kind == ReportKind.final else _("a year before the last")
    fits = year == years if kind == ReportKind.final else year < years
    if not fits:
        detail = (
            _(
                "The grant (closed on {day}) has {years} project year(s); a {kind} report covers "
                "{expected}.",
                day=closed_on,
                years=years,
                kind=kind,
                expected=expected,
            )
            if closed_on
            else _(
                "The grant has {years} project year(s); a {kind} report covers {expected}.",
                years=years,
                kind=kind,
                expected=expected,
            )
        )
        raise RuleViolation(
            GRANT_CLOSED if closed_on and year > years else REPORT_YEAR,
            detail,
            pointer=pointer,
        )
    if filed:
        raise RuleViolation(
            REPORT_YEAR, _("Report {id} covers that year already.", id=filed), pointer="/year"
        )


def check_report_costs(
    year: int,
    costs: Sequence[tuple[UUID, Decimal]],
    lines: Mapping[UUID, BudgetLine],
    reported: Mapping[UUID, Decimal],
) -> None:
    """`report-year` and `cost-beyond-budget-line`: each cost (budget line, SEK) on a line of
    the report's year, and no line reported beyond its amount with what earlier reports put on
    it (`reported`)."""
    adding: dict[UUID, Decimal] = defaultdict(Decimal)
    for i, (line_id, sek) in enumerate(costs):
        line = lines.get(line_id)
        if line is None or line.year != year:
            raise RuleViolation(
                REPORT_YEAR,
                _("Not a budget line of year {year} of this grant.", year=year),
                pointer=f"/costs/{i}/budget_line_id",
            )
        adding[line.id] += sek
        if reported.get(line.id, ZERO) + adding[line.id] > line.amount:
            raise RuleViolation(
                COST_BEYOND_BUDGET_LINE,
                _(
                    "The {category} line of year {year} holds {amount}; with this cost {total} "
                    "would be reported.",
                    category=line.category,
                    year=line.year,
                    amount=Money(line.amount),
                    total=Money(reported.get(line.id, ZERO) + adding[line.id]),
                ),
                pointer=f"/costs/{i}/amount",
            )


EXCHANGE_RATE = rule(
    "exchange-rate",
    _("A foreign-currency cost has its rate"),
    _(
        "A cost in SEK has no rate; a cost in another currency keeps its original amount and "
        "currency, and the positive rate used to reach SEK."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grant_reported_costs.currency",
        "grant_reported_costs.rate",
        "grant_reported_costs.original_amount",
    ),
    constraints=(
        "ck_grant_reported_costs_rate",
        "ck_grant_reported_costs_amounts",
    ),
)


def check_exchange_rate(currency: str, rate: Decimal | None, sek: Decimal) -> None:
    """`exchange-rate`: a rate for a foreign currency only, positive, reaching at least an öre
    (`sek`: the cost in SEK)."""
    in_sek = currency == "SEK"
    if in_sek != (rate is None) or (rate is not None and rate <= 0):
        raise RuleViolation(
            EXCHANGE_RATE,
            _("a SEK cost has no rate; another currency needs a positive rate"),
            pointer="/rate",
        )
    if sek <= 0:
        raise RuleViolation(
            EXCHANGE_RATE, _("the cost is less than an öre in SEK"), pointer="/rate"
        )


REPORT_TRANSITION = rule(
    "report-transition",
    _("Not an action from this state"),
    _("Only a submitted report is approved or returned."),
    mode=RuleMode.refuse,
    reads=("grant_reports.status",),
)


def check_report_decision(status: str, submitted_on: date, day: date) -> None:
    """`report-transition`: a submitted report, decided on `day`, not before it came."""
    if status != ReportStatus.submitted:
        raise RuleViolation(
            REPORT_TRANSITION,
            _("The report is {status}; only a submitted one is decided.", status=status),
        )
    if day < submitted_on:
        raise RuleViolation(
            REPORT_TRANSITION,
            _("The report was submitted on {day}; it is decided after that.", day=submitted_on),
            pointer="/decided_on",
        )


# Report deadlines: DOMAIN.md gives none; assumed two months after a project year for an interim
# report, three after the grant's end for the final one (docs/funding.md).
INTERIM_REPORT_MONTHS = 2
FINAL_REPORT_MONTHS = 3

REPORT_DUE = rule(
    "report-due",
    _("Reports come by their due date"),
    _(
        "An interim report is due {interim} months after each project year but the last, the "
        "final report {final} months after the grant's end (assumed periods: docs/funding.md). A "
        "warning on the compliance view and in the programme officers' alerts.",
        interim=in_words(INTERIM_REPORT_MONTHS),
        final=in_words(FINAL_REPORT_MONTHS),
    ),
    mode=RuleMode.report,
    reads=(
        "grant_reports.kind",
        "grant_reports.year",
        "grant_reports.submitted_on",
        "grants.starts",
        "grants.ends",
    ),
)


def reports_due(
    starts: date, ends: date, postponed_days: int
) -> list[tuple[ReportKind, int, date]]:
    """`report-due`: an interim report for each project year but the last, due some months
    after it; the final report some months after the grant's current end."""
    years = grant_years(starts, ends, postponed_days)
    due = [
        (ReportKind.interim, n, add_months(last, INTERIM_REPORT_MONTHS))
        for n, (_, last) in enumerate(years[:-1], start=1)
    ]
    due.append((ReportKind.final, len(years), add_months(ends, FINAL_REPORT_MONTHS)))
    return due


def is_overdue(due_on: date, on: date, filed: bool) -> bool:
    """`report-due`: a report due before `on`, none `filed` for it (a returned one is none)."""
    return due_on < on and not filed


# Payments

PAYMENT_AFTER_APPROVED_REPORT = rule(
    "payment-after-approved-report",
    _("Payments follow an approved report"),
    _(
        "ICLD reimburses in arrears: a payment reimburses an approved report of the grant "
        "(DOMAIN.md §6, [REP-EN], [RED])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "grant_payments.report_id",
        "grant_reports.status",
        "grant_reports.grant_id",
    ),
)


class StoredReport(Protocol):
    @property
    def grant_id(self) -> UUID: ...
    @property
    def status(self) -> str: ...
    @property
    def decided_on(self) -> date | None: ...


def check_payment_report(
    report_id: UUID, report: StoredReport | None, grant_id: UUID, paid_on: date
) -> None:
    """`payment-after-approved-report`: the report (as stored, if it is) is an approved one of
    the grant, paid after it was approved."""
    if report is None or report.grant_id != grant_id or report.status != ReportStatus.approved:
        raise RuleViolation(
            PAYMENT_AFTER_APPROVED_REPORT,
            _("Report {id} is no approved report of this grant.", id=report_id)
            if report is None or report.grant_id != grant_id
            else _(
                "Report {id} is no approved report of this grant ({status}).",
                id=report_id,
                status=report.status,
            ),
            pointer="/report_id",
        )
    assert report.decided_on is not None
    if paid_on < report.decided_on:
        raise RuleViolation(
            PAYMENT_AFTER_APPROVED_REPORT,
            _("The report was approved on {day}; it is paid after that.", day=report.decided_on),
            pointer="/paid_on",
        )


PAYMENT_BEYOND_APPROVED = rule(
    "payment-beyond-approved",
    _("Never more than the approved costs"),
    _("The payments of a report never exceed the costs it approved (DOMAIN.md §7)."),
    mode=RuleMode.refuse,
    reads=(
        "grant_payments.amount",
        "grant_reported_costs.amount",
        "grant_reports.status",
    ),
)


def check_payment_amount(approved: Decimal, paid: Decimal, amount: Decimal) -> None:
    """`payment-beyond-approved`: what is `paid` for the report and `amount` stay within what
    it `approved`. Never more than the grant follows: paid <= approved <= reported <= the
    lines, which sum to the grant, and no amendment goes below what is reported or paid."""
    if paid + amount > approved:
        raise RuleViolation(
            PAYMENT_BEYOND_APPROVED,
            _(
                "The report approved {approved}, of which {paid} is paid.",
                approved=Money(approved),
                paid=Money(paid),
            ),
            pointer="/amount",
        )
