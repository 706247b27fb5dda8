"""Edits that know what they overwrite: versions, ETags and ``If-Match`` for the API.

A model that is edited through the API keeps a ``version`` counter that its writes raise by
one under the row lock. The API hands the version out as the ``ETag`` of a resource and takes
it back in ``If-Match``: an update whose ``If-Match`` names no version the row still has is
refused with 412 rather than overwriting a change the client never saw; ``EditedSinceForm``
does the same for the pages' model forms with the row's ``updated_at``. Writes that lock the
row themselves take the expected version and raise ``StaleVersion``; ``VersionedUpdates``
turns that into the 412 answer, and checks it under the lock itself for models whose writes
do not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
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
        # The body is validated first (a malformed request is 400 whatever version it names);
        # the version is compared when the valid change is written, under the row lock, and a
        # stale one answers 412 with nothing written.
        self._expected_version = if_match_version(request)
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


# Forms ---------------------------------------------------------------------------------


def _stamp(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _shown(row: models.Model | None, name: str) -> str:
    if row is None:
        return str(_("unknown"))
    value = getattr(row, name, None)
    display = getattr(row, f"get_{name}_display", None)
    if display is not None:
        value = display()
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


class EditedSinceForm(forms.ModelForm):
    """A model form for rows with ``updated_at`` (and history) that knows what it overwrites.

    It carries, hidden, the ``updated_at`` of the row it was opened at. ``save_unless_changed``
    locks the row and saves only if it has not been saved since; otherwise it saves nothing,
    lists in ``changes_since_opened`` (label, then, now) what changed, from the history row of
    the opened version, keeps what was typed and carries the row's new stamp, so that the next
    submit saves knowingly. Without a stamp (a form opened before this existed, or a new row)
    it saves as a plain model form.
    """

    opened_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.changes_since_opened: list[tuple[str, str, str]] | None = None
        if self.instance.pk is not None and not self.is_bound:
            self.initial["opened_at"] = _stamp(getattr(self.instance, "updated_at", None))

    def save_unless_changed(self) -> models.Model | None:
        opened = self.cleaned_data.get("opened_at") or ""
        if self.instance.pk is None or not opened:
            return self.save()
        model = type(self.instance)
        with transaction.atomic():
            current = model._default_manager.select_for_update().get(pk=self.instance.pk)
            now = _stamp(current.updated_at)
            if now == opened:
                return self.save()
        self.changes_since_opened = self._changes(current, opened)
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        if not isinstance(self.data, QueryDict):
            data.update(self.data)
        data[self.add_prefix("opened_at")] = now
        self.data = data
        self.add_error(
            None,
            _(
                "Someone else saved this after you opened it. Your changes have not been "
                "saved: check what changed, then save again."
            ),
        )
        return None

    def _changes(self, current: models.Model, opened: str) -> list[tuple[str, str, str]]:
        history = getattr(current, "history", None)
        then = None
        if history is not None:
            try:
                moment = dt.datetime.fromisoformat(opened)
            except ValueError:
                moment = None
            if moment is not None:
                then = history.filter(updated_at=moment).order_by("-history_date").first()
        changes = []
        for name, field in self.fields.items():
            try:
                model_field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many or model_field.one_to_many:
                continue  # history keeps no many-to-many values
            before, after = _shown(then, name), _shown(current, name)
            if before != after:
                changes.append((str(field.label or name), before, after))
        return changes
