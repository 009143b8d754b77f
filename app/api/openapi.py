"""The OpenAPI document: every 4xx/5xx answer is documented as `application/problem+json`."""

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api import idempotency
from app.api.problems import PROBLEM_MEDIA_TYPE, Problem
from app.api.ratelimit import EXEMPT_PATHS

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _build(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    for route, path in spec["paths"].items():
        for method, operation in path.items():
            if method == "post":
                _document_idempotency(operation)
            if route not in EXEMPT_PATHS:
                operation["responses"].setdefault("429", {"description": "Too many requests"})
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
                    if int(status) == 422:
                        response["description"] = (
                            "Validation error, or a broken programme rule (its `code` names it; "
                            "GET /problems lists them)"
                        ) + (" / Idempotency key reused" if method == "post" else "")
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    _distinct_titles(schemas)
    return spec


def _distinct_titles(schemas: dict[str, Any]) -> None:
    """Give each component a title of its own. FastAPI splits a model that reads otherwise than
    it writes (`Money`: a number or a string in, a string out) into `Money-Input` and
    `Money-Output`, both titled `Money`; openapi-python-client names classes by title, so it made
    `Money` twice and dropped every schema using the second (all of funding's answers)."""
    titles = Counter(schema.get("title") for schema in schemas.values())
    for name, schema in schemas.items():
        if titles[schema.get("title")] > 1:
            schema["title"] = name


def _document_idempotency(operation: dict[str, Any]) -> None:
    """A POST answers the `Idempotency-Key` problems too (`app/api/idempotency.py`)."""
    responses = operation.setdefault("responses", {})
    for kind in idempotency.KINDS:
        response = responses.setdefault(str(kind.status), {"description": ""})
        titles = [t for t in response["description"].split(" / ") if t]
        response["description"] = " / ".join(sorted({*titles, kind.title}))
    operation["responses"] = dict(sorted(responses.items(), key=lambda item: str(item[0])))
    for parameter in operation.get("parameters", ()):
        if parameter["name"] == idempotency.HEADER:  # a plain string for generated clients
            parameter["schema"] = {
                "type": "string",
                "maxLength": idempotency.MAX_KEY_LENGTH + 2,
                "examples": ["8e03978e-40d5-43e8-bc93-6894a57f9324"],
            }
