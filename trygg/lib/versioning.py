"""Edits that know what they overwrite: versions, ETags and ``If-Match`` for the API.

A model that is edited through the API keeps a ``version`` counter that its writes raise by
one under the row lock. The API hands the version out as the ``ETag`` of a resource and takes
it back in ``If-Match``: an update whose ``If-Match`` names no version the row still has is
refused with 412 rather than overwriting a change the client never saw. Writes that lock the
row themselves take the expected version and raise ``StaleVersion``; ``VersionedUpdates``
turns that into the 412 answer, and checks it under the lock itself for models whose writes
do not.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer


class StaleVersion(Exception):
    """The row changed since the version the writer read; nothing was written."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(f"expected version {expected}, the row has {current}")
        self.expected = expected
        self.current = current


def check_version(current: int, expected: int | None) -> None:
    """Raise StaleVersion unless ``expected`` is None (no condition) or the current version."""
    if expected is not None and expected != current:
        raise StaleVersion(expected, current)


def etag(version: int) -> str:
    return f'"{version}"'


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The resource has changed since you read it. Fetch it again and make your change there."
    )
    default_code = "precondition_failed"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with data that is already stored.")
    default_code = "conflict"


# What If-Match names when no version can match: any value that is not a stored version.
NO_VERSION = -1


def if_match_version(request: Request) -> int | None:
    """The version an ``If-Match`` header asks for: None without one (or with ``*``), and
    NO_VERSION when it names only tags that are not versions of this resource."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    versions = []
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tag = tag.strip('"')
        if tag.isdigit():
            versions.append(int(tag))
    # A client sends the one tag it read; of several, any stored one would do, and only the
    # newest can still be stored.
    return max(versions) if versions else NO_VERSION


class VersionedUpdates:
    """A mixin for model viewsets (before ``UpdateModelMixin``) of models with a ``version``.

    Retrieve and update answer with the version as ``ETag``. An update with ``If-Match``
    hands the expected version to the serializer's ``save`` as ``expected_version`` when
    ``checks_version_itself`` (the serializer's write locks the row, compares and raises the
    version, see ``check_version``); otherwise the row is locked and compared here, and the
    model serializer saves it with the next version in the same transaction. Without
    ``If-Match`` updates behave as before.
    """

    checks_version_itself = False
    request: Request

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        version = getattr(self, "_answered_version", None)
        if version is not None:
            response["ETag"] = etag(version)
        return response

    def get_serializer(self, *args: Any, **kwargs: Any) -> BaseSerializer:
        serializer: BaseSerializer = super().get_serializer(*args, **kwargs)  # type: ignore[misc]
        instance = args[0] if args else kwargs.get("instance")
        if isinstance(instance, models.Model):
            self._answered_version = getattr(instance, "version", None)
        return serializer

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected = if_match_version(request)
        if expected is not None:
            # Refuse a stale edit before reading its body; the write checks again under lock.
            current = self.get_object()  # type: ignore[attr-defined]  # GenericAPIView's
            if current.version != expected:
                raise PreconditionFailed
        self._expected_version = expected
        response: Response = super().update(request, *args, **kwargs)  # type: ignore[misc]
        saved = getattr(self, "_saved_version", None)
        if saved is not None:
            response["ETag"] = etag(saved)
        return response

    def perform_update(self, serializer: BaseSerializer) -> None:
        expected = getattr(self, "_expected_version", None)
        try:
            if self.checks_version_itself:
                instance = serializer.save(expected_version=expected)
            else:
                with transaction.atomic():
                    model = type(serializer.instance)
                    locked = model._default_manager.select_for_update().get(
                        pk=getattr(serializer.instance, "pk", None)
                    )
                    check_version(locked.version, expected)
                    instance = serializer.save(version=locked.version + 1)
        except StaleVersion:
            raise PreconditionFailed from None
        self._saved_version = getattr(instance, "version", None)
