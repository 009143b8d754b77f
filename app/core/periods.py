"""Periods of days: years counted from a start day, months added to a date, and the check that a
period does not end before it starts. Pure arithmetic on dates, shared by phases, grants, the
compliance view and every rule on a period (programmes, networks, workshops, rounds ...)."""

from datetime import date, timedelta

from app.core.errors import ProblemKind, RuleViolation
from app.core.i18n import _


def check_period(
    kind: ProblemKind, starts: date, ends: date, *, first: str = "starts", last: str = "ends"
) -> None:
    """A period ends on or after the day it starts. `kind` is the rule of that period (a
    programme's, a network's ...); `first` and `last` name its fields, and the error points at
    `last`."""
    if ends < starts:
        raise RuleViolation(
            kind, _("{last} is before {first}", last=last, first=first), pointer=f"/{last}"
        )


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February rolls on to 1 March, so a period from
    29 February lasts to 28 February, as one from 28 February lasts to 27 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def last_day_within(start: date, years: int) -> date:
    """The last day of a period of `years` years that begins on `start`."""
    return add_years(start, years) - timedelta(days=1)


def phase_years(start: date, end: date) -> list[tuple[int, date, date]]:
    """A period's years, numbered: the first from its start, the last cut at its end."""
    years = []
    n = 1
    while add_years(start, n - 1) <= end:
        years.append((n, add_years(start, n - 1), min(last_day_within(start, n), end)))
        n += 1
    return years


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def nominal_end(ends: date, postponed_days: int) -> date:
    return ends - timedelta(days=postponed_days)
