"""A small JSON Schema (2020-12 subset) validator for the tests, so the OpenAPI document is checked
without a new dependency. It refuses keywords it does not know instead of ignoring them."""

from __future__ import annotations

import re
from typing import Any

KNOWN = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "minLength",
    "maxLength",
    "maxItems",
    "minItems",
    "pattern",
    "anyOf",
    "not",
    "minimum",
    "$ref",
    "description",
    "deprecated",
    "contentEncoding",
}
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


class SchemaError(AssertionError):
    pass


def _type_ok(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    unknown = set(schema) - KNOWN
    if unknown:
        raise SchemaError(f"{path}: validator does not support {sorted(unknown)}")
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        validate(value, target, root, path)
        return
    if "anyOf" in schema and not any(_valid(value, s, root) for s in schema["anyOf"]):
        raise SchemaError(f"{path}: matches none of anyOf")
    if "not" in schema and _valid(value, schema["not"], root):
        raise SchemaError(f"{path}: matches the schema under 'not'")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(value, t) for t in types):
            raise SchemaError(f"{path}: {value!r:.60} is not {types}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaError(f"{path}: {value!r} not in enum")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            raise SchemaError(f"{path}: too short")
        if len(value) > schema.get("maxLength", float("inf")):
            raise SchemaError(f"{path}: too long")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            raise SchemaError(f"{path}: does not match {schema['pattern']!r}")
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value < schema.get("minimum", float("-inf"))
    ):
        raise SchemaError(f"{path}: below minimum")
    if isinstance(value, list):
        if len(value) > schema.get("maxItems", float("inf")):
            raise SchemaError(f"{path}: too many items")
        if len(value) < schema.get("minItems", 0):
            raise SchemaError(f"{path}: too few items")
        if "items" in schema:
            for n, item in enumerate(value):
                validate(item, schema["items"], root, f"{path}[{n}]")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                raise SchemaError(f"{path}: missing {key!r}")
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                validate(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties", True) is False:
                raise SchemaError(f"{path}: unexpected {key!r}")


def _valid(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    try:
        validate(value, schema, root)
    except SchemaError:
        return False
    return True
