"""An answer serialised once, from plain data, with its response model's own serializer.

A route that answers a model validates its data into the model (pydantic's validators, nested
models built one by one) and FastAPI then serialises it; only the serialisation is needed when
the data comes straight from the database in the model's own types. `answer_json` serialises
plain data (dicts, lists, the rows' values) with the response model's serializer, each model in
it made a typed dict and each string enum a string: the same fields, aliases, exclusions and
serializers, so the same bytes, without the validation. A computed field (a property of the
model) is computed from the dict's values and serialised after the fields, as the model does;
the fields are serialised in the dict's order, so rows read for an answer select them in the
model's (`answer_columns`). For a page of 20 grants: 0.6 ms against
2.8 ms to validate and serialise (bench/README.md).

What it cannot do is fill in a default: the data must hold every field (but those whose default
is `MISSING`, left out as the model leaves them out), and a route that uses it has a test that
compares its answer with the model's (tests/test_raw_reads.py for the rows read raw). A value
of the wrong type is serialised by inference with a warning (an error in the test suite), never
silently mis-shaped."""

from collections.abc import Mapping
from functools import cache
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, SchemaSerializer


def answer_json(
    model: type[BaseModel],
    data: Any,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`data`, shaped as `model`, as a JSON answer (as FastAPI answers a returned model), with
    `headers` (those a route set on its `response` parameter, which FastAPI adds only to a
    model it serialises itself). A model that cannot be served as dicts (one in it serialises
    itself: a text in the caller's language, docs/languages-content.md) is validated and
    serialised as FastAPI would, when `data` holds one (a grant holds its partnership only
    when asked to embed it)."""
    try:
        body = _serializer(model).to_json(data)
    except PydanticSerializationError as exc:
        if _NOT_FIELDS not in str(exc):
            raise
        body = model.model_validate(data).model_dump_json(by_alias=True).encode()
    answer = Response(body, status_code=status_code, media_type="application/json")
    if headers:  # as FastAPI copies them: every value, a header set twice included
        raw = getattr(headers, "raw", None)
        if raw is None:
            raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        answer.raw_headers.extend(raw)
    return answer


@cache
def _serializer(model: type[BaseModel]) -> SchemaSerializer:
    return SchemaSerializer(_as_dicts(model.__pydantic_core_schema__))


class _NotFields(TypeError):
    """A model in the schema is not a plain model of fields."""


_NOT_FIELDS = "answer_json: a model that serialises itself"


def _not_fields(value: Any) -> Any:
    raise _NotFields(_NOT_FIELDS)


def _as_dicts(schema: Any) -> Any:
    """A core schema with every model in it made a typed dict of the same fields."""
    if isinstance(schema, list):
        return [_as_dicts(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "enum" and schema.get("sub_type") == "str":
        # A string enum is its value in JSON; the rows hold it as the string it is.
        return {"type": "str", **{k: schema[k] for k in ("ref", "metadata") if k in schema}}
    if schema.get("type") != "model":
        return {k: _as_dicts(v) for k, v in schema.items()}
    inner = schema["schema"]
    if inner.get("type") != "model-fields" or schema.get("root_model"):
        return _unservable(schema)
    fields = {
        name: {
            **{k: _as_dicts(v) for k, v in field.items() if k not in {"type", "frozen"}},
            "type": "typed-dict-field",
            "required": False,
        }
        for name, field in inner["fields"].items()
    }
    typed: dict[str, Any] = {"type": "typed-dict", "fields": fields}
    for key in ("ref", "serialization", "metadata", "config"):
        if key in schema:
            typed[key] = _as_dicts(schema[key])
    if computed := inner.get("computed_fields"):
        if "serialization" in typed:
            return _unservable(schema)
        # A computed field is a property of the model: computed here from the dict's values,
        # and serialised after the fields, as the model serialises it.
        for field in computed:
            fields[field["property_name"]] = {
                "type": "typed-dict-field",
                "schema": _as_dicts(field["return_schema"]),
                "required": False,
                **({"serialization_alias": field["alias"]} if "alias" in field else {}),
            }
        getters = [
            (field["property_name"], getattr(schema["cls"], field["property_name"]).fget)
            for field in computed
        ]
        typed["serialization"] = {
            "type": "function-wrap",
            "function": _computing(getters),
            "info_arg": False,
        }
    return typed


def _unservable(schema: dict[str, Any]) -> dict[str, Any]:
    """A model that is not served as dicts (not a plain model of fields): an answer that holds
    one is validated instead (`answer_json`); one that leaves it out (a field whose default is
    `MISSING`) is still served as dicts."""
    return {
        "type": "any",
        "serialization": {"type": "function-plain", "function": _not_fields},
        **{k: schema[k] for k in ("ref", "metadata") if k in schema},
    }


def _computing(getters: list[tuple[str, Any]]) -> Any:
    def serialise(data: Any, handler: Any) -> Any:
        if isinstance(data, dict):
            values = _Attributes(data)
            data = {**data, **{name: getter(values) for name, getter in getters}}
        return handler(data)

    return serialise


class _Attributes:
    """A dict's values as attributes, for a computed field's property to read."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None
