"""Areas: kommun › stadsdelsområde › stadsdel › plats, with boundaries and police classification.

Every scoped query in Trygg starts from an area subtree, so the hierarchy lives here on the
floor of the dependency graph; nothing in this app knows about users or incidents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.lib.geo import GeometryError, clean_boundary
from trygg.lib.safetext import SafeCharField, SafeTextField
from trygg.lib.tree import Tree


class AreaKind(models.TextChoices):
    # Ordered from the widest to the most specific level.
    LAND = "land", _("country")
    LAN = "lan", _("county")
    KOMMUN = "kommun", _("municipality")
    STADSDELSOMRADE = "stadsdelsomrade", _("city district")
    STADSDEL = "stadsdel", _("neighbourhood")
    PLATS = "plats", _("place")

    @classmethod
    def rank(cls, kind: str) -> int:
        return list(cls.values).index(kind)


class PoliceClassification(models.TextChoices):
    UTSATT = "utsatt", _("vulnerable area")
    RISK = "risk", _("risk area")
    SARSKILT_UTSATT = "sarskilt_utsatt", _("particularly vulnerable area")


class AreaTree(Tree):
    """The parent links of all areas, loaded once per request (see ``trygg.lib.tree``)."""

    @classmethod
    def load(cls) -> AreaTree:
        return cls(Area.objects.values_list("id", "parent_id"))


class AreaQuerySet(models.QuerySet["Area"]):
    def roots(self) -> AreaQuerySet:
        return self.filter(parent__isnull=True)

    def within(self, roots: Iterable[Area | int], tree: AreaTree | None = None) -> AreaQuerySet:
        """The given areas and everything below them."""
        tree = tree or AreaTree.load()
        ids = [r.pk if isinstance(r, Area) else r for r in roots]
        return self.filter(pk__in=tree.subtrees(ids))

    def with_boundary(self) -> AreaQuerySet:
        return self.exclude(geometry__isnull=True)

    def classified(self) -> AreaQuerySet:
        return self.exclude(police_classification="")


class Area(models.Model):
    name = SafeCharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = SafeCharField(
        _("code"),
        max_length=32,
        blank=True,
        help_text=_("Official code where there is one, e.g. the municipality code 0180."),
    )
    geometry = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("GeoJSON Polygon or MultiPolygon in WGS84 (longitude, latitude)."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    comparison_group = models.ForeignKey(
        "places.ComparisonGroup",
        verbose_name=_("comparison group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="named_by",
        help_text=_(
            "The group of similar areas this area's rates are compared with, e.g. SKR's "
            "municipality group “Storstäder”."
        ),
    )
    police_classification = models.CharField(
        _("police classification"),
        max_length=20,
        choices=PoliceClassification.choices,
        blank=True,
    )
    classification_year = models.PositiveSmallIntegerField(
        _("classification year"), null=True, blank=True
    )
    description = SafeTextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="area_unique_name_under_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="area_unique_root_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(police_classification="")
                | models.Q(classification_year__isnull=True),
                name="area_classification_year_needs_classification",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.geometry is not None:
            try:
                self.geometry = clean_boundary(self.geometry).geojson
            except GeometryError as error:
                errors["geometry"] = str(error)
        if self.parent_id is not None:
            if self.pk is not None and (
                self.parent_id == self.pk or self.pk in AreaTree.load().ancestors(self.parent_id)
            ):
                errors["parent"] = _("An area cannot lie inside itself.")
            elif self.parent and AreaKind.rank(self.parent.kind) > AreaKind.rank(self.kind):
                errors["parent"] = _("A %(kind)s cannot lie inside a %(parent)s.") % {
                    "kind": self.get_kind_display(),
                    "parent": self.parent.get_kind_display(),
                }
        if self.police_classification and not self.classification_year:
            errors["classification_year"] = _("Give the year the classification applies.")
        if not self.police_classification and self.classification_year:
            errors["police_classification"] = _("A classification year needs a classification.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_boundary(self) -> bool:
        return self.geometry is not None


class Population(models.Model):
    """The number of inhabitants of an area in a year (SCB: at 31 December of the year).

    ``Area.population`` stays the latest figure (the per-1,000 rates use it); an import of
    population rows updates it when it brings a newer year.
    """

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))
    source = SafeCharField(_("source"), max_length=200, blank=True)
    is_demo = models.BooleanField(
        _("demo figures"),
        default=False,
        help_text=_("Made-up figures for the demo, not published statistics."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["area__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="population_unique_area_year")
        ]

    def __str__(self) -> str:
        return f"{self.area}, {self.year}: {self.population}"


class ComparisonGroup(models.Model):
    """A named set of areas whose rates an area is compared with (e.g. SKR's "Storstäder")."""

    name = SafeCharField(_("name"), max_length=200, unique=True)
    description = SafeTextField(_("description"), blank=True)
    source = SafeCharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the grouping comes from, e.g. “SKR:s kommungruppsindelning 2023”."),
    )
    members = models.ManyToManyField(
        Area, verbose_name=_("members"), related_name="comparison_groups", blank=True
    )
    is_demo = models.BooleanField(_("demo"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
