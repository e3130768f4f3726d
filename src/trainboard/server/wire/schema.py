"""JSON schemas of the wire models, by pydantic (imported here only, when the document is built)."""

from __future__ import annotations

from typing import Any

from trainboard.server.wire import Model

__all__ = ["REF_TEMPLATE", "resolve_models"]

REF_TEMPLATE = "#/components/schemas/{model}"


def _collect(node: Any, found: list[Any]) -> None:
    if isinstance(node, Model):
        if node.model not in found:
            found.append(node.model)
    elif isinstance(node, dict):
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, found)


def _replace(node: Any, refs: dict[int, Any]) -> Any:
    if isinstance(node, Model):
        return refs[id(node.model)]
    if isinstance(node, dict):
        return {key: _replace(value, refs) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace(value, refs) for value in node]
    return node


def resolve_models(
    paths: dict[str, Any], extra: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``paths`` with every :class:`Model` replaced by a ``$ref``, and the schemas they name.

    ``extra`` adds schemas that no route answers with on its own but the front end reads
    (a binary answer's header, a ``Literal`` such as ``Kind``), under the given names.
    Objects with named fields are closed (``additionalProperties: false``): a field the
    models do not declare is not part of the contract.
    """
    from pydantic import TypeAdapter

    models: list[Any] = []
    _collect(paths, models)
    keys: list[tuple[object, Any]] = [*enumerate(models), *extra.items()]
    schemas, definitions = TypeAdapter.json_schemas(
        [(key, "serialization", TypeAdapter(model)) for key, model in keys],
        ref_template=REF_TEMPLATE,
    )
    components: dict[str, Any] = dict(definitions.get("$defs", {}))
    for name in extra:
        schema = schemas[(name, "serialization")]
        if "$ref" not in schema:  # an alias: give it its name
            components[name] = schema
        elif schema["$ref"] != REF_TEMPLATE.format(model=name):
            raise ValueError(f"{name!r} is a class named otherwise: {schema['$ref']!r}")
    for schema in components.values():
        _close(schema)
    refs = {id(m): schemas[(i, "serialization")] for i, m in enumerate(models)}
    return _replace(paths, refs), dict(sorted(components.items()))


_SUBSCHEMA = ("items", "additionalProperties", "not")
_SUBSCHEMAS = ("anyOf", "oneOf", "allOf", "prefixItems")


def _close(schema: Any) -> None:
    """Close objects with named fields, and drop the titles pydantic derives from names."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("title"), str):
        del schema["title"]
    if "properties" in schema:
        schema.setdefault("additionalProperties", False)
        for value in schema["properties"].values():
            _close(value)
    for key in _SUBSCHEMA:
        _close(schema.get(key))
    for key in _SUBSCHEMAS:
        for value in schema.get(key, ()):
            _close(value)
