"""The incident taxonomy (and, in later steps, incidents themselves).

Categories form an editable tree with Swedish names. Each may be mapped to the police events
feed's ``type`` values, so imported police events land in the right category, and to a UNODC
ICCS level-1 section, so counts can be compared with international statistics.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IccsSection(models.TextChoices):
    """UNODC International Classification of Crime for Statistical Purposes, level 1."""

    S01 = "01", _("01 Acts leading to death or intending to cause death")
    S02 = "02", _("02 Acts causing harm or intending to cause harm to the person")
    S03 = "03", _("03 Injurious acts of a sexual nature")
    S04 = "04", _("04 Acts against property involving violence or threat against a person")
    S05 = "05", _("05 Acts against property only")
    S06 = "06", _("06 Acts involving controlled drugs or other psychoactive substances")
    S07 = "07", _("07 Acts involving fraud, deception or corruption")
    S08 = "08", _("08 Acts against public order, authority and provisions of the State")
    S09 = "09", _("09 Acts against public safety and state security")
    S10 = "10", _("10 Acts against the natural environment")
    S11 = "11", _("11 Other criminal acts not elsewhere classified")


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)

    def roots(self) -> CategoryQuerySet:
        return self.filter(parent__isnull=True)

    def for_police_type(self, event_type: str) -> Category | None:
        """The active category a police event type is mapped to, if any."""
        wanted = event_type.strip().lower()
        for category in self.active().exclude(police_event_types=[]):
            if wanted in (t.strip().lower() for t in category.police_event_types):
                return category
        return None


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Short stable identifier used in imports and the API, e.g. “klotter”."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    police_event_types = models.JSONField(
        _("police event types"),
        default=list,
        blank=True,
        help_text=_("Values of “type” in the police events feed that belong here."),
    )
    iccs_section = models.CharField(
        _("ICCS section"), max_length=2, choices=IccsSection.choices, blank=True
    )
    is_crime = models.BooleanField(
        _("is a crime"),
        default=True,
        help_text=_("Off for observations that are not crimes, e.g. gatherings or unsafe places."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_under_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.police_event_types, list) or not all(
            isinstance(t, str) for t in self.police_event_types
        ):
            raise ValidationError(
                {"police_event_types": _('Give a list of event type names, e.g. ["Rån"].')}
            )
        self.police_event_types = [t.strip() for t in self.police_event_types if t.strip()]
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot lie inside itself.")})
            node = node.parent
        if self.police_event_types:
            taken = {t.lower() for t in self.police_event_types}
            for other in Category.objects.exclude(pk=self.pk).exclude(police_event_types=[]):
                clash = taken & {t.lower() for t in other.police_event_types}
                if clash:
                    raise ValidationError(
                        {
                            "police_event_types": _(
                                "“%(type)s” is already mapped to the category %(other)s."
                            )
                            % {"type": sorted(clash)[0], "other": other.name}
                        }
                    )

    def descendant_ids(self) -> set[int]:
        """This category and every category below it."""
        links = Category.objects.values_list("id", "parent_id")
        children: dict[int | None, list[int]] = {}
        for child, parent in links:
            children.setdefault(parent, []).append(child)
        found = {self.pk}
        stack = list(children.get(self.pk, ()))
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(children.get(node, ()))
        return found
