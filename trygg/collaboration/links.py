"""What an agenda item may link to: agreements today, lägesbilder, problems and measures later.

Each kind of target is registered once with the function that lists the records a user may
see. Trygg's own app registers agreements here; an app that ships a linkable record (e.g.
``trygg.reports`` with ``SituationReport``) calls ``register_link_target`` in its
``AppConfig.ready``. A link is stored as a content type and an id on ``AgendaItem`` and shown
in forms as one choice, ``"<app_label>.<model>:<id>"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trygg.accounts.models import AnyUser

Visible = Callable[[AnyUser], QuerySet]


@dataclass(frozen=True)
class LinkTarget:
    label: str  # "app_label.model"
    name: str | Promise
    visible: Visible


_TARGETS: dict[str, LinkTarget] = {}


def register_link_target(label: str, name: str | Promise, visible: Visible) -> None:
    _TARGETS[label.lower()] = LinkTarget(label.lower(), name, visible)


def link_targets() -> list[LinkTarget]:
    """The registered targets (each app registers its own when Django starts)."""
    return list(_TARGETS.values())


def choice_key(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def link_choices(user: AnyUser) -> list[tuple[str, object]]:
    """Grouped choices for a form: one group per target kind, the records the user may see."""
    choices: list[tuple[str, object]] = [("", _("– nothing –"))]
    for target in link_targets():
        records = [(choice_key(obj), str(obj)) for obj in target.visible(user)[:500]]
        if records:
            choices.append((str(target.name), records))
    return choices


def resolve(key: str, user: AnyUser) -> Model | None:
    """The record a choice key names, if the user may see it; None for an empty key."""
    if not key:
        return None
    label, _sep, pk = key.partition(":")
    target = _TARGETS.get(label)
    if target is None or not pk.isdigit():
        raise LookupError(key)
    found = target.visible(user).filter(pk=int(pk)).first()
    if found is None:
        raise LookupError(key)
    return found


def link_fields(obj: Model | None) -> dict[str, object]:
    """Field values for AgendaItem's generic link."""
    if obj is None:
        return {"linked_type": None, "linked_id": None}
    return {"linked_type": ContentType.objects.get_for_model(obj), "linked_id": obj.pk}


def _visible_agreements(user: AnyUser) -> QuerySet:
    from trygg.collaboration.permissions import visible_agreements

    return visible_agreements(user).order_by("-scope", "title")


register_link_target("collaboration.agreement", _("Agreements"), _visible_agreements)
