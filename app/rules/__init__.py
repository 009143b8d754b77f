"""The programme's rules and the API's own business rules, one module per domain.

Each rule is defined once in its domain's module: its stable code, the figures it is stated in
(named constants), its human description built from them, and the function that checks it.
Schemas and services call that function; the `/problems` catalogue lists every rule registered
here. DOMAIN.md references are given in each description.
"""

from app.rules import access, continuity, funding, networks, partnerships, programmes, reference

__all__ = ["access", "continuity", "funding", "networks", "partnerships", "programmes", "reference"]
