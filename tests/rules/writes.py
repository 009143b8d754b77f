"""WRITES: every write operation of the OpenAPI document, by operationId, and the stored columns
(`table.column`) it can change. Read off each service: a create writes its tables' columns, a
merge patch its patchable fields, an action the states and dates it sets, a delete the row's
columns (it removes them). `test_matrix.py` fails when a write operation of the document is
missing here, so a new route must say what it writes before the matrix can judge it."""

from app.models import metadata


def every(*tables: str) -> frozenset[str]:
    """Every column of `tables`: what a create writes, or a delete removes."""
    return frozenset(f"{t}.{c.name}" for t in tables for c in metadata.tables[t].columns)


def of(table: str, *columns: str) -> frozenset[str]:
    for column in columns:
        assert column in metadata.tables[table].columns, f"{table}.{column}"
    return frozenset(f"{table}.{c}" for c in columns)


_TRACKED = ("version", "updated_at")
_DECISION = every("partnership_decisions")
_HISTORY = "meeting_changes"
# A meeting cancelled, by `cancel` or by its phase's early end (`cancel_after`).
_CANCELLATION = of(
    "meetings",
    "status",
    "cancelled_reason",
    "cancelled_by",
    "cancelled_at",
    "sequence",
    *_TRACKED,
) | every(_HISTORY)

WRITES: dict[str, frozenset[str]] = {
    # Reference data (app/services/organisations.py, people.py)
    "create_organisation": every("organisations"),
    "update_organisation": of(
        "organisations",
        "type",
        "country_code",
        "name",
        "name_en",
        "official_code",
        "org_number",
        "population",
        "search",
        *_TRACKED,
    ),
    "delete_organisation": every("organisations"),
    "create_person": every("people"),
    "update_person": of(
        "people",
        "organisation_id",
        "kind",
        "given_name",
        "family_name",
        "title",
        "party",
        "political_side",
        "email",
        "phone",
        "mandate_ends",
        *_TRACKED,
    ),
    "delete_person": every("people"),
    "erase_person": of(
        "people",
        "given_name",
        "family_name",
        "title",
        "party",
        "email",
        "phone",
        "erased_at",
        *_TRACKED,
    ),
    # Elections (app/services/elections.py)
    "create_election": every("elections"),
    "update_election": of(
        "elections",
        "country_code",
        "organisation_id",
        "level",
        "held_on",
        "source",
        *_TRACKED,
    ),
    "delete_election": every("elections"),
    # Partnerships (app/services/partnerships/)
    "create_partnership": every("partnerships", "partnership_partners"),
    "update_partnership": of(
        "partnerships",
        "title",
        "description",
        "local_challenge",
        "themes",
        "principles",
        "network_id",
        "language",
        "translations",
        "search",
        *_TRACKED,
    ),
    "publish_partnership": of("partnerships", "published_at", *_TRACKED),
    "unpublish_partnership": of("partnerships", "published_at", *_TRACKED),
    "create_phase": every("phases"),
    "start_phase": of("phases", "actual_start", "status", *_TRACKED)
    | of("partnerships", "status", *_TRACKED)
    | _DECISION,
    "postpone_phase": of("phases", "planned_end", *_TRACKED) | _DECISION,
    "extend_phase": of("phases", "planned_end", *_TRACKED) | _DECISION,
    "terminate_phase": of("phases", "actual_end", "status", *_TRACKED)
    | of("partnerships", "status", *_TRACKED)
    | _CANCELLATION
    | _DECISION,
    "complete_phase": of("phases", "actual_end", "status", *_TRACKED)
    | of("partnerships", "status", *_TRACKED)
    | _DECISION,
    "create_member": every("partnership_members"),
    "update_member": of("partnership_members", "role", "start_date", "end_date", *_TRACKED),
    "delete_member": every("partnership_members"),
    "create_meeting": every("meetings", "meeting_participants", _HISTORY),
    # A merge patch neither moves nor cancels a meeting (rule.meeting-change-reason): its dates
    # and host are taken unchanged only; its `status` `held` is the `hold` action, with its entry
    # in the history.
    "update_meeting": of("meetings", "kind", "place", "status", "outcome", *_TRACKED)
    | every("meeting_participants", _HISTORY),
    "delete_meeting": every("meetings", "meeting_participants", _HISTORY),
    "hold_meeting": of("meetings", "status", "outcome", *_TRACKED) | every(_HISTORY),
    "cancel_meeting": _CANCELLATION,
    "reschedule_meeting": of(
        "meetings",
        "start_date",
        "end_date",
        "host_organisation_id",
        "place",
        "sequence",
        *_TRACKED,
    )
    | every(_HISTORY),
    "create_document": every("documents"),
    "update_document": of(
        "documents", "kind", "title", "swedish_signed_on", "partner_signed_on", *_TRACKED
    ),
    "delete_document": every("documents"),
    "upload_document_file": of(
        "documents", "file_key", "file_name", "content_type", "size_bytes", "sha256", *_TRACKED
    ),
    "create_result": every("results"),
    "update_result": of(
        "results",
        "principle",
        "side",
        "description",
        "language",
        "translations",
        "observed_on",
        *_TRACKED,
    ),
    "delete_result": every("results"),
    # Training programmes and study visits (app/services/programmes.py)
    "create_training_programme": every("training_programmes", "programme_organisations"),
    "update_training_programme": of(
        "training_programmes",
        "title",
        "code",
        "funder",
        "starts",
        "ends",
        "segments",
        "participant_countries",
        *_TRACKED,
    ),
    "create_study_visit": every("study_visits"),
    "update_study_visit": of(
        "study_visits",
        "visit_on",
        "host_organisation_id",
        "programme_id",
        "partnership_id",
        "visiting_countries",
        "topics",
        "contact_ids",
        "description",
        *_TRACKED,
    ),
    "delete_study_visit": every("study_visits"),
    # Networks and workshops (app/services/networks/)
    "create_network": every("networks"),
    "update_network": of(
        "networks",
        "title",
        "theme",
        "description",
        "country_codes",
        "starts",
        "ends",
        "coordinator_id",
        "status",
        "language",
        "translations",
        "search",
        *_TRACKED,
    ),
    "add_network_member": every("network_members"),
    "update_network_member": of("network_members", "joined_on", "status", *_TRACKED),
    "create_workshop": every("workshops"),
    "update_workshop": every("workshops") - of("workshops", "id", "created_at", "network_id"),
    "set_workshop_participants": every("workshop_participants") | of("workshops", *_TRACKED),
    # Funding (app/services/funding/)
    "create_application_round": every("application_rounds"),
    "update_application_round": of("application_rounds", "title", "opens", "closes", *_TRACKED),
    "create_application": every("applications", "application_budget_lines", "application_events"),
    "update_application": of(
        "applications",
        "kind",
        "round_id",
        "planned_start",
        "planned_end",
        "description",
        "attachment_ids",
        *_TRACKED,
    )
    | every("application_budget_lines"),
    "submit_application": of("applications", "status", "submitted_on", *_TRACKED)
    | every("application_events"),
    "withdraw_application": of("applications", "status", *_TRACKED) | every("application_events"),
    "assess_application": of("applications", "status", *_TRACKED) | every("application_events"),
    "approve_application": of("applications", "status", "decided_on", *_TRACKED)
    | every("application_events"),
    "reject_application": of("applications", "status", "decided_on", *_TRACKED)
    | every("application_events"),
    "create_grant": every("grants", "grant_budget_lines"),
    "amend_grant": of(
        "grants", "ends", "amount", "postponed_days", "status", "closed_on", *_TRACKED
    )
    | every("grant_budget_lines", "grant_amendments"),
    "file_grant_report": every("grant_reports", "grant_reported_costs") | of("grants", *_TRACKED),
    "approve_grant_report": of("grant_reports", "status", "decided_on", "decision_note", *_TRACKED),
    "return_grant_report": of("grant_reports", "status", "decided_on", "decision_note", *_TRACKED)
    | of("grants", *_TRACKED),
    "pay_grant": every("grant_payments"),
    # Partner search (app/services/partner_interests.py)
    "create_partner_interest": every("partner_interests"),
    "update_partner_interest": of(
        "partner_interests",
        "themes",
        "principles",
        "local_challenge",
        "countries",
        "funding_regions",
        "phase_kind",
        "earliest_start",
        "network_id",
        "listed",
        *_TRACKED,
    ),
    "renew_partner_interest": of("partner_interests", "expires_on", *_TRACKED),
    "withdraw_partner_interest": of("partner_interests", "status", *_TRACKED),
    # A partnership made by the rules of create_partnership, and both declarations matched.
    "create_partnership_from_match": every("partnerships", "partnership_partners")
    | of("partner_interests", "status", *_TRACKED),
    # Access (app/services/access/api_keys.py)
    "create_api_key": every("api_keys"),
    "revoke_api_key": of("api_keys", "revoked_at"),
    # Webhooks (app/services/events/subscriptions.py; the fan-out writes deliveries at commit)
    "create_webhook_subscription": every("webhook_subscriptions"),
    "update_webhook_subscription": of(
        "webhook_subscriptions",
        "url",
        "event_types",
        "organisation_ids",
        "description",
        "active",
        "paused_reason",
        *_TRACKED,
    ),
    "delete_webhook_subscription": every(
        "webhook_subscriptions", "webhook_deliveries", "webhook_attempts"
    ),
    "rotate_webhook_secret": of(
        "webhook_subscriptions",
        "secret",
        "previous_secret",
        "previous_secret_expires_at",
        *_TRACKED,
    ),
    "ping_webhook_subscription": every("events", "webhook_deliveries"),
    "replay_webhook_delivery": of("webhook_deliveries", "status"),
    "redeliver_webhook_events": every("webhook_deliveries"),
    # Calendar subscriptions (app/services/calendars.py)
    "create_calendar_subscription": every("calendar_subscriptions"),
    "delete_calendar_subscription": every("calendar_subscriptions"),
}
