"""The demo's IATI reporting organisation: an identifier no registered body can hold, so that
the IATI file of `make run` never passes for ICLD's."""

from app.settings import Settings

# "AA-AAA" is the list in IATI's own documentation examples (AA-AAA-123456789); "AA" is an ISO
# 3166 user-assigned code, so no real registration agency's list starts with it.
DEMO_REPORTING_ORG_REF = "AA-AAA-DEMO-ICLD"


def demo_settings(settings: Settings) -> Settings:
    """The settings `serve --demo-data` runs with: the demo's identifier, whatever
    IATI_REPORTING_ORG_REF says, so that demo activities never carry ICLD's real one."""
    return settings.model_copy(update={"iati_reporting_org_ref": DEMO_REPORTING_ORG_REF})
