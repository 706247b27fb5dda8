"""Pages for incidents (report, list, map, correct, review, export, import) and categories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trygg.accounts.models import AnyUser, User
from trygg.accounts.scope import scope_for
from trygg.incidents import exports
from trygg.incidents.actions import (
    IncidentsRefused,
    changes_since,
    keep_apart,
    merge_incidents,
    record_incidents,
    review_incidents,
    update_incident,
)
from trygg.incidents.duplicates import possible_duplicates
from trygg.incidents.filters import IncidentFilterForm
from trygg.incidents.forms import (
    CategoryForm,
    DuplicateDecisionForm,
    DuplicateFilterForm,
    ImportForm,
    IncidentForm,
    ReviewForm,
    reportable_areas,
)
from trygg.incidents.imports.jobs import start_import_job
from trygg.incidents.imports.police_sync import latest_status as police_feed_status
from trygg.incidents.models import Category, ImportJob, Incident, Source, Status
from trygg.incidents.permissions import (
    CHANGE,
    REVIEW,
    can_category,
    can_import,
    can_incident,
    can_report,
    can_review,
    check_category,
    check_import_job,
    check_incident,
    visible_categories,
    visible_incidents,
)
from trygg.lib.csvio import write_csv
from trygg.lib.jobs import retry_job
from trygg.lib.versioning import StaleVersion
from trygg.lib.web import page
from trygg.places.maps import feature_collection, map_areas_for_roots, top_areas
from trygg.places.models import Area

PAGE_SIZE = 50
MAP_LIMIT = 5000
RECENT_JOBS = 10
# A job page lists this many problems; the CSV download has them all.
PROBLEMS_SHOWN = 1000
# The duplicates page shows this many groups at a time, newest first.
DUPLICATE_GROUPS_SHOWN = 50


def _report_map(user: AnyUser) -> dict[str, Any]:
    scope = scope_for(user)
    roots = top_areas(reportable_areas(user))
    return feature_collection(map_areas_for_roots(roots, scope.tree))


@page("incidents")
def report(request: HttpRequest) -> HttpResponse:
    if not can_report(request.user):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = record_incidents([form.to_draft()], source=Source.WEBB, user=request.user)
        except IncidentsRefused as refused:
            form.add_problems(refused.problems)
        else:
            return redirect("incidents:receipt", pk=result.created[0].pk)
    return render(
        request,
        "incidents/report.html",
        {"form": form, "map_data": _report_map(request.user)},
    )


@page("incidents")
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.for_list(), pk=pk)
    check_incident(request.user, incident)
    return render(request, "incidents/receipt.html", {"incident": incident})


@page("incidents")
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.for_list(), pk=pk)
    check_incident(request.user, incident)
    can_change = can_incident(request.user, incident, CHANGE)
    form = None
    conflict: list[tuple[str, str, str]] | None = None
    if can_change:
        form = IncidentForm(
            request.POST or None, user=request.user, initial=IncidentForm.initial_for(incident)
        )
        if request.method == "POST" and form.is_valid():
            try:
                update_incident(
                    incident,
                    form.to_draft(),
                    user=request.user,
                    expected_version=form.cleaned_data.get("version"),
                )
            except IncidentsRefused as refused:
                form.add_problems(refused.problems)
            except StaleVersion as stale:
                # Someone saved the incident after this form was opened: show what they
                # changed and keep what was typed; saving again overwrites knowingly.
                incident = get_object_or_404(Incident.objects.for_list(), pk=pk)
                conflict = changes_since(incident, stale.expected)
                data = request.POST.copy()
                data["version"] = str(incident.version)
                form = IncidentForm(data, user=request.user)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else saved this report after you opened it. Your changes "
                        "have not been saved: check what changed, then save again."
                    ),
                )
            else:
                messages.success(request, _("%(ref)s was saved.") % {"ref": incident.reference})
                return redirect("incidents:detail", pk=incident.pk)
    elif request.method == "POST":
        raise PermissionDenied
    history = incident.history.select_related("history_user").order_by("-history_date")[:20]
    visible = visible_incidents(request.user)
    merged_into = (
        visible.filter(pk=incident.duplicate_of_id).first() if incident.duplicate_of_id else None
    )
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "merged_into": merged_into,
            "duplicates": visible.filter(duplicate_of=incident).order_by("occurred_at", "pk"),
            "can_review": can_incident(request.user, incident, REVIEW),
            "form": form,
            "history": history,
            "conflict": conflict,
            "map_data": _report_map(request.user) if form else None,
        },
    )


def _filter_status(form: forms.Form) -> int:
    """400 when a filter was refused: the page shows the error at its field and lists what the
    other filters select, but the answer says the request was not taken as it was written."""
    return 400 if form.is_bound and form.errors else 200


def _selection(request: HttpRequest) -> tuple[IncidentFilterForm, Any]:
    form = IncidentFilterForm(request.GET or None, user=request.user)
    return form, form.apply(visible_incidents(request.user))


@page("incidents")
def incident_list(request: HttpRequest) -> HttpResponse:
    form, incidents = _selection(request)
    reviewer = can_review(request.user)
    if request.method == "POST":
        review = ReviewForm(request.POST, incidents=visible_incidents(request.user))
        if not reviewer or not review.is_valid():
            messages.error(request, _("Choose one or more incidents and an action."))
        else:
            changed = review_incidents(
                review.cleaned_data["ids"], review.cleaned_data["action"], request.user
            )
            messages.success(request, _("%(n)s incidents updated.") % {"n": changed})
        return redirect(f"{reverse('incidents:list')}?{request.GET.urlencode()}")
    paginator = Paginator(incidents.for_list(), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "incidents/list.html",
        {
            "filter_form": form,
            "page_obj": page_obj,
            "total": paginator.count,
            "query": query.urlencode(),
            "can_review": reviewer,
            "can_report": can_report(request.user),
            "can_import": can_import(request.user),
        },
        status=_filter_status(form),
    )


@page("incidents")
def duplicates(request: HttpRequest) -> HttpResponse:
    """Possible duplicates in the reviewer's scope: merge each group or keep it apart."""
    if not can_review(request.user):
        raise PermissionDenied
    reviewable = visible_incidents(request.user, REVIEW)
    if request.method == "POST":
        decision = DuplicateDecisionForm(request.POST, incidents=reviewable)
        back = request.POST.get("next") or ""
        if not decision.is_valid():
            errors = decision.non_field_errors() or [_("Choose reports and an action.")]
            for error in errors:
                messages.error(request, str(error))
        else:
            _decide(request, decision)
        if back.startswith("/") and not back.startswith("//"):
            return redirect(back)
        return redirect("incidents:duplicates")
    form = DuplicateFilterForm(request.GET or None, user=request.user)
    groups = possible_duplicates(form.apply(reviewable))
    return render(
        request,
        "incidents/duplicates.html",
        {
            "filter_form": form,
            "groups": groups[:DUPLICATE_GROUPS_SHOWN],
            "total": len(groups),
            "shown": min(len(groups), DUPLICATE_GROUPS_SHOWN),
            "start": form.start,
            "metres": settings.TRYGG_DUPLICATE_METRES,
            "minutes": settings.TRYGG_DUPLICATE_MINUTES,
            "next": request.get_full_path(),
        },
        status=_filter_status(form),
    )


def _decide(request: HttpRequest, decision: DuplicateDecisionForm) -> None:
    action = decision.cleaned_data["action"]
    chosen: list[Incident] = decision.cleaned_data["ids"]
    references = ", ".join(incident.reference for incident in chosen)
    if action == DuplicateDecisionForm.SEPARATE:
        review_incidents(chosen, Status.NY, request.user)
        messages.success(request, _("%(ref)s is counted on its own again.") % {"ref": references})
    elif action == DuplicateDecisionForm.APART:
        keep_apart(chosen, request.user)
        messages.success(
            request,
            _("%(refs)s are kept apart and not offered as duplicates again.")
            % {"refs": references},
        )
    else:
        kept: Incident = decision.cleaned_data["keep"]
        try:
            merged = merge_incidents(kept, chosen, request.user)
        except IncidentsRefused as refused:
            for problem in refused.problems:
                messages.error(request, problem.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s report was merged into %(ref)s, which is counted once.",
                    "%(n)s reports were merged into %(ref)s, which is counted once.",
                    merged,
                )
                % {"n": merged, "ref": kept.reference},
            )


@page("incidents")
def incident_map(request: HttpRequest) -> HttpResponse:
    form, incidents = _selection(request)
    with_point = incidents.exclude(latitude__isnull=True).for_list()
    total_points = with_point.count()
    points = [
        {
            "lat": i.latitude,
            "lon": i.longitude,
            "ref": i.reference,
            "category": i.category.name,
            "date": timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "place": i.place,
            "url": reverse("incidents:detail", args=[i.pk]),
        }
        for i in with_point[:MAP_LIMIT]
    ]
    without_point = incidents.filter(latitude__isnull=True).count()
    scope = scope_for(request.user)
    roots = (
        Area.objects.filter(pk__in=scope.root_ids())
        if not scope.everything
        else Area.objects.roots()
    )
    return render(
        request,
        "incidents/map.html",
        {
            "filter_form": form,
            "points": points,
            "total_points": total_points,
            "limited": total_points > MAP_LIMIT,
            "map_limit": MAP_LIMIT,
            "without_point": without_point,
            "map_data": feature_collection(map_areas_for_roots(list(roots), scope.tree, levels=2)),
            "query": request.GET.urlencode(),
        },
        status=_filter_status(form),
    )


@page("incidents")
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form, incidents = _selection(request)
    if _filter_status(form) == 400:
        # Not a file of more than was asked for: the list with the refused filter marked.
        return incident_list(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        body = exports.incidents_csv(incidents.for_list())
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        body = exports.incidents_xlsx(incidents.for_list())
        response = HttpResponse(
            body,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="handelser-{stamp}.{fmt}"'
    return response


@page("incidents")
def template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="trygg-mall.{fmt}"'
    return response


@page("incidents")
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a file; the import runs as a job and the browser follows it on the job page."""
    user = request.user
    assert isinstance(user, User)  # @page lets only signed-in users through
    if not can_import(user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        job = start_import_job(
            user,
            form.cleaned_data["file"],
            organisation=form.cleaned_data["organisation"],
            skip_invalid=form.cleaned_data["skip_invalid"],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("incidents:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(user=user)[:RECENT_JOBS]
    return render(
        request,
        "incidents/import.html",
        {"form": form, "recent": recent, "police_feed": police_feed_status()},
    )


def _visible_job(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("organisation", "user"), pk=pk)
    check_import_job(request.user, job)
    return job


@page("incidents")
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    result = job.result or {}
    problems = result.get("problems", [])
    return render(
        request,
        "incidents/import_job.html",
        {
            "job": job,
            "result": result,
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_total": len(problems),
            "refused_all": job.status == ImportJob.State.FAILED and bool(problems),
        },
    )


@require_POST
@page("incidents")
def import_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an interrupted job again (its worker stopped; the file was kept for this)."""
    job = _visible_job(request, pk)
    if not can_import(request.user):
        raise PermissionDenied
    if retry_job(job):
        messages.success(request, _("The import was started again."))
    else:
        messages.error(request, _("This import cannot be started again; upload the file again."))
    return redirect("incidents:import_job", pk=job.pk)


@page("incidents")
def import_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress for the page's polling script."""
    job = _visible_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "rows_total": job.rows_total,
            "rows_processed": job.rows_processed,
            "percent": job.percent,
            "finished": job.finished,
        }
    )


@page("incidents")
def import_job_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem of a job as CSV, to fix the file row by row."""
    job = _visible_job(request, pk)
    rows = [(p["line"], p["column"], p["message"]) for p in (job.result or {}).get("problems", [])]
    body = write_csv([_("Line"), _("Column"), _("Problem")], rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problem.csv"'
    return response


@page("administration")
def category_list(request: HttpRequest) -> HttpResponse:
    check_category(request.user)
    categories = list(visible_categories(request.user).order_by("sort_order", "name"))
    children: dict[int | None, list[Any]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    rows: list[tuple[Any, int]] = []

    def visit(parent: int | None, depth: int) -> None:
        for category in children.get(parent, []):
            rows.append((category, depth))
            visit(category.pk, depth + 1)

    visit(None, 0)
    return render(
        request,
        "incidents/category_list.html",
        {
            "rows": rows,
            "can_change": can_category(request.user, "change"),
            "harm_unit": settings.TRYGG_HARM_UNIT,
        },
    )


@page("administration")
def category_create(request: HttpRequest) -> HttpResponse:
    check_category(request.user, "change")
    form = CategoryForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The category was saved."))
        return redirect("incidents:category_list")
    return render(request, "incidents/category_form.html", {"form": form})


@page("administration")
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check_category(request.user, "change")
    category = get_object_or_404(Category, pk=pk)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The category was saved."))
        return redirect("incidents:category_list")
    return render(request, "incidents/category_form.html", {"form": form, "category": category})
