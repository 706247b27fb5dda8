"""Åtgärdsplan: a decided plan of prioritised problems, their causes and the measures against them.

A plan belongs to an area and a period. Each prioritised ``Problem`` has an orsaksanalys (its
``Cause`` records); each ``Measure`` works on one or more causes, has a responsible organisation
and contact, a traffic-light status and dated ``FollowUp`` entries. ``Evidence`` is a saved
analysis selection (areas, categories, period) that opens the Analys page. A measure may carry a
measurable target (``Indicator``) and the areas its effect is evaluated in
(``trygg.analysis.evaluation``). Writes with rules live in ``trygg.plans.actions``.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.collaboration.models import FollowUpStatus
from trygg.lib.dates import check_dates
from trygg.lib.periods import add_years
from trygg.lib.safetext import SafeCharField, SafeEmailField, SafeTextField


class PlanStatus(models.TextChoices):
    UTKAST = "utkast", _("draft")
    BESLUTAD = "beslutad", _("decided")
    ERSATT = "ersatt", _("superseded")


# Brå's traffic lights; the same words as a citizen promise's follow-up.
TrafficLight = FollowUpStatus


class MeasureKind(models.TextChoices):
    ENGANGSINSATS = "engangsinsats", _("one-off effort")
    ORDINARIE = "ordinarie", _("part of ordinary work")


class FundingState(models.TextChoices):
    PLANERAD = "planerad", _("planned")
    ANSOKT = "ansokt", _("applied for")
    BEVILJAD = "beviljad", _("granted")
    AVSLAGEN = "avslagen", _("refused")


class IndicatorKind(models.TextChoices):
    INCIDENTS = "handelser", _("incident count (areas and categories)")
    STATISTICS = "statistik", _("statistics series")
    MANUAL = "manuell", _("entered by hand")


def review_years() -> int:
    return int(getattr(settings, "TRYGG_ACTION_PLAN_REVIEW_YEARS", 2))


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def decided(self) -> ActionPlanQuerySet:
        return self.filter(status=PlanStatus.BESLUTAD)

    def not_superseded(self) -> ActionPlanQuerySet:
        """Drafts and decided plans: those whose measures are followed up."""
        return self.exclude(status=PlanStatus.ERSATT)

    def superseded_by(self, plan: ActionPlan) -> ActionPlanQuerySet:
        """The plans that deciding ``plan`` supersedes: the other decided plans of its area."""
        return self.decided().filter(area=plan.area_id).exclude(pk=plan.pk)


class ActionPlan(models.Model):
    """An åtgärdsplan for an area and a period, based on a lägesbild.

    A plan is a draft until it is decided, which only ``trygg.plans.actions.decide_plan`` does
    (it sets who decided it and when, and supersedes the area's earlier decided plan). The
    compliance checklist reads the decided plans (``ActionPlan.objects.decided()``), their
    ``decided_at`` and ``situation_report``, the approved lägesbild in Trygg the plan is based
    on. A plan based on a lägesbild kept outside Trygg names it in ``situation_report_title``
    and ``situation_report_date`` instead (it then does not fulfil the checklist's duty).
    """

    title = SafeCharField(_("title"), max_length=200)
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.UTKAST
    )
    situation_report = models.ForeignKey(
        "reports.SituationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("lägesbild"),
    )
    situation_report_title = SafeCharField(
        _("based on the lägesbild"),
        max_length=200,
        blank=True,
        help_text=_("A lägesbild kept outside Trygg, e.g. “Lägesbild 2022, Hägersten-Älvsjö”."),
    )
    situation_report_date = models.DateField(_("lägesbild approved on"), null=True, blank=True)
    decided_by = SafeCharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("The body that decided the plan, e.g. “Stadsdelsnämnden”."),
    )
    decided_at = models.DateField(_("decided on"), null=True, blank=True)
    review_on = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the default: two years after the decision."),
    )
    summary = SafeTextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    def clean(self) -> None:
        # ``decided_at`` is checked by the decision's form: the plan's own form does not show it.
        check_dates(
            events={"situation_report_date": self.situation_report_date},
            planned={
                "period_start": self.period_start,
                "period_end": self.period_end,
                "review_on": self.review_on,
            },
        )

    @property
    def is_decided(self) -> bool:
        return self.status == PlanStatus.BESLUTAD

    @property
    def is_superseded(self) -> bool:
        """Replaced by a later decided plan of the area; its measures are no longer followed up."""
        return self.status == PlanStatus.ERSATT

    @property
    def review_date(self) -> dt.date | None:
        """When the plan must be reviewed: as set, or TRYGG_ACTION_PLAN_REVIEW_YEARS after the
        decision."""
        if self.review_on:
            return self.review_on
        if self.decided_at:
            return add_years(self.decided_at, review_years())
        return None


class Problem(models.Model):
    """A prioritised problem of a plan, with its orsaksanalys (``causes``)."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="problems", verbose_name=_("plan")
    )
    title = SafeCharField(_("title"), max_length=200)
    description = SafeTextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=1, help_text=_("1 is the highest.")
    )
    areas = models.ManyToManyField(
        "places.Area", blank=True, related_name="+", verbose_name=_("areas")
    )
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("categories")
    )
    priority_area = models.ForeignKey(
        "collaboration.PriorityArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement priority area"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["priority", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:problem_detail", args=[self.pk])


class Cause(models.Model):
    """One cause in a problem's orsaksanalys."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="causes", verbose_name=_("problem")
    )
    title = SafeCharField(_("cause"), max_length=200)
    description = SafeTextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A saved analysis selection that supports a problem or a cause.

    ``selection`` holds the parameters of the Analys page: ``area_ids``, ``category_ids``,
    ``period_kind``, ``start`` and ``end`` (ISO dates), so the link reopens the same analysis.
    """

    problem = models.ForeignKey(
        Problem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("problem"),
    )
    cause = models.ForeignKey(
        Cause,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("cause"),
    )
    title = SafeCharField(_("title"), max_length=200)
    note = SafeTextField(_("what it shows"), blank=True)
    selection = models.JSONField(_("analysis selection"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(problem__isnull=False, cause__isnull=True)
                | Q(problem__isnull=True, cause__isnull=False),
                name="evidence_for_problem_or_cause",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def analysis_url(self) -> str:
        """The Analys page with this selection (its Swedish parameter names)."""
        params: list[tuple[str, object]] = []
        params += [("omrade", area_id) for area_id in self.selection.get("area_ids", [])]
        params += [("kategori", c) for c in self.selection.get("category_ids", [])]
        for key, name in (("period_kind", "periodtyp"), ("start", "fran"), ("end", "till")):
            if self.selection.get(key):
                params.append((name, self.selection[key]))
        return f"{reverse('analysis:index')}?{urlencode(params)}"


class MeasureQuerySet(models.QuerySet["Measure"]):
    def active(self) -> MeasureQuerySet:
        """Measures of plans in force (not superseded)."""
        return self.exclude(plan__status=PlanStatus.ERSATT)

    def follow_up_due(self, today: dt.date) -> MeasureQuerySet:
        """Active measures whose next follow-up is today or earlier."""
        return self.active().filter(next_follow_up_on__lte=today)

    def follow_up_overdue(self, today: dt.date) -> MeasureQuerySet:
        """Active measures whose next follow-up is before today (``Measure.follow_up_overdue``)."""
        return self.active().filter(next_follow_up_on__lt=today)


class Measure(models.Model):
    """An åtgärd or insats, in Brå's columns: Orsak | Åtgärd | Operativa mål | När | Vem |
    Uppföljning; one-off or part of ordinary work.

    ``area``, ``categories`` and ``starts_on`` make the measure evaluable; ``comparison_area``
    and ``buffer_area`` add the comparison and displacement statistics.
    """

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan")
    )
    causes = models.ManyToManyField(
        Cause, blank=True, related_name="measures", verbose_name=_("causes it works on")
    )
    title = SafeCharField(_("title"), max_length=200)
    description = SafeTextField(_("description"), blank=True)
    operational_goal = SafeTextField(_("operational goal"), blank=True)
    kind = models.CharField(
        _("kind of effort"),
        max_length=20,
        choices=MeasureKind.choices,
        default=MeasureKind.ENGANGSINSATS,
    )
    responsible_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    contact_name = SafeCharField(_("contact"), max_length=200, blank=True)
    contact_email = SafeEmailField(_("contact e-mail"), blank=True)
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("partner organisations"),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TrafficLight.choices, default=TrafficLight.GRON
    )
    status_reason = SafeTextField(_("reason for the status"), blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    funding_source = SafeCharField(_("funding source"), max_length=200, blank=True)
    funding_amount = models.DecimalField(
        _("amount (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    funding_state = models.CharField(
        _("funding"), max_length=20, choices=FundingState.choices, blank=True
    )
    # Evaluation: where and what the measure is expected to change.
    area = models.ForeignKey(
        "places.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area it works in"),
    )
    categories = models.ManyToManyField(
        "incidents.Category",
        blank=True,
        related_name="+",
        verbose_name=_("categories it should reduce"),
    )
    comparison_area = models.ForeignKey(
        "places.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comparison area"),
        help_text=_("A similar area without the measure."),
    )
    buffer_area = models.ForeignKey(
        "places.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buffer area"),
        help_text=_("The surroundings, where problems could be displaced to."),
    )
    chosen_after_peak = models.BooleanField(
        _("chosen because of a peak"),
        default=False,
        help_text=_("The place was chosen because problems had just peaked there."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:measure_detail", args=[self.pk])

    def clean(self) -> None:
        check_dates(
            planned={
                "starts_on": self.starts_on,
                "ends_on": self.ends_on,
                "next_follow_up_on": self.next_follow_up_on,
            }
        )

    def follow_up_overdue(self, today: dt.date | None = None) -> bool:
        """Whether its next follow-up is before ``today`` (by default the local day) and its plan
        is not superseded: ``MeasureQuerySet.follow_up_overdue`` for one measure."""
        today = today or timezone.localdate()
        return (
            self.next_follow_up_on is not None
            and self.next_follow_up_on < today
            and not self.plan.is_superseded
        )

    @property
    def evaluable(self) -> bool:
        """Whether the measure says enough to be evaluated: an area, categories, a start."""
        return bool(self.area_id and self.starts_on and self.categories.exists())


class Indicator(models.Model):
    """A measure's measurable target: an indicator, its baseline and a target value by a date.

    The value is computed from incident counts (``areas`` and ``categories``, by default the
    measure's, over ``window_days`` up to a day), read from a statistics series (the value for
    one area), or entered by hand. A computed indicator without a ``baseline`` has it computed
    on ``baseline_on``; see ``trygg.plans.indicators``.
    """

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="indicator", verbose_name=_("measure")
    )
    name = SafeCharField(_("indicator"), max_length=200)
    kind = models.CharField(
        _("computed from"),
        max_length=20,
        choices=IndicatorKind.choices,
        default=IndicatorKind.MANUAL,
    )
    areas = models.ManyToManyField(
        "places.Area",
        blank=True,
        related_name="+",
        verbose_name=_("areas"),
        help_text=_(
            "For incident counts and statistics. Empty: the area the measure works in. "
            "A statistics series is read for one area."
        ),
    )
    categories = models.ManyToManyField(
        "incidents.Category",
        blank=True,
        related_name="+",
        verbose_name=_("categories"),
        help_text=_(
            "For incident counts (empty: the measure's categories); for statistics at most one."
        ),
    )
    window_days = models.PositiveIntegerField(
        _("window (days)"),
        default=365,
        help_text=_("For incident counts: the number of days counted up to the day of the value."),
    )
    series = models.ForeignKey(
        "statistics.StatisticSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statistics series"),
    )
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for a computed indicator to compute it on the baseline date."),
    )
    baseline_on = models.DateField(_("baseline on"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    target_on = models.DateField(_("target date"))
    manual_value = models.DecimalField(
        _("latest value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    manual_value_on = models.DateField(_("latest value on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_dates(
            events={"baseline_on": self.baseline_on, "manual_value_on": self.manual_value_on},
            planned={"target_on": self.target_on},
        )


# What a user sets on an indicator: the fields of its form, and the API shows the same ones.
INDICATOR_SETTINGS = (
    "name",
    "kind",
    "areas",
    "categories",
    "window_days",
    "series",
    "baseline",
    "baseline_on",
    "target_value",
    "target_on",
    "manual_value",
    "manual_value_on",
)


class FollowUp(models.Model):
    """A dated follow-up of a measure: its traffic light then, and what was done."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("measure")
    )
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=TrafficLight.choices)
    text = SafeTextField(_("follow-up"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure} {self.on:%Y-%m-%d}"

    def clean(self) -> None:
        check_dates(events={"on": self.on})
