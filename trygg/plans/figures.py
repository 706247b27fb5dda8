"""The lägesbild's "Priorities and measures" block: the action plan's prioritised problems and
their measures with traffic lights, registered with the lägesbild's figure kinds
(``trygg.reports.figures.register_figure``) when the app starts, so reports need not know plans.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.accounts.models import AnyUser
from trygg.lib import lights
from trygg.lib.documents import day
from trygg.plans.models import ActionPlan
from trygg.plans.permissions import can_plan, visible_plans
from trygg.reports.figures import FigureError, Frozen, SelectionField, register_figure
from trygg.reports.models import BlockKind, ReportBlock, SituationReport


def _plan_for(block: ReportBlock) -> ActionPlan | None:
    """The action plan a measures block shows: the one chosen in its selection, else the plan
    based on this lägesbild (any of its versions), else the area's latest decided plan."""
    report: SituationReport = block.report
    plans = ActionPlan.objects.not_superseded().select_related("area")
    plan_id = (block.selection or {}).get("plan_id")
    if plan_id:
        return ActionPlan.objects.filter(pk=int(plan_id)).select_related("area").first()
    chain = [v.pk for v in report.versions()]
    return (
        plans.filter(situation_report__in=chain).order_by("-period_start", "-pk").first()
        or plans.decided().filter(area=report.area).order_by("-period_start", "-pk").first()
    )


def measures_figure(block: ReportBlock, user: AnyUser) -> Frozen:
    """The action plan's prioritised problems and their measures with traffic lights.

    Besides ``headers`` and ``rows`` the figure holds ``statuses`` (the light of each row:
    gron, gul or rod), ``status_column`` (where the light is shown) and ``key_columns`` (the
    columns that name a row when versions are compared).
    """
    plan = _plan_for(block)
    if plan is None:
        raise FigureError(_("No action plan is found for the area."))
    if not can_plan(user, plan):
        raise FigureError(_("You may not see the action plan."))
    problems = list(plan.problems.select_related("priority_area").order_by("priority", "title"))
    measures = sorted(
        plan.measures.select_related("responsible_organisation").prefetch_related("causes"),
        key=lambda m: (m.title.casefold(), m.pk),  # the same order on every database
    )
    if not measures:
        raise FigureError(_("The action plan has no measures yet."))
    groups: list[tuple[str, list[Any]]] = []
    for problem in problems:
        label = problem.title
        if problem.priority_area and problem.priority_area.name != problem.title:
            label = f"{problem.title} ({problem.priority_area.name})"
        found = [m for m in measures if any(c.problem_id == problem.pk for c in m.causes.all())]
        if found:
            groups.append((label, found))
    problem_ids = {p.pk for p in problems}
    others = [m for m in measures if not any(c.problem_id in problem_ids for c in m.causes.all())]
    if others:
        groups.append((_("Other measures"), others))
    rows: list[list[Any]] = []
    statuses: list[str] = []
    for label, found in groups:
        for measure in found:
            light = lights.light(measure.status)
            rows.append(
                [
                    label,
                    measure.title,
                    str(measure.responsible_organisation),
                    f"{light.colour}: {light.label}",  # in words, not colour alone
                    measure.status_reason,
                ]
            )
            statuses.append(measure.status)
    note = plan.title
    if plan.decided_at:
        note += ", " + _("decided by %(body)s on %(day)s") % {
            "body": plan.decided_by or "–",
            "day": day(plan.decided_at),
        }
    note += ". " + _("Green: on track, yellow: at risk, red: off track.")
    return {
        "headers": [_("Priority area"), _("Measure"), _("Responsible"), _("Status"), _("Comment")],
        "rows": rows,
        "statuses": statuses,
        "status_column": 3,
        "key_columns": 2,
        "chart": None,
        "plan": {"id": plan.pk, "title": plan.title},
        "note": note,
    }


def _plan_field(user: AnyUser | None) -> forms.Field:
    plans = visible_plans(user) if user is not None else ActionPlan.objects.none()
    return forms.ModelChoiceField(
        label=gettext_lazy("Action plan"),
        queryset=plans.not_superseded().order_by("-period_start", "title"),
        required=False,
        help_text=gettext_lazy(
            "Priorities and measures: empty = the plan based on this lägesbild, else the "
            "area's latest decided plan."
        ),
    )


def register() -> None:
    register_figure(
        BlockKind.MEASURES,
        measures_figure,
        SelectionField(name="plan", param="plan_id", field=_plan_field, stored=lambda p: p.pk),
    )
