"""Official statistics: named series of figures per area, optional category and period.

A council compares its own incident reports with what others publish: the police's reported
crimes per reporting year, the city's trygghetsmätning (the share who feel unsafe), rates per
1,000 inhabitants. A :class:`StatisticSeries` is one such table (its name, source and unit);
each :class:`StatisticValue` is one figure in it for an area, optionally a category, and a
period stored as its kind and inclusive dates (see ``trygg.lib.periods``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from trygg.lib.periods import DEFAULT_FIRST_MONTH, KIND_LABELS, Period, PeriodKind
from trygg.lib.safetext import SafeCharField, SafeSlugField, SafeTextField

VALUE_DIGITS = 16
VALUE_DECIMALS = 4


class Unit(models.TextChoices):
    ANTAL = "antal", _("count")
    ANDEL = "andel", _("percent")
    PER_1000 = "per_1000", _("per 1,000 inhabitants")


class StatisticSeriesQuerySet(models.QuerySet["StatisticSeries"]):
    def by_name_or_code(self, text: str) -> StatisticSeries | None:
        """The series a person means by its name or its code (case-insensitive)."""
        text = text.strip()
        if not text:
            return None
        return self.filter(name__iexact=text).first() or self.filter(code__iexact=text).first()


class StatisticSeries(models.Model):
    name = SafeCharField(_("name"), max_length=200, unique=True)
    code = SafeSlugField(
        _("code"),
        max_length=80,
        unique=True,
        allow_unicode=False,
        help_text=_("Short stable identifier used in imports and the API."),
    )
    source = SafeCharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Who publishes the figures, e.g. “Polisen, anmälda brott”."),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.ANTAL)
    description = SafeTextField(_("description"), blank=True)
    default_category = models.ForeignKey(
        "incidents.Category",
        verbose_name=_("default category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The category the whole series is about, for values that name none."),
    )
    is_demo = models.BooleanField(
        _("demo figures"),
        default=False,
        help_text=_("Made-up figures for the demo, not published statistics."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatisticSeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics series")
        verbose_name_plural = _("statistics series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StatisticValueQuerySet(models.QuerySet["StatisticValue"]):
    def for_table(self) -> StatisticValueQuerySet:
        return self.select_related("series", "area", "category").order_by(
            "series__name", "area__name", "category__name", "period_start", "period_kind"
        )


class StatisticValue(models.Model):
    series = models.ForeignKey(
        StatisticSeries,
        verbose_name=_("series"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="statistic_values",
    )
    category = models.ForeignKey(
        "incidents.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistic_values",
    )
    period_kind = models.CharField(
        _("kind of period"),
        max_length=20,
        choices=[(kind.value, KIND_LABELS[kind]) for kind in PeriodKind],
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    note = SafeTextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatisticValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics value")
        verbose_name_plural = _("statistics values")
        ordering = ["series", "area", "category", "period_start"]
        # Two partial constraints rather than one, because NULLs are distinct in a unique
        # constraint: a value without category must be unique among values without category.
        constraints = [
            models.UniqueConstraint(
                fields=["series", "area", "category", "period_kind", "period_start"],
                condition=models.Q(category__isnull=False),
                name="statistic_value_unique_with_category",
            ),
            models.UniqueConstraint(
                fields=["series", "area", "period_kind", "period_start"],
                condition=models.Q(category__isnull=True),
                name="statistic_value_unique_without_category",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="statistic_value_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=Decimal(0)),
                name="statistic_value_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["area", "period_start"])]

    def __str__(self) -> str:
        return f"{self.series}: {self.area}, {self.period.label} = {self.value}"

    @property
    def period(self) -> Period:
        return stored_period(self.period_kind, self.period_start, self.period_end)


def stored_period(kind: str, start: date, end: date) -> Period:
    """The :class:`Period` a value's kind and dates describe (its key and label)."""
    period_kind = PeriodKind(kind)
    # A reporting year remembers its first month only through its first day.
    first_month = start.month if period_kind is PeriodKind.REPORTING_YEAR else DEFAULT_FIRST_MONTH
    return Period(start, end, period_kind, first_month)
