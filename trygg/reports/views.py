"""Pages for the lägesbild: list, report with its blocks, editing, remiss, approval, versions
and the exports (DOCX, PPTX, PDF: small ones answered directly, large ones as jobs)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trygg.accounts.models import User
from trygg.lib.jobs import retry_job
from trygg.lib.params import int_param
from trygg.lib.web import download, page, signed_in_by_token
from trygg.reports import actions, jobs
from trygg.reports.compare import compare
from trygg.reports.content import document
from trygg.reports.exports import EXPORTERS, is_large
from trygg.reports.forms import ApproveForm, BlockForm, CommentForm, ReportForm
from trygg.reports.models import Comment, ExportJob, ReportBlock, SituationReport
from trygg.reports.permissions import (
    APPROVE,
    CHANGE,
    can_add,
    can_read_reports,
    can_report,
    check_report,
    visible_reports,
)


def _report(request: HttpRequest, pk: int, action: str = "view") -> SituationReport:
    report = get_object_or_404(SituationReport.objects.select_related("area"), pk=pk)
    check_report(request.user, report, action)
    return report


def _block(report: SituationReport, block_pk: int) -> ReportBlock:
    block = get_object_or_404(ReportBlock, pk=block_pk, report=report)
    block.report = report
    return block


@page("reports")
def report_list(request: HttpRequest) -> HttpResponse:
    if not can_read_reports(request.user):
        raise PermissionDenied
    reports = visible_reports(request.user).select_related("area", "replaces")
    return render(
        request, "reports/list.html", {"reports": reports, "can_add": can_add(request.user)}
    )


@page("reports")
def report_create(request: HttpRequest) -> HttpResponse:
    if not can_add(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.create_report(request.user, **form.cleaned_data)
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form, "report": None})


@page("reports")
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, CHANGE)
    initial = {
        "title": report.title,
        "area": report.area,
        "period_kind": report.period_kind,
        "period_start": report.period_start,
        "period_end": report.period_end,
    }
    form = ReportForm(request.POST or None, initial=initial, user=request.user)
    form.fields["area"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "area"}
        try:
            actions.update_report(request.user, report, **fields)
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form, "report": report})


@page("reports")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


def _detail(
    request: HttpRequest,
    report: SituationReport,
    refused: tuple[int, CommentForm] | None = None,
) -> HttpResponse:
    """The report page; ``refused`` is a block's comment that was not saved, shown again
    with its errors and text so nothing the reader wrote is lost."""
    doc = document(report)
    comments: dict[int, list] = {}
    for block in report.blocks.prefetch_related("comments__author"):
        comments[block.pk] = list(block.comments.all())
    user = request.user
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "doc": doc,
            "comments": comments,
            "can_change": can_report(user, report, CHANGE) and not report.is_locked,
            "can_approve": can_report(user, report, APPROVE),
            "can_comment": report.is_out_for_comments,
            "comment_form": CommentForm(),
            "refused_block": refused[0] if refused else None,
            "refused_comment": refused[1] if refused else None,
            "approve_form": ApproveForm(),
            "exports": EXPORTERS,
        },
    )


def _save_block(
    request: HttpRequest, report: SituationReport, block: ReportBlock | None
) -> HttpResponse:
    initial = BlockForm.initial_for(block) if block else {"section": request.GET.get("avsnitt")}
    form = BlockForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if block is None:
                block = actions.add_block(
                    request.user,
                    report,
                    section=data["section"],
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    selection=form.selection(),
                )
            else:
                actions.update_block(
                    request.user,
                    block,
                    section=data["section"],
                    title=data["title"],
                    text=data["text"],
                    selection=form.selection(),
                )
        except actions.WorkflowError as error:
            messages.error(request, str(error))
            return redirect(report)
        return redirect(f"{report.get_absolute_url()}#block-{block.pk}")
    if block is not None:
        form.fields["kind"].disabled = True
    return render(
        request, "reports/block_form.html", {"form": form, "report": report, "block": block}
    )


@page("reports")
def block_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, CHANGE)
    if report.is_locked:
        messages.error(request, _("An approved report cannot be changed."))
        return redirect(report)
    return _save_block(request, report, None)


@page("reports")
def block_edit(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    report = _report(request, pk, CHANGE)
    if report.is_locked:
        messages.error(request, _("An approved report cannot be changed."))
        return redirect(report)
    return _save_block(request, report, _block(report, block_pk))


def _run(
    request: HttpRequest, report: SituationReport, step: Callable[[], object], success: str
) -> HttpResponse:
    try:
        step()
    except actions.WorkflowError as error:
        messages.error(request, str(error))
    else:
        if success:
            messages.success(request, success)
    return redirect(report)


@require_POST
@page("reports")
def block_move(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    report = _report(request, pk, CHANGE)
    block = _block(report, block_pk)
    step = -1 if request.POST.get("riktning") == "upp" else 1
    response = _run(request, report, lambda: actions.move_block(request.user, block, step), "")
    response["Location"] += f"#block-{block.pk}"
    return response


@page("reports")
def block_delete(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    """Asks first (its own page, no script needed), then removes the block and its comments."""
    report = _report(request, pk, CHANGE)
    block = _block(report, block_pk)
    if request.method == "POST":
        return _run(
            request,
            report,
            lambda: actions.delete_block(request.user, block),
            _("Block removed. It can be restored from the version history until approval."),
        )
    comments = block.comments.count()
    return render(
        request,
        "confirm_delete.html",
        {
            "title": _("Remove the block “%(block)s”?") % {"block": block},
            "consequences": [
                ngettext(
                    "Its %(n)s comment is removed with it.",
                    "Its %(n)s comments are removed with it.",
                    comments,
                )
                % {"n": comments}
            ]
            if comments
            else [],
            "undo": _("You can restore it from the version history until the report is approved."),
            "cancel_url": f"{report.get_absolute_url()}#block-{block.pk}",
            "breadcrumbs": [(report.get_absolute_url(), str(report))],
        },
    )


@require_POST
@page("reports")
def block_restore(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    report = _report(request, pk, CHANGE)
    return _run(
        request,
        report,
        lambda: actions.restore_block(request.user, report, block_pk),
        _("Block restored."),
    )


def _comment(report: SituationReport, comment_pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("block", "author"), pk=comment_pk, block__report=report
    )


@page("reports")
def comment_edit(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    report = _report(request, pk)
    found = _comment(report, comment_pk)
    found.block.report = report
    if not actions.can_manage_comment(request.user, found):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"text": found.text})
    if request.method == "POST" and form.is_valid():
        return _run(
            request,
            report,
            lambda: actions.edit_comment(request.user, found, form.cleaned_data["text"]),
            _("Comment saved."),
        )
    return render(
        request, "reports/comment_form.html", {"form": form, "report": report, "comment": found}
    )


@page("reports")
def comment_delete(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    report = _report(request, pk)
    found = _comment(report, comment_pk)
    found.block.report = report
    if not actions.can_manage_comment(request.user, found):
        raise PermissionDenied
    if request.method == "POST":
        return _run(
            request,
            report,
            lambda: actions.delete_comment(request.user, found),
            _("Comment removed."),
        )
    return render(
        request,
        "confirm_delete.html",
        {
            "title": _("Remove the comment on “%(block)s”?") % {"block": found.block},
            "quote": found.text,
            "consequences": [],
            "undo": _("The coordinator can restore it from the version history until approval."),
            "cancel_url": f"{report.get_absolute_url()}#block-{found.block_id}",
            "breadcrumbs": [(report.get_absolute_url(), str(report))],
        },
    )


@require_POST
@page("reports")
def comment_restore(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    report = _report(request, pk, CHANGE)
    return _run(
        request,
        report,
        lambda: actions.restore_comment(request.user, report, comment_pk),
        _("Comment restored."),
    )


@require_POST
@page("reports")
def comment(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    report = _report(request, pk)
    block = _block(report, block_pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, (block.pk, form))
    return _run(
        request,
        report,
        lambda: actions.add_comment(request.user, block, form.cleaned_data["text"]),
        _("Thank you for your comment."),
    )


@require_POST
@page("reports")
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, APPROVE)
    return _run(
        request,
        report,
        lambda: actions.submit_for_comments(request.user, report),
        _("The report is out for comments."),
    )


@page("reports")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, APPROVE)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.approve(
                request.user, report, body=form.cleaned_data["body"], day=form.cleaned_data["day"]
            )
        except actions.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The report is approved and its figures are frozen."))
            return redirect(report)
    return render(request, "reports/approve.html", {"form": form, "report": report})


@require_POST
@page("reports")
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, APPROVE)
    try:
        draft = actions.new_version(request.user, report)
    except actions.WorkflowError as error:
        messages.error(request, str(error))
        return redirect(report)
    messages.success(request, _("A new version is started as a draft."))
    return redirect(draft)


@page("reports")
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    chain = report.versions()
    by_version = {v.version: v for v in chain}
    diffs = None
    old = by_version.get(int_param(request.GET, "fran", default=0, minimum=0))
    new = by_version.get(int_param(request.GET, "till", default=0, minimum=0))
    if old is None and new is None and len(chain) > 1:
        old, new = chain[-2], chain[-1]
    if old and new:
        diffs = compare(old, new)
    can_restore = can_report(request.user, report, CHANGE) and not report.is_locked
    return render(
        request,
        "reports/versions.html",
        {
            "report": report,
            "chain": chain,
            "old": old,
            "new": new,
            "diffs": diffs,
            "can_restore": can_restore,
            "deleted_blocks": actions.deleted_blocks(report) if can_restore else [],
            "deleted_comments": actions.deleted_comments(report) if can_restore else [],
        },
    )


@download  # a session, or an API token (the API hands out these links)
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a file. A small export is the file itself; a large one (a PDF, or a DOCX
    or PPTX with many charts) is made by the task worker: the answer is the job page (303), or
    for an API client (its token, or a request for JSON) a 202 with the job's status, whose
    links take the token. A finished export of an approved version is served again at once."""
    if fmt not in EXPORTERS:
        raise Http404
    report = _report(request, pk)
    exporter = EXPORTERS[fmt]
    if not is_large(report, fmt):
        content = exporter.export(document(report))
        return _file(content, exporter.content_type, jobs.filename(report, fmt))
    cached = jobs.cached_export(report, fmt)
    if cached is not None:
        return _job_file(cached)
    user = request.user
    assert isinstance(user, User)  # @download lets only signed-in users through
    job = jobs.pending_export(report, fmt, user) or jobs.start_export_job(report, fmt, user)
    wants_json = request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    if wants_json or signed_in_by_token(request):
        response: HttpResponse = JsonResponse(_job_status(request, job), status=202)
        response["Location"] = request.build_absolute_uri(job.get_absolute_url())
        return response
    response = HttpResponseRedirect(job.get_absolute_url())
    response.status_code = 303  # See Other: follow with GET to the job's page
    return response


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _job_file(job: ExportJob) -> HttpResponse:
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    assert content is not None  # a finished job holds its file
    return _file(bytes(content), EXPORTERS[job.format].content_type, job.filename)


def _export_job(request: HttpRequest, pk: int, job_pk: int) -> ExportJob:
    """The job, if the user reads the report and the file is theirs to see: an approved
    version's export is everyone's, a draft's was made with its requester's access."""
    report = _report(request, pk)
    job = get_object_or_404(ExportJob.objects.defer("content"), pk=job_pk, report=report)
    if not report.is_locked and job.requested_by_id != request.user.pk:
        raise Http404
    job.report = report
    return job


def _job_status(request: HttpRequest, job: ExportJob) -> dict:
    done = job.status == ExportJob.State.DONE
    return {
        "id": job.pk,
        "format": job.format,
        "status": job.status,
        "status_label": job.get_status_display(),
        "steps_done": job.steps_done,
        "steps_total": job.steps_total,
        "percent": job.percent,
        "finished": job.finished,
        "error": job.error,
        "url": request.build_absolute_uri(job.get_absolute_url()),
        "status_url": request.build_absolute_uri(
            reverse("reports:export_job_status", args=[job.report_id, job.pk])
        ),
        "download_url": request.build_absolute_uri(
            reverse("reports:export_job_file", args=[job.report_id, job.pk])
        )
        if done
        else None,
    }


@page("reports")
def export_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    job = _export_job(request, pk, job_pk)
    return render(
        request,
        "reports/export_job.html",
        {"job": job, "report": job.report, "exporter": EXPORTERS[job.format]},
    )


@require_POST
@page("reports")
def export_job_retry(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """Make a failed export again, on the same job (its page keeps its address)."""
    job = _export_job(request, pk, job_pk)
    if retry_job(job):
        messages.success(request, _("The export was started again."))
    return redirect(job.get_absolute_url())


@download  # a session, or an API token (the API hands out these links)
def export_job_status(request: HttpRequest, pk: int, job_pk: int) -> JsonResponse:
    """The job's progress for the page's polling script (and API clients)."""
    return JsonResponse(_job_status(request, _export_job(request, pk, job_pk)))


@download  # a session, or an API token (the API hands out these links)
def export_job_file(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    job = _export_job(request, pk, job_pk)
    if job.status != ExportJob.State.DONE:
        raise Http404
    return _job_file(job)
