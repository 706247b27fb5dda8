"""Pages for the Åtgärdsplan: plans in Brå's columns, problems with their orsaksanalys,
measures with follow-ups and their evaluation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser
from trygg.analysis import charts
from trygg.lib.web import page
from trygg.plans import actions
from trygg.plans.effects import measure_evaluation, measure_weekly_series, read_indicator
from trygg.plans.forms import (
    CauseEditForm,
    CauseForm,
    DecidePlanForm,
    EvidenceForm,
    FollowUpEditForm,
    FollowUpForm,
    IndicatorForm,
    MeasureForm,
    PlanFilterForm,
    PlanForm,
    ProblemForm,
)
from trygg.plans.models import (
    ActionPlan,
    Cause,
    Evidence,
    FollowUp,
    Indicator,
    Measure,
    Problem,
)
from trygg.plans.permissions import (
    CHANGE,
    can_add_plan,
    can_follow_up,
    can_manage_follow_up,
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
        {"plans": plans, "can_add": can_add_plan(request.user)},
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


@page(SECTION)
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide the plan (or correct its decision): who decided it and when, after a look at the
    plan it supersedes."""
    plan = get_object_or_404(ActionPlan.objects.select_related("area"), pk=pk)
    check_plan(request.user, plan, CHANGE)
    if plan.is_superseded:
        messages.error(request, _("A superseded plan cannot be decided again."))
        return redirect(plan)
    superseded = list(ActionPlan.objects.superseded_by(plan).order_by("-decided_at", "title"))
    form = DecidePlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        actions.decide_plan(
            plan,
            decided_by=form.cleaned_data["decided_by"],
            decided_at=form.cleaned_data["decided_at"],
        )
        messages.success(request, _("The action plan was decided."))
        for earlier in superseded:
            messages.success(request, _("“%(title)s” is superseded by it.") % {"title": earlier})
        return redirect(plan)
    return render(
        request,
        "plans/plan_decide.html",
        {"form": form, "plan": plan, "superseded": superseded},
    )


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


def _problem_history(problem: Problem) -> list[Any]:
    """The problem's history with that of its causes and evidence, deleted ones included,
    newest first; each entry says what it is about (``what``)."""
    entries = list(problem.history.select_related("history_user")[:20])
    causes = list(Cause.history.filter(problem_id=problem.pk).select_related("history_user")[:40])
    cause_ids = {entry.id for entry in causes}
    evidence = list(
        Evidence.history.filter(
            Q(problem_id=problem.pk) | Q(cause_id__in=cause_ids)
        ).select_related("history_user")[:40]
    )
    for entry in causes:
        entry.what = _("Cause “%(title)s”") % {"title": entry.title}
    for entry in evidence:
        entry.what = _("Evidence “%(title)s”") % {"title": entry.title}
    merged = sorted(
        [*entries, *causes, *evidence], key=lambda entry: entry.history_date, reverse=True
    )
    return merged[:30]


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
    evidence_form = EvidenceForm(prefix="evidence", user=request.user, problem=problem)
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
            evidence_form = EvidenceForm(
                request.POST, prefix="evidence", user=request.user, problem=problem
            )
            if evidence_form.is_valid():
                evidence_form.save()
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
            "history": _problem_history(problem),
        },
    )


@page(SECTION)
def cause_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cause = get_object_or_404(Cause.objects.select_related("problem__plan"), pk=pk)
    check_plan(request.user, cause.problem.plan, CHANGE)
    form = CauseEditForm(request.POST or None, instance=cause)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The cause was saved."))
        return redirect(cause.problem)
    return render(
        request,
        "plans/cause_form.html",
        {"form": form, "cause": cause, "problem": cause.problem, "plan": cause.problem.plan},
    )


def _confirm_delete(
    request: HttpRequest,
    thing: Any,
    back: Problem | Measure,
    consequences: list[str],
    done: str | None = None,
) -> HttpResponse:
    """Ask before deleting; on POST delete (history keeps the record), say so (``done``, by
    default "“…” was deleted.") and return to ``back``."""
    if request.method == "POST":
        thing.delete()
        if done is None:
            done = _("“%(title)s” was deleted.") % {"title": thing}
        messages.success(request, done)
        return redirect(back)
    return render(
        request,
        "plans/confirm_delete.html",
        {"thing": thing, "back": back, "plan": back.plan, "consequences": consequences},
    )


@page(SECTION)
def cause_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cause = get_object_or_404(
        Cause.objects.select_related("problem__plan").prefetch_related("evidence", "measures"),
        pk=pk,
    )
    check_plan(request.user, cause.problem.plan, CHANGE)
    consequences = (
        [
            _("Its evidence is deleted with it: %(titles)s.")
            % {"titles": ", ".join(e.title for e in cause.evidence.all())}
        ]
        if cause.evidence.all()
        else []
    )
    if cause.measures.all():
        consequences.append(
            _("These measures no longer name it as a cause: %(titles)s.")
            % {"titles": ", ".join(m.title for m in cause.measures.all())}
        )
    return _confirm_delete(request, cause, cause.problem, consequences)


def _evidence_problem(evidence: Evidence) -> Problem:
    if evidence.problem is not None:
        return evidence.problem
    assert evidence.cause is not None  # evidence is for the problem or one of its causes
    return evidence.cause.problem


@page(SECTION)
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("problem__plan", "cause__problem__plan"), pk=pk
    )
    problem = _evidence_problem(evidence)
    check_plan(request.user, problem.plan, CHANGE)
    form = EvidenceForm(request.POST or None, user=request.user, problem=problem, instance=evidence)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The evidence was saved."))
        return redirect(problem)
    return render(
        request,
        "plans/evidence_form.html",
        {"form": form, "evidence": evidence, "problem": problem, "plan": problem.plan},
    )


@page(SECTION)
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("problem__plan", "cause__problem__plan"), pk=pk
    )
    problem = _evidence_problem(evidence)
    check_plan(request.user, problem.plan, CHANGE)
    return _confirm_delete(request, evidence, problem, [])


# Measures and follow-ups ---------------------------------------------------------------


def _evaluation_chart(user: AnyUser, measure: Measure, evaluation: Any) -> dict[str, Any]:
    """The weekly series behind an evaluation as a chart and the rows of its table."""
    if evaluation is None:
        return {}
    series = measure_weekly_series(user, measure, evaluation)
    if series is None:
        return {}
    names = {
        "treated": _("Treated: %(area)s") % {"area": measure.area},
        "comparison": _("Comparison: %(area)s") % {"area": measure.comparison_area},
        "buffer": _("Buffer: %(area)s") % {"area": measure.buffer_area},
    }
    rows = zip(
        series.weeks,
        series.treated,
        series.comparison or [None] * len(series.weeks),
        series.buffer or [None] * len(series.weeks),
        strict=True,
    )
    return {
        "weekly": series,
        "weekly_rows": list(rows),
        "weekly_chart": mark_safe(charts.render(charts.evaluation_chart(series, names), "svg")),
    }


def _measure_form(request: HttpRequest, measure: Measure, plan: ActionPlan) -> HttpResponse:
    form = MeasureForm(request.POST or None, instance=measure, user=request.user, plan=plan)
    # Saved (``measure`` itself) only if nobody saved it since the form was opened.
    if request.method == "POST" and form.is_valid() and form.save_unless_changed() is not None:
        messages.success(request, _("The measure was saved."))
        return redirect(measure)
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
    follow_ups = list(measure.follow_ups.select_related("author"))
    for follow_up in follow_ups:
        follow_up.measure = measure
    evaluation, no_evaluation = measure_evaluation(request.user, measure, today)
    indicator = Indicator.objects.filter(measure=measure).select_related("series").first()
    if indicator is not None:
        indicator.measure = measure  # its areas and categories default to the measure's
    return render(
        request,
        "plans/measure_detail.html",
        {
            "measure": measure,
            "plan": measure.plan,
            "follow_ups": follow_ups,
            "manageable": {f.pk for f in follow_ups if can_manage_follow_up(request.user, f)},
            "indicator": indicator,
            "reading": read_indicator(request.user, indicator, today) if indicator else None,
            **_evaluation_chart(request.user, measure, evaluation),
            "overdue": measure.follow_up_overdue(today),
            "can_change": can_plan(request.user, measure.plan, CHANGE),
            "can_follow_up": may_follow_up,
            "form": form,
            "evaluation": evaluation,
            "no_evaluation": no_evaluation,
            "history": measure.history.select_related("history_user")[:20],
        },
    )


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    found = get_object_or_404(
        FollowUp.objects.select_related("measure__plan__area", "author"), pk=pk
    )
    check_plan(request.user, found.measure.plan)
    if not can_manage_follow_up(request.user, found):
        raise PermissionDenied
    return found


@page(SECTION)
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a follow-up: its author or the plan's coordinators; the history keeps the old."""
    found = _follow_up(request, pk)
    form = FollowUpEditForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        actions.edit_follow_up(
            found,
            on=form.cleaned_data["on"],
            status=form.cleaned_data["status"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, _("The follow-up was saved."))
        return redirect(found.measure)
    return render(
        request,
        "plans/follow_up_form.html",
        {"form": form, "follow_up": found, "measure": found.measure, "plan": found.measure.plan},
    )


@page(SECTION)
def follow_up_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first on its own page, then removes the follow-up."""
    found = _follow_up(request, pk)
    measure = found.measure
    if request.method == "POST":
        actions.delete_follow_up(found)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": found})
        return redirect(measure)
    latest = measure.follow_ups.order_by("-on", "-pk").first()
    consequences = []
    if latest is not None and latest.pk == found.pk:
        consequences.append(
            _("It is the latest follow-up: the measure's status is taken from the one before.")
        )
    consequences.insert(0, found.text)
    return render(
        request,
        "plans/confirm_delete.html",
        {"thing": found, "back": measure, "plan": measure.plan, "consequences": consequences},
    )


@page(SECTION)
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Create or change the measure's measurable target."""
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk)
    check_plan(request.user, measure.plan, CHANGE)
    indicator = Indicator.objects.filter(measure=measure).first() or Indicator(measure=measure)
    form = IndicatorForm(
        request.POST or None, instance=indicator, user=request.user, measure=measure
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The indicator was saved."))
        return redirect(measure)
    return render(
        request,
        "plans/indicator_form.html",
        {"form": form, "indicator": indicator, "measure": measure, "plan": measure.plan},
    )


@page(SECTION)
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("plan"), pk=pk)
    check_plan(request.user, measure.plan, CHANGE)
    indicator = get_object_or_404(Indicator, measure=measure)
    return _confirm_delete(request, indicator, measure, [], _("The indicator was removed."))
