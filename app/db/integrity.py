"""What PostgreSQL said when it refused a statement."""

from sqlalchemy.exc import IntegrityError


def constraint_of(exc: IntegrityError) -> str | None:
    """The constraint a refused statement broke, as asyncpg names it (None when it names none)."""
    return getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)
