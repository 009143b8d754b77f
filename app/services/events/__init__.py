"""Events for other systems: the catalogue, the outbox, webhook subscriptions and delivery
(docs/events.md)."""
