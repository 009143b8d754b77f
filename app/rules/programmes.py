"""The rules of international training programmes and study visits (docs/training-programmes.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from datetime import date
from typing import Literal, TypeVar
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import _
from app.core.periods import check_period
from app.rules.words import in_words

T = TypeVar("T")

PROGRAMME_PERIOD = rule(
    "programme-period",
    _("A programme ends after it starts"),
    _("A programme ends on or after its start."),
    mode=RuleMode.refuse,
    reads=(
        "training_programmes.starts",
        "training_programmes.ends",
    ),
    constraints=("ck_training_programmes_period_order",),
)


def check_programme_period(starts: date, ends: date) -> None:
    """`programme-period`."""
    check_period(PROGRAMME_PERIOD, starts, ends)


# How many of a programme's implementing organisations lead it (seed 003).
LEADS_PER_PROGRAMME = 1

PROGRAMME_LEAD = rule(
    "programme-lead",
    _("A programme has {n} lead", n=in_words(LEADS_PER_PROGRAMME)),
    _(
        "A training programme names exactly {n} lead implementing organisation (seed 003).",
        n=in_words(LEADS_PER_PROGRAMME),
    ),
    mode=RuleMode.refuse,
    reads=("programme_organisations.role",),
)


def check_lead(roles: Iterable[str]) -> None:
    """`programme-lead`: of the implementers' roles, LEADS_PER_PROGRAMME are 'lead'."""
    if sum(role == "lead" for role in roles) != LEADS_PER_PROGRAMME:
        raise RuleViolation(
            PROGRAMME_LEAD,
            _("name exactly {n} lead implementer", n=in_words(LEADS_PER_PROGRAMME)),
            pointer="/implementers",
        )


VISIT_WITHIN_PROGRAMME = rule(
    "visit-within-programme",
    _("A programme's study visit falls within it"),
    _("A study visit made as part of a programme takes place within the programme's period."),
    mode=RuleMode.refuse,
    reads=(
        "study_visits.visit_on",
        "study_visits.programme_id",
        "training_programmes.starts",
        "training_programmes.ends",
    ),
)


def check_visit_within_programme(
    visit_on: date, starts: date, ends: date, *, changed: Literal["visit", "programme"]
) -> None:
    """`visit-within-programme`, when a visit is recorded or `changed`, and when its programme
    is: the error then points at the programme's start."""
    if starts <= visit_on <= ends:
        return
    if changed == "programme":
        raise RuleViolation(
            VISIT_WITHIN_PROGRAMME,
            _("The study visit of {day} would fall outside the programme.", day=visit_on),
            pointer="/starts",
        )
    raise RuleViolation(
        VISIT_WITHIN_PROGRAMME,
        _(
            "The visit on {day} falls outside the programme ({start}..{end}).",
            day=visit_on,
            start=starts,
            end=ends,
        ),
        pointer="/visit_on",
    )


VISITING_COUNTRIES_TAKE_PART = rule(
    "visiting-countries-take-part",
    _("Visitors come from the programme's countries"),
    _("A programme's study visit brings people from the programme's participant countries."),
    mode=RuleMode.refuse,
    reads=(
        "study_visits.visiting_countries",
        "training_programmes.participant_countries",
    ),
)


def check_visiting_countries(
    visit_on: date,
    visiting: Iterable[str],
    taking_part: Collection[str],
    *,
    changed: Literal["visit", "programme"],
) -> None:
    """`visiting-countries-take-part`, when a visit is recorded or `changed`, and when its
    programme's participant countries change."""
    strangers = [code for code in visiting if code not in taking_part]
    if not strangers:
        return
    if changed == "programme":
        raise RuleViolation(
            VISITING_COUNTRIES_TAKE_PART,
            _(
                "The study visit of {day} brought people from {countries}.",
                day=visit_on,
                countries=", ".join(strangers),
            ),
            pointer="/participant_countries",
        )
    raise RuleViolation(
        VISITING_COUNTRIES_TAKE_PART,
        _("{countries} take no part in the programme.", countries=", ".join(strangers)),
        pointer="/visiting_countries",
    )


VISIT_FROM_ONE_SOURCE = rule(
    "visit-from-one-source",
    _("A study visit comes from a programme or a partnership"),
    _("A study visit is made by a programme's group or a partnership's, not both."),
    mode=RuleMode.refuse,
    reads=(
        "study_visits.programme_id",
        "study_visits.partnership_id",
    ),
    constraints=("ck_study_visits_one_source",),
)


def check_one_source(programme_id: UUID | None, partnership_id: UUID | None) -> None:
    """`visit-from-one-source`."""
    if programme_id and partnership_id:
        raise RuleViolation(
            VISIT_FROM_ONE_SOURCE,
            _("name a programme or a partnership"),
            pointer="/partnership_id",
        )


CONTACTS_OF_THE_HOST = rule(
    "contacts-of-the-host",
    _("Contacts work for the host"),
    _("A study visit's contacts are people of the host organisation."),
    mode=RuleMode.refuse,
    reads=(
        "study_visits.contact_ids",
        "study_visits.host_organisation_id",
        "people.organisation_id",
    ),
)


def check_contacts(
    contact_ids: Sequence[UUID], organisation_of: Mapping[UUID, UUID], host_id: UUID
) -> None:
    """`contacts-of-the-host`: `organisation_of` maps each stored contact to their
    organisation."""
    for i, person_id in enumerate(contact_ids):
        if organisation_of.get(person_id) != host_id:
            raise RuleViolation(
                CONTACTS_OF_THE_HOST,
                _("Person {id} is not of the host organisation.", id=person_id),
                pointer=f"/contact_ids/{i}",
            )


UNKNOWN_PROGRAMME = rule(
    "unknown-programme",
    _("Unknown programme"),
    _("The training programme referred to does not exist."),
    mode=RuleMode.refuse,
    reads=(
        "training_programmes.id",
        "study_visits.programme_id",
    ),
)


def known_programme(found: T | None, programme_id: UUID) -> T:
    """`unknown-programme`: the programme a study visit names was `found`; it is returned."""
    if found is None:
        raise RuleViolation(
            UNKNOWN_PROGRAMME, _("No programme {id}.", id=programme_id), pointer="/programme_id"
        )
    return found


ONE_ENTRY_PER_COUNTRY = rule(
    "one-entry-per-country",
    _("Each country once"),
    _(
        "A programme lists each country once in its segments and in its participant countries, and "
        "each implementer once."
    ),
    mode=RuleMode.refuse,
    reads=(
        "training_programmes.segments",
        "training_programmes.participant_countries",
        "programme_organisations.organisation_id",
    ),
)


def check_each_once(
    field: Literal["segments", "participant_countries", "implementers"], keys: Sequence[Hashable]
) -> None:
    """`one-entry-per-country`: the countries of a programme's `segments` or
    `participant_countries`, or the organisations of its `implementers`, each once."""
    if len(keys) != len(set(keys)):
        raise RuleViolation(
            ONE_ENTRY_PER_COUNTRY,
            _("an implementer appears twice")
            if field == "implementers"
            else _("a country appears twice in {field}", field=field),
            pointer=f"/{field}",
        )
