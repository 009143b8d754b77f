"""Access control: API keys, users signed in through OpenID Connect, and the audit trail."""
