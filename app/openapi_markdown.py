"""`openapi.md`: the live OpenAPI document rendered as Markdown (CI fails when it is stale)."""

import json
from typing import Any

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def render_openapi_markdown() -> str:
    from app.main import create_app
    from app.settings import Settings

    spec = create_app(Settings(database_url="postgresql://unused/unused")).openapi()
    out = [
        f"# {spec['info']['title']} {spec['info']['version']}",
        "",
        "Generated from the live OpenAPI document by `partnership-api openapi`; do not edit.",
        "The machine-readable document is served at `/openapi.json`, browsable at `/docs`.",
        "",
    ]
    operations: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                op = item[method]
                operations.setdefault(op.get("tags", ["other"])[0], []).append((method, path, op))
    for tag in spec.get("tags", []):
        ops = operations.get(tag["name"], [])
        if not ops:
            continue
        out += [f"## {tag['name']}", "", tag.get("description", ""), ""]
        for method, path, op in ops:
            out += _operation(method, path, op)
    headers = spec["components"].get("headers", {})
    if headers:
        out += ["## Headers", ""]
        for name, header in headers.items():
            out += _header(name, header)
    out += ["## Schemas", ""]
    for name, schema in sorted(spec["components"]["schemas"].items()):
        out += _schema(name, schema)
    return "\n".join(out).rstrip() + "\n"


def _operation(method: str, path: str, op: dict[str, Any]) -> list[str]:
    lines = [
        f"### `{method.upper()} {path}`",
        "",
        f"`{op['operationId']}`: {op.get('summary', '')}",
    ]
    if op.get("description"):
        lines += ["", op["description"]]
    params = op.get("parameters", [])
    if params:
        lines += ["", "| parameter | in | type | required | description |", "|---|---|---|---|---|"]
        for p in params:
            lines.append(
                f"| `{p['name']}` | {p['in']} | {_type(p.get('schema', {}))} | "
                f"{'yes' if p.get('required') else 'no'} | {p.get('description', '')} |"
            )
    body = op.get("requestBody")
    if body:
        for media, content in body["content"].items():
            lines += ["", f"Request body ({media}): {_type(content.get('schema', {}))}"]
    responses = op.get("responses", {})
    lines += ["", "| status | description | headers | body |", "|---|---|---|---|"]
    for status, response in responses.items():
        content = response.get("content", {})
        shown = ", ".join(f"{m}: {_type(c.get('schema', {}))}" for m, c in content.items())
        own = [
            f"`{name}`" + ("" if header.get("required") else " (optional)")
            for name, header in response.get("headers", {}).items()
            if "$ref" not in header
        ]
        lines.append(
            f"| {status} | {response.get('description', '')} | {', '.join(own)} | {shown} |"
        )
    shared = sorted(
        {
            name
            for response in responses.values()
            for name, header in response.get("headers", {}).items()
            if "$ref" in header
        }
    )
    if shared:
        lines += ["", "Every answer may carry " + ", ".join(f"`{n}`" for n in shared) + "."]
    return [*lines, ""]


def _header(name: str, header: dict[str, Any]) -> list[str]:
    return [f"### {name}", "", f"{_type(header.get('schema', {}))}: {header['description']}", ""]


def _schema(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"### {name}", ""]
    if schema.get("description"):
        lines += [schema["description"].strip().splitlines()[0], ""]
    if "enum" in schema:
        return [*lines, "One of: " + ", ".join(f"`{v}`" for v in schema["enum"]), ""]
    required = set(schema.get("required", []))
    props = schema.get("properties", {})
    if props:
        lines += ["| field | type | required | description |", "|---|---|---|---|"]
        for field, prop in props.items():
            lines.append(
                f"| `{field}` | {_type(prop)} | {'yes' if field in required else 'no'} | "
                f"{prop.get('description', '')} |"
            )
    examples = schema.get("examples")
    if examples:
        lines += [
            "",
            "Example:",
            "",
            "```json",
            json.dumps(examples[0], indent=2, ensure_ascii=False),
            "```",
        ]
    return [*lines, ""]


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " \\| ".join(_type(s) for s in schema[key])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)
