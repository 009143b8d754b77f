"""What a principal may see and change: the one place authorization is decided.

Reads are scoped in the query, so lists and counts never include other organisations' rows; an
object outside the scope is not found (404), exactly like a missing one.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col

from app.core.errors import FORBIDDEN, ProblemError
from app.core.i18n import _
from app.core.principal import Principal
from app.models.enums import Role
from app.models.organisations import Organisation
from app.models.partner_interests import PartnerInterest
from app.models.partnerships import Partnership, PartnershipPartner
from app.models.people import Person
from app.models.programmes import StudyVisit

T = TypeVar("T")

# The organisations of a caller, as a prepared read takes them: an array bound per request.
ORGANISATION_IDS = sa.bindparam("organisation_ids", type_=ARRAY(sa.Uuid()))


@dataclass(frozen=True)
class Shape:
    """A caller's scope as a statement built once takes it (`app.db.reads.Prepared`): everything
    (ICLD staff), or the organisations bound per request (`for_caller`) as `= ANY(...)`, one
    statement for any number of them. The scoping functions that read only those two things of
    a caller (`scope_people`, `scope_partnerships`, `partnership_in_scope`, ...: typed
    `Scoped`) take a `Shape` where they take a principal, and build the same conditions; those
    that read its role take a principal only."""

    sees_everything: bool
    organisation_ids: sa.BindParameter[Any] = ORGANISATION_IDS


EVERYTHING, OWN = Shape(sees_everything=True), Shape(sees_everything=False)
Scoped = Principal | Shape


def for_caller(
    by_shape: Callable[[Shape], T], principal: Principal, **values: Any
) -> tuple[T, dict[str, Any]]:
    """The statement `by_shape` prepares for the shape of the principal's scope (everything, or
    their own organisations: `reads.prepared`), with the values it is read with: `values` and
    the principal's organisations. One call, so that no read takes a shape without its values."""
    shape = EVERYTHING if principal.sees_everything else OWN
    return by_shape(shape), {**values, "organisation_ids": list(principal.organisation_ids)}


def _among(column: Any, ids: Collection[UUID] | sa.BindParameter[Any]) -> Any:
    """`column` is one of `ids`: a principal's organisations, or a shape's array of them."""
    if isinstance(ids, sa.BindParameter):
        return column == sa.any_(ids)
    return column.in_(ids)


def scope_people(principal: Scoped, stmt: Any) -> Any:
    """People the principal may read: ICLD staff all, others those of their organisations."""
    if principal.sees_everything:
        return stmt
    return stmt.where(_among(col(Person.organisation_id), principal.organisation_ids))


def can_see_contact_details(principal: Principal, organisation_id: UUID) -> bool:
    """E-mail and phone of a person of `organisation_id`: admins, programme officers and that
    organisation."""
    return principal.in_scope(organisation_id)


def ensure_can_write_in(principal: Principal, organisation_id: UUID) -> None:
    """Creating or moving an object into an organisation outside the principal's scope."""
    if not principal.in_scope(organisation_id):
        raise ProblemError(
            FORBIDDEN, _("You may only create or move objects within your own organisations.")
        )


def writable_organisation(principal: Principal, organisation: Organisation) -> bool:
    """Whether the principal may change this organisation: admins everything, programme officers
    all but reference data, coordinators their own organisations' optional fields."""
    if organisation.is_reference:
        return principal.role is Role.admin or (
            principal.role is Role.coordinator and organisation.id in principal.organisation_ids
        )
    return principal.in_scope(organisation.id)


def scope_partnerships(principal: Scoped, stmt: Any) -> Any:
    """Partnerships the principal may read: ICLD staff all, others those their organisations are
    a party of (Swedish, partner or third party)."""
    if principal.sees_everything:
        return stmt
    mine = principal.organisation_ids
    return stmt.where(
        sa.or_(
            _among(col(Partnership.swedish_party_id), mine),
            _among(col(Partnership.third_party_id), mine),
            sa.exists().where(
                col(PartnershipPartner.partnership_id) == col(Partnership.id),
                _among(col(PartnershipPartner.organisation_id), mine),
            ),
        )
    )


def partnership_in_scope(principal: Scoped, partnership_id: Any) -> Any:
    """A condition on a partnership id column: a partnership the principal may read. ICLD staff
    get no condition at all (not a subquery over every partnership)."""
    if principal.sees_everything:
        return sa.true()
    return partnership_id.in_(scope_partnerships(principal, sa.select(col(Partnership.id))))


def scope_study_visits(principal: Scoped, stmt: Any) -> Any:
    """Study visits the principal may read: ICLD staff all; others those their organisations
    host, and those of their partnerships."""
    if principal.sees_everything:
        return stmt
    mine = scope_partnerships(principal, sa.select(col(Partnership.id)))
    return stmt.where(
        sa.or_(
            _among(col(StudyVisit.host_organisation_id), principal.organisation_ids),
            col(StudyVisit.partnership_id).in_(mine),
        )
    )


def scope_partner_interests(principal: Scoped, stmt: Any) -> Any:
    """Declarations of interest the principal may read and (with a writing role) change: ICLD
    staff all, others their organisations'."""
    if principal.sees_everything:
        return stmt
    return stmt.where(_among(col(PartnerInterest.organisation_id), principal.organisation_ids))


def scope_candidates(principal: Principal, stmt: Any) -> Any:
    """Declarations the principal may be shown as candidates of its own: ICLD staff all, others
    those listed in the public directory and their organisations' own."""
    if principal.sees_everything:
        return stmt
    return stmt.where(
        sa.or_(
            col(PartnerInterest.listed),
            col(PartnerInterest.organisation_id).in_(principal.organisation_ids),
        )
    )
