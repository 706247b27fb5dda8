"""Tree pickers: choosing areas or categories from a nested list with a filter box.

A flat ``<select multiple>`` of a few hundred areas needs Ctrl-click and scrolling and hides
where each area sits. These widgets render the choices as nested lists of radio buttons
(one choice) or checkboxes (several), each under its parent, so the form works as plain HTML.
A search box, shown by ``static/trygg/tree-picker.js`` when scripts run, hides the branches
whose names do not match.

The form tells the widget each choice's parent: ``widget.parents = {pk: parent_pk}``; a choice
whose parent is not among the choices is a top of the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


class _TreeMixin:
    input_type: str
    parents: Mapping[int, int | None]
    choices: Any

    def render_tree(self, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        selected.discard("None")
        base_id = (attrs or {}).get("id") or f"id_{name}"
        labels: dict[str, str] = {}
        order: list[str] = []
        for choice_value, label in self.choices:
            key = str(getattr(choice_value, "value", choice_value))
            if key == "":
                continue
            labels[key] = str(label)
            order.append(key)
        parents = {str(k): (None if v is None else str(v)) for k, v in self.parents.items()}
        children: dict[str | None, list[str]] = {}
        for key in order:
            parent = parents.get(key)
            children.setdefault(parent if parent in labels else None, []).append(key)
        required = (attrs or {}).get("required") and self.input_type == "radio"

        def branch(parent: str | None) -> SafeString:
            items = []
            for key in children.get(parent, []):
                sub = branch(key) if key in children else mark_safe("")
                items.append(
                    format_html(
                        '<li><label><input type="{}" name="{}" value="{}" id="{}_{}"{}{}> '
                        "<span>{}</span></label>{}</li>",
                        self.input_type,
                        name,
                        key,
                        base_id,
                        key,
                        mark_safe(" checked") if key in selected else "",
                        mark_safe(" required") if required else "",
                        labels[key],
                        sub,
                    )
                )
            return format_html("<ul>{}</ul>", mark_safe("".join(items)))

        return format_html(
            '<div class="tree-picker" data-tree-picker id="{}">'
            '<p class="tree-picker__filter" hidden><label for="{}_filter">{}</label>'
            '<input type="search" id="{}_filter" data-tree-filter autocomplete="off"></p>'
            "{}</div>",
            base_id,
            base_id,
            _("Filter by name"),
            base_id,
            branch(None),
        )


class TreeRadioSelect(_TreeMixin, forms.RadioSelect):
    """One choice from a tree (a ModelChoiceField)."""

    input_type = "radio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parents = {}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return self.render_tree(name, value, self.build_attrs(self.attrs, attrs))


class TreeCheckboxSelect(_TreeMixin, forms.CheckboxSelectMultiple):
    """Several choices from a tree (a ModelMultipleChoiceField)."""

    input_type = "checkbox"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parents = {}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return self.render_tree(name, value, self.build_attrs(self.attrs, attrs))


def set_parents(field: forms.Field, links: Mapping[int, int | None]) -> None:
    """Tell a tree field's widget where each choice sits."""
    widget = field.widget
    if isinstance(widget, TreeRadioSelect | TreeCheckboxSelect):
        widget.parents = dict(links)


__all__ = ["TreeCheckboxSelect", "TreeRadioSelect", "set_parents"]
