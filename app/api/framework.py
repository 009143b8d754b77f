"""FastAPI's per-request work that depends only on the routes, done once per route instead.

FastAPI solves a route's dependencies on every request by reading each dependency's and each
parameter's declaration again: whether a dependency's cache key involves OAuth scopes (walking the
dependency tree and unwrapping its callables), and for each parameter whether it is a model, a
sequence or JSON, and under which names it may come. None of that changes once the app is built.
`remember_declarations()` keeps the answers, per dependency and per list of parameters, and leaves
the per-request work (reading the values, validating them) to FastAPI's own functions; the answers
are the ones FastAPI's functions give, so behaviour is unchanged. `match_routers_by_paths()` lets
FastAPI pass over an included router none of whose routes can match the request's path. With
FastAPI's internals not as expected (another version), nothing is changed. bench/README.md,
"Floor", has the figures.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import routing
from fastapi.dependencies import utils
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

fastapi_deps: Any = utils  # their private names, checked for before use
fastapi_routing: Any = routing

_MAX_REMEMBERED = 4096
"""Dependencies overridden in tests are made again on each request: a bound, not a leak."""

_NEEDED = (
    "_get_cache_key",
    "request_params_to_args",
    "_get_param_model",
    "_get_param_aliases",
    "_is_json_field",
    "field_annotation_is_sequence",
    "_validate_value_with_model_field",
    "ImmutableMultiDict",
    "Headers",
    "FormData",
    "Undefined",
    "params",
)


def remember_declarations() -> bool:
    """Put the remembering versions in place (once per process); answer whether they are."""
    if getattr(fastapi_deps, "_remembers_declarations", False):
        return True
    if not all(hasattr(fastapi_deps, name) for name in _NEEDED):
        return False
    fastapi_deps._get_cache_key = _remembering_cache_key(fastapi_deps._get_cache_key)
    fastapi_deps.request_params_to_args = _planned_params_to_args(
        fastapi_deps.request_params_to_args
    )
    fastapi_deps._remembers_declarations = True
    return True


def _remembering_cache_key(compute: Callable[..., Any]) -> Callable[..., Any]:
    keys: dict[int, tuple[Any, Any, Any]] = {}

    def _get_cache_key(*, dependant: Any, uses_scopes_cache: Any = None) -> Any:
        known = keys.get(id(dependant))
        if known is not None and known[0] is dependant and known[1] is dependant.call:
            return known[2]
        key = compute(dependant=dependant, uses_scopes_cache=uses_scopes_cache)
        if len(keys) >= _MAX_REMEMBERED:
            keys.clear()
        keys[id(dependant)] = (dependant, dependant.call, key)
        return key

    return _get_cache_key


# One parameter as FastAPI reads it: the field, its request names (the first present is taken,
# else the first), the error location of each, whether it is a sequence and is read as a list,
# and the value it takes when absent, if that is a constant FastAPI would not validate (else
# `_VALIDATED`: FastAPI's own function copies the default and validates it as it does).
_Param = tuple[Any, tuple[str, ...], tuple[tuple[str, str], ...], bool, bool, Any]
_VALIDATED = object()
_IMMUTABLE = (type(None), bool, int, float, str, bytes)


_EMPTY_LIST = object()
"""The default of a field whose factory is `list`: a new `[]` for each request, without pydantic
reading the factory's signature each time (a builtin's is parsed from its text)."""


def _constant_default(field: Any) -> Any:
    """An optional field's default that needs neither a copy nor validation: None, a number, a
    string, or a factory's new empty list (another list is copied for each request, another
    default factory called)."""
    info = field.field_info
    if info.is_required() or info.validate_default:
        return _VALIDATED
    if info.default_factory is not None:
        return _EMPTY_LIST if info.default_factory is list else _VALIDATED
    default = info.default
    return default if type(default) in _IMMUTABLE else _VALIDATED


def _plan(fields: Sequence[Any]) -> list[_Param] | None:
    """What FastAPI's `request_params_to_args` works out for each field on every request; None
    when a field is a model of parameters (left to FastAPI)."""
    plan: list[_Param] = []
    for field in fields:
        if fastapi_deps._get_param_model(field) is not None:
            return None
        names = tuple(name for _alias, name in fastapi_deps._get_param_aliases(field))
        where = field.field_info.in_.value
        sequence = bool(fastapi_deps.field_annotation_is_sequence(field.field_info.annotation))
        listed = sequence and not fastapi_deps._is_json_field(field)
        locs = tuple((where, name) for name in names)
        plan.append((field, names, locs, sequence, listed, _constant_default(field)))
    return plan


def _planned_params_to_args(original: Callable[..., Any]) -> Callable[..., Any]:
    plans: dict[int, tuple[Sequence[Any], int, list[_Param] | None]] = {}
    multidicts = (fastapi_deps.ImmutableMultiDict, fastapi_deps.Headers)
    form_data = fastapi_deps.FormData
    undefined = fastapi_deps.Undefined
    validate = fastapi_deps._validate_value_with_model_field

    def request_params_to_args(
        fields: Sequence[Any], received_params: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[Any]]:
        values: dict[str, Any] = {}
        errors: list[Any] = []
        if not fields:
            return values, errors
        known = plans.get(id(fields))
        if known is None or known[0] is not fields or known[1] != len(fields):
            if len(plans) >= _MAX_REMEMBERED:
                plans.clear()
            known = plans[id(fields)] = (fields, len(fields), _plan(fields))
        plan = known[2]
        if plan is None or isinstance(received_params, form_data):
            return original(fields, received_params)  # type: ignore[no-any-return]
        for field, names, locs, sequence, listed, default in plan:
            at = 0
            if len(names) > 1:
                at = next((i for i, name in enumerate(names) if name in received_params), 0)
            name = names[at]
            value: Any
            if listed and isinstance(received_params, multidicts):
                value = received_params.getlist(name)
            else:
                value = received_params.get(name, None)
            if value is None or (sequence and len(value) == 0):
                if default is not _VALIDATED:
                    values[field.name] = [] if default is _EMPTY_LIST else default
                    continue
                value = undefined
            v_, errors_ = validate(field=field, value=value, values=values, loc=locs[at])
            if errors_:
                errors.extend(errors_)
            else:
                values[field.name] = v_
        return values, errors

    return request_params_to_args


def match_routers_by_paths() -> bool:
    """Let FastAPI pass over an included router none of whose routes' paths is the request's,
    instead of trying each of its routes in turn; answer whether this is in place.

    An included router is tried route by route, each with FastAPI's bookkeeping (about 1.5 µs a
    route): a request for a grant tried every route of the three routers included before it with
    no prefix of their own (calendars, a partnership's compliance, events: 43 to 58 µs each),
    a partnership's meetings every route of the partnerships router. Here a router whose routes
    are all path operations is passed over at once when its routes' common literal prefix, then
    each route's own path pattern (as FastAPI matches it), rejects the path: a route whose
    pattern matches is tried by FastAPI as before, so a 405 (a route for another method) and
    every match are unchanged. With other routes in the router (mounts, routers included in it),
    or FastAPI's internals not as expected, FastAPI matches as it does."""
    included: Any = getattr(fastapi_routing, "_IncludedRouter", None)
    if included is None or not all(
        hasattr(included, name) for name in ("matches", "effective_candidates")
    ):
        return False
    if getattr(included, "_matches_by_paths", False):
        return True
    match_all = included.matches

    def matches(self: Any, scope: Scope) -> Any:
        if scope["type"] == "http":
            known = self.__dict__.get("_route_paths")
            routes = self.original_router.routes
            if known is None or known[0] is not routes or known[1] != len(routes):
                known = _route_paths(self, included, routes)
            if known[2] is not None:
                path = get_route_path(scope)
                prefix, patterns = known[2]
                if not path.startswith(prefix) or not any(p.match(path) for p in patterns):
                    return Match.NONE, {}
        return match_all(self, scope)

    included.matches = matches
    included._matches_by_paths = True
    return True


def _route_paths(node: Any, included: type, routes: list[Any]) -> tuple[Any, int, Any]:
    """The literal prefix of an included router's routes and their path patterns, as included
    (None when it holds other routes), kept on the node with the routes they were read from."""
    paths: tuple[str, tuple[Any, ...]] | None = None
    try:
        candidates = node.effective_candidates()
        if candidates and all(
            not isinstance(c, included)
            and isinstance(c.original_route, APIRoute)
            and c.path_regex is not None
            for c in candidates
        ):
            literal = [c.path_format.split("{", 1)[0] for c in candidates]
            prefix = literal[0]
            for other in literal[1:]:
                while not other.startswith(prefix):
                    prefix = prefix[:-1]
            paths = (prefix, tuple(c.path_regex for c in candidates))
    except AttributeError:  # FastAPI's internals changed: match as FastAPI does
        paths = None
    known = node.__dict__["_route_paths"] = (routes, len(routes), paths)
    return known
