"""Pages for the Åtgärdsplan: plans in Brå's columns, problems with their orsaksanalys,
measures with follow-ups and their evaluation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.analysis.evaluation import EvaluationError, evaluate
from trygg.front.decorators import page
from trygg.plans import actions
from trygg.plans.forms import (
    CauseForm,
    EvidenceForm,
    FollowUpForm,
    MeasureForm,
    PlanFilterForm,
    PlanForm,
    ProblemForm,
)
from trygg.plans.models import ActionPlan, Cause, Measure, Problem
from trygg.plans.permissions import (
    CHANGE,
    can_add_plan,
    can_follow_up,
    can_plan,
    can_use_plans,
    check_follow_up,
    check_plan,
    visible_plans,
)

SECTION = "plans"


def _require_member(request: HttpRequest) -> None:
    if not can_use_plans(request.user):
        raise PermissionDenied


@page(SECTION)
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    plans = visible_plans(request.user).select_related("area").order_by("-period_start", "title")
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "can_add": can_add_plan(request.user), "today": timezone.localdate()},
    )


def _filtered_measures(plan: ActionPlan, form: PlanFilterForm) -> Any:
    measures = (
        plan.measures.select_related("responsible_organisation")
        .prefetch_related("causes__problem__priority_area", "partners")
        .order_by("title")
    )
    if not form.is_valid():
        return measures
    data = form.cleaned_data
    if data["status"]:
        measures = measures.filter(status=data["status"])
    if data["organisation"]:
        organisation = data["organisation"]
        measures = measures.filter(
            pk__in=plan.measures.filter(responsible_organisation=organisation).values("pk")
        ) | measures.filter(partners=organisation)
    if data["area"]:
        measures = measures.filter(area=data["area"]) | measures.filter(
            causes__problem__areas=data["area"]
        )
    if data["priority_area"]:
        measures = measures.filter(causes__problem__priority_area=data["priority_area"])
    return measures.distinct()


@page(SECTION)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan.objects.select_related("area"), pk=pk)
    check_plan(request.user, plan)
    form = PlanFilterForm(request.GET or None, user=request.user)
    problems = plan.problems.select_related("priority_area").prefetch_related("causes", "areas")
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "problems": problems,
            "measures": _filtered_measures(plan, form),
            "filter_form": form,
            "filtered": bool(request.GET),
            "can_change": can_plan(request.user, plan, CHANGE),
            "today": timezone.localdate(),
        },
    )


def _plan_form(request: HttpRequest, plan: ActionPlan) -> HttpResponse:
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The action plan was saved."))
        return redirect(saved)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@page(SECTION)
def plan_create(request: HttpRequest) -> HttpResponse:
    if not can_add_plan(request.user):
        raise PermissionDenied
    return _plan_form(request, ActionPlan())


@page(SECTION)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, pk=pk)
    check_plan(request.user, plan, CHANGE)
    return _plan_form(request, plan)


# Problems and their orsaksanalys ----------------------------------------------------------


def _problem_form(request: HttpRequest, problem: Problem) -> HttpResponse:
    form = ProblemForm(request.POST or None, instance=problem, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The problem was saved."))
        return redirect(saved)
    return render(request, "plans/problem_form.html", {"form": form, "problem": problem})


@page(SECTION)
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, pk=pk)
    check_plan(request.user, plan, CHANGE)
    return _problem_form(request, Problem(plan=plan))


@page(SECTION)
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.select_related("plan"), pk=pk)
    check_plan(request.user, problem.plan, CHANGE)
    return _problem_form(request, problem)


@page(SECTION)
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(
        Problem.objects.select_related("plan", "plan__area", "priority_area").prefetch_related(
            "areas", "categories", "evidence", "causes__evidence", "causes__measures"
        ),
        pk=pk,
    )
    check_plan(request.user, problem.plan)
    can_change = can_plan(request.user, problem.plan, CHANGE)
    cause_form = CauseForm(prefix="cause")
    evidence_form = EvidenceForm(prefix="evidence", user=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if "cause-title" in request.POST:
            cause_form = CauseForm(request.POST, prefix="cause")
            if cause_form.is_valid():
                cause = cause_form.save(commit=False)
                cause.problem = problem
                cause.position = problem.causes.count() + 1
                cause.save()
                messages.success(request, _("The cause was added."))
                return redirect(problem)
        else:
            evidence_form = EvidenceForm(request.POST, prefix="evidence", user=request.user)
            if evidence_form.is_valid():
                owner: dict[str, Any] = {"problem": problem}
                cause_id = request.POST.get("evidence-cause", "")
                if cause_id:
                    owner = {"cause": get_object_or_404(Cause, pk=cause_id, problem=problem)}
                evidence_form.save(**owner)
                messages.success(request, _("The evidence was saved."))
                return redirect(problem)
    return render(
        request,
        "plans/problem_detail.html",
        {
            "problem": problem,
            "plan": problem.plan,
            "can_change": can_change,
            "cause_form": cause_form,
            "evidence_form": evidence_form,
            "history": problem.history.select_related("history_user")[:20],
        },
    )


# Measures and follow-ups ---------------------------------------------------------------


def _measure_form(request: HttpRequest, measure: Measure, plan: ActionPlan) -> HttpResponse:
    form = MeasureForm(request.POST or None, instance=measure, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The measure was saved."))
        return redirect(saved)
    return render(
        request, "plans/measure_form.html", {"form": form, "measure": measure, "plan": plan}
    )


@page(SECTION)
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, pk=pk)
    check_plan(request.user, plan, CHANGE)
    return _measure_form(request, Measure(plan=plan), plan)


@page(SECTION)
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk)
    check_plan(request.user, measure.plan, CHANGE)
    return _measure_form(request, measure, measure.plan)


def measure_evaluation(user: object, measure: Measure, today: Any) -> tuple[Any, str]:
    """The evaluation of a measure, or why there is none."""
    if not measure.evaluable:
        return None, _(
            "To evaluate the measure, give the area it works in, the categories it should "
            "reduce and its start date."
        )
    try:
        result = evaluate(
            user,
            area_id=measure.area_id,
            category_ids=[c.pk for c in measure.categories.all()],
            start=measure.starts_on,
            end=measure.ends_on,
            today=today,
            comparison_area_id=measure.comparison_area_id,
            buffer_area_id=measure.buffer_area_id,
            chosen_after_peak=measure.chosen_after_peak,
        )
    except PermissionDenied:
        return None, _("You may not analyse every area the evaluation needs.")
    except EvaluationError as error:
        return None, str(error)
    return result, ""


@page(SECTION)
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(
        Measure.objects.select_related(
            "plan",
            "plan__area",
            "responsible_organisation",
            "area",
            "comparison_area",
            "buffer_area",
        ).prefetch_related("causes__problem", "partners", "categories"),
        pk=pk,
    )
    check_plan(request.user, measure.plan)
    today = timezone.localdate()
    may_follow_up = can_follow_up(request.user, measure)
    form = FollowUpForm(prefix="follow", initial={"status": measure.status})
    if request.method == "POST":
        check_follow_up(request.user, measure)
        form = FollowUpForm(request.POST, prefix="follow")
        if form.is_valid():
            with transaction.atomic():
                actions.record_follow_up(
                    measure,
                    on=form.cleaned_data["on"],
                    status=form.cleaned_data["status"],
                    text=form.cleaned_data["text"],
                    author=request.user,
                    next_follow_up_on=form.cleaned_data["next_follow_up_on"],
                )
            messages.success(request, _("The follow-up was saved."))
            return redirect(measure)
    evaluation, no_evaluation = measure_evaluation(request.user, measure, today)
    return render(
        request,
        "plans/measure_detail.html",
        {
            "measure": measure,
            "plan": measure.plan,
            "follow_ups": measure.follow_ups.select_related("author"),
            "indicator": getattr(measure, "indicator", None),
            "overdue": measure.follow_up_overdue(today),
            "can_change": can_plan(request.user, measure.plan, CHANGE),
            "can_follow_up": may_follow_up,
            "form": form,
            "evaluation": evaluation,
            "no_evaluation": no_evaluation,
            "history": measure.history.select_related("history_user")[:20],
            "today": today,
        },
    )
