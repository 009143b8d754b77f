"""All tables; importing this module registers them on the shared metadata."""

from app.models.base import metadata
from app.models.countries import Country, CountryEligibility
from app.models.organisations import Organisation
from app.models.people import Person

__all__ = ["Country", "CountryEligibility", "Organisation", "Person", "metadata"]
