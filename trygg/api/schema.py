"""The OpenAPI schema's own rules: every operation lists the errors it can answer.

``AutoSchema`` is drf-spectacular's with these additions, so that the schema says what the API
answers rather than only its successes:

- Each operation documents its error responses with their bodies: 400 (what was refused,
  field by field) where the operation takes a body or query parameters, 401 (no or a bad
  token), 403 (the user's roles do not allow it), 404 (not found or not visible to the user;
  on a list, a page past the last), 413 (a body too large), 415 (a body in a media type the
  operation does not take) and 429 (too many requests, with ``Retry-After``). A response an
  operation declares itself (``@extend_schema(responses=…)``) is kept as it is.
- An optional query parameter given empty (``?start=``) is as if it were not given, as every
  view treats it (``allowEmptyValue``).
- An integer query parameter states its bounds: pages from 1, page sizes from 1 to the
  paginator's maximum, ids from 0 to the largest bigint, unless the parameter states its own.
- A read-only field answers what its model field may hold: blank (``""``, also outside an
  enum or a format such as ``email`` or ``uri``) where the model field is ``blank``, and
  ``null`` where it is ``null``. DRF drops ``allow_blank`` from read-only model fields, and a
  declared read-only field (e.g. a ``StringRelatedField``) knows neither.
- A path's ``{id}`` is typed from the serializer's model when the view's queryset cannot be
  obtained without a request (every viewset scopes its queryset to the signed-in user), so
  generating the schema neither needs a database nor warns.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field as ModelField
from django.db.models import Model
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error: `detail` says what went wrong, in the request's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "What was refused: each refused field (or parameter) with a list of messages, "
        "`non_field_errors` for what concerns several fields, or `detail` for a request that "
        "could not be read (e.g. malformed JSON)."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
    "example": {"area": ["Ange ett område eller en punkt (latitud och longitud)."]},
}
COMPONENTS = {"Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA}

ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("ValidationError", "The request was refused: see the messages."),
    "401": ("Error", "No credentials, or a token that is not valid."),
    "403": ("Error", "The user's roles do not allow this."),
    "404": ("Error", "Not found, or not visible to the user."),
    "413": ("Error", "The body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE)."),
    "415": ("Error", "The body is in a media type the operation does not take."),
    "429": ("Error", "Too many requests; try again after `Retry-After` seconds."),
}
WRITE_METHODS = {"POST", "PUT", "PATCH"}
# The largest id (a bigint) and the largest count or page number a query may give.
MAX_ID = 2**63 - 1
MAX_COUNT = 2**31 - 1
BLANK_STRING = {"type": "string", "maxLength": 0}


class AutoSchema(openapi.AutoSchema):
    def _integer_bounds(self, name: str) -> dict[str, int]:
        """What the bounded query parser takes for an integer parameter that does not state
        its own bounds: pages from 1, page sizes from 1 to the paginator's maximum, ids from 0
        (0 names no row and selects nothing) to the largest id."""
        paginator = self._get_paginator() if self._is_list_view() else None
        if paginator is not None and name == getattr(paginator, "page_query_param", None):
            return {"minimum": 1, "maximum": MAX_COUNT}
        if paginator is not None and name == getattr(paginator, "page_size_query_param", None):
            maximum = getattr(paginator, "max_page_size", None) or MAX_COUNT
            return {"minimum": 1, "maximum": maximum}
        return {"minimum": 0, "maximum": MAX_ID}

    def _error_codes(self, parameters: list[dict[str, Any]]) -> list[str]:
        codes = ["401", "403", "429"]
        query = [p for p in parameters if p.get("in") == "query"]
        if self.method in WRITE_METHODS or query:
            codes.append("400")
        # Not found, not visible (a path's or a parameter's object), or a page past the last.
        codes.append("404")
        if self.method in WRITE_METHODS:
            codes += ["413", "415"]
        return sorted(codes)

    def _error_response(self, code: str) -> dict[str, Any]:
        name, description = ERROR_RESPONSES[code]
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": component.ref}},
        }
        if code == "429":
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before the next request.",
                    "schema": {"type": "integer"},
                }
            }
        return response

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter.get("in") != "query":
                continue
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            # A copy: a view's parameter may share its schema dict with others.
            schema = parameter["schema"] = copy.deepcopy(parameter.get("schema", {}))
            number = schema.get("items", schema) if schema.get("type") == "array" else schema
            if number.get("type") == "integer":
                for bound, value in self._integer_bounds(parameter["name"]).items():
                    number.setdefault(bound, value)
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation.get("parameters", [])):
            responses.setdefault(code, self._error_response(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(
        self, field: serializers.Field, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any] | None:
        with _as_the_model_has_it(field):
            return super()._map_serializer_field(field, direction, bypass_extensions)

    def _insert_field_validators(self, field: serializers.Field, schema: dict[str, Any]) -> None:
        with _as_the_model_has_it(field):
            super()._insert_field_validators(field, schema)
        # drf-spectacular offers a blank e-mail or URL as oneOf [format, empty]; a validator
        # that does not check the format finds "" valid under both, so say anyOf.
        if schema.get("oneOf", [None])[-1] == BLANK_STRING:
            schema["anyOf"] = schema.pop("oneOf")

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        if getattr(self.view, "queryset", None) is None:
            model = self._serializer_model()
            if model is not None:
                # Only on this schema-generation instance of the view; requests never see it.
                self.view.queryset = model._default_manager.none()
        return super()._resolve_path_parameters(variables)

    def _serializer_model(self) -> type[Model] | None:
        get_class = getattr(self.view, "get_serializer_class", None)
        if get_class is None:
            return None
        try:
            serializer_class = get_class()
        except Exception:  # a view whose serializer depends on the request
            return None
        return getattr(getattr(serializer_class, "Meta", None), "model", None)


@contextmanager
def _as_the_model_has_it(field: serializers.Field) -> Iterator[None]:
    """While the schema of a read-only field is made, allow blank and null as its model field
    does (only on this schema-generation instance of the field)."""
    model_field = _read_only_model_field(field)
    changed: list[str] = []
    if model_field is not None:
        if model_field.null and not field.allow_null:
            changed.append("allow_null")
        if model_field.blank and getattr(field, "allow_blank", True) is False:
            changed.append("allow_blank")
    for name in changed:
        setattr(field, name, True)
    try:
        yield
    finally:
        for name in changed:
            setattr(field, name, False)


def _read_only_model_field(field: serializers.Field) -> ModelField | None:
    """The model field a read-only serializer field shows directly, if there is one."""
    parent = getattr(field, "parent", None)
    if not field.read_only or not isinstance(parent, serializers.ModelSerializer):
        return None
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        found = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, ModelField) else None
