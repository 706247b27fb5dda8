"""Every write to a lägesbild: drafting, remiss, approval (which freezes it), new versions.

An approved or superseded version is an official document (allmän handling): every function
here that changes a report or its blocks refuses with ``ReportLocked`` once it is approved.
A change after approval is made in a new version, which replaces the old one when it is
approved in turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from trygg.accounts.models import AnyUser, User
from trygg.places.models import Area
from trygg.reports.figures import FigureError, compute_figure, jsonable
from trygg.reports.models import (
    BlockKind,
    Comment,
    ReportBlock,
    ReportStatus,
    Section,
    SituationReport,
)
from trygg.reports.permissions import (
    APPROVE,
    CHANGE,
    COMMENT,
    can_add,
    can_report,
    check_report,
)

SECTION_ORDER = [Section.KARTLAGGNING, Section.ANNAN_INFORMATION, Section.ANALYS]


class WorkflowError(ValueError):
    """The step is not possible in the report's current state."""


class ReportLocked(WorkflowError):
    """The report is approved or superseded; it does not change any more."""


def _check_editable(report: SituationReport) -> None:
    if report.is_locked:
        raise ReportLocked(
            _("“%(report)s” is approved and cannot be changed; start a new version instead.")
            % {"report": report}
        )


def _locked_report(report: SituationReport) -> SituationReport:
    """The report re-read under a row lock, so two approvals cannot interleave."""
    return SituationReport.objects.select_for_update().get(pk=report.pk)


# Drafting ----------------------------------------------------------------------------------


def create_report(
    user: AnyUser,
    *,
    title: str,
    area: Area,
    period_kind: str,
    period_start: dt.date,
    period_end: dt.date,
) -> SituationReport:
    report = SituationReport(
        title=title,
        area=area,
        period_kind=period_kind,
        period_start=period_start,
        period_end=period_end,
        created_by=user if isinstance(user, User) else None,
    )
    if not can_add(user):
        raise WorkflowError(_("Only coordinators start a lägesbild."))
    check_report(user, report, CHANGE)
    if period_end < period_start:
        raise WorkflowError(_("The start date is after the end date."))
    report.save()
    return report


def update_report(user: AnyUser, report: SituationReport, **fields: Any) -> SituationReport:
    """Change the title or the period of a draft."""
    check_report(user, report, CHANGE)
    _check_editable(report)
    allowed = {"title", "period_kind", "period_start", "period_end"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(report, name, value)
    if report.period_end < report.period_start:
        raise WorkflowError(_("The start date is after the end date."))
    report.save(update_fields=[*fields, "updated_at"])
    return report


def add_block(
    user: AnyUser,
    report: SituationReport,
    *,
    section: str,
    kind: str,
    title: str = "",
    text: str = "",
    selection: dict[str, Any] | None = None,
) -> ReportBlock:
    check_report(user, report, CHANGE)
    _check_editable(report)
    last = report.blocks.aggregate(last=Max("order"))["last"]
    return ReportBlock.objects.create(
        report=report,
        order=(last or 0) + 10,
        section=Section(section),
        kind=BlockKind(kind),
        title=title,
        text=text,
        selection=jsonable(selection or {}),
    )


def update_block(user: AnyUser, block: ReportBlock, **fields: Any) -> ReportBlock:
    """Change a block's title, text, section or selection (in a draft or on remiss)."""
    check_report(user, block.report, CHANGE)
    _check_editable(block.report)
    allowed = {"title", "text", "section", "selection"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(block, name, jsonable(value) if name == "selection" else value)
    block.save(update_fields=list(fields))
    return block


def ordered_blocks(report: SituationReport) -> list[ReportBlock]:
    """Blocks in reading order: by section (the law's order), then by position."""
    blocks = list(report.blocks.all())
    rank = {s.value: i for i, s in enumerate(SECTION_ORDER)}
    return sorted(blocks, key=lambda b: (rank.get(b.section, 99), b.order, b.pk))


def move_block(user: AnyUser, block: ReportBlock, step: int) -> None:
    """Move a block one place up (step -1) or down (+1) within its section."""
    report = block.report
    check_report(user, report, CHANGE)
    _check_editable(report)
    with transaction.atomic():
        siblings = [b for b in ordered_blocks(report) if b.section == block.section]
        index = next(i for i, b in enumerate(siblings) if b.pk == block.pk)
        other = index + (1 if step > 0 else -1)
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            new_order = (position + 1) * 10
            if sibling.order != new_order:
                sibling.order = new_order
                sibling.save(update_fields=["order"])


# A comment deleted because its block was: restoring the block brings it back.
WITH_BLOCK = "with-block"


@transaction.atomic
def delete_block(user: AnyUser, block: ReportBlock) -> None:
    """Remove a block and its comments; both can be restored until the report is approved."""
    check_report(user, block.report, CHANGE)
    _check_editable(block.report)
    for comment in block.comments.all():
        comment._change_reason = WITH_BLOCK  # type: ignore[attr-defined]
        comment.delete()
    block.delete()


def deleted_blocks(report: SituationReport) -> list[Any]:
    """The blocks removed from this version that are not back: their last history rows."""
    existing = set(report.blocks.values_list("pk", flat=True))
    found: dict[int, Any] = {}
    rows = ReportBlock.history.filter(report_id=report.pk, history_type="-")
    for row in rows.select_related("history_user").order_by("-history_date"):
        if row.id not in existing and row.id not in found:
            found[row.id] = row
    return list(found.values())


def deleted_comments(report: SituationReport) -> list[Any]:
    """Comments removed one by one from blocks still in the report, not back."""
    blocks = dict(report.blocks.values_list("pk", "title"))
    existing = set(Comment.objects.filter(block__report=report).values_list("pk", flat=True))
    found: dict[int, Any] = {}
    rows = Comment.history.filter(block_id__in=blocks, history_type="-").exclude(
        history_change_reason=WITH_BLOCK
    )
    for row in rows.select_related("author", "history_user").order_by("-history_date"):
        if row.id not in existing and row.id not in found:
            found[row.id] = row
    return list(found.values())


@transaction.atomic
def restore_block(user: AnyUser, report: SituationReport, block_id: int) -> ReportBlock:
    """Bring a removed block back as it was, with the comments removed with it."""
    check_report(user, report, CHANGE)
    _check_editable(report)
    row = next((r for r in deleted_blocks(report) if r.id == block_id), None)
    if row is None:
        raise WorkflowError(_("That block is not among the removed ones."))
    block: ReportBlock = row.instance
    block.save()
    existing = set(Comment.objects.filter(block=block).values_list("pk", flat=True))
    rows = Comment.history.filter(
        block_id=block_id, history_type="-", history_change_reason=WITH_BLOCK
    ).order_by("-history_date")
    restored: set[int] = set()
    for comment_row in rows:
        if comment_row.id not in existing and comment_row.id not in restored:
            comment_row.instance.save()
            restored.add(comment_row.id)
    return block


# Remiss --------------------------------------------------------------------------------


def submit_for_comments(user: AnyUser, report: SituationReport) -> SituationReport:
    """Send the draft out på remiss: partners may now comment on each block."""
    check_report(user, report, APPROVE)
    if not report.is_draft:
        raise WorkflowError(_("Only a draft can be sent out for comments."))
    report.status = ReportStatus.PA_REMISS
    report.save(update_fields=["status", "updated_at"])
    return report


def add_comment(user: AnyUser, block: ReportBlock, text: str) -> Comment:
    report = block.report
    check_report(user, report, COMMENT)
    assert isinstance(user, User)  # check_report lets no anonymous user through
    if not report.is_out_for_comments:
        raise WorkflowError(_("Comments are taken while the report is out for comments."))
    text = text.strip()
    if not text:
        raise WorkflowError(_("Write a comment."))
    return Comment.objects.create(block=block, author=user, text=text)


def can_manage_comment(user: AnyUser, comment: Comment) -> bool:
    """Its author and the report's coordinators edit or remove a comment, until approval."""
    report = comment.block.report
    if report.is_locked:
        return False
    return comment.author_id == user.pk or can_report(user, report, APPROVE)


def _check_comment(user: AnyUser, comment: Comment) -> None:
    check_report(user, comment.block.report)
    _check_editable(comment.block.report)
    if not can_manage_comment(user, comment):
        raise PermissionDenied


def edit_comment(user: AnyUser, comment: Comment, text: str) -> Comment:
    _check_comment(user, comment)
    text = text.strip()
    if not text:
        raise WorkflowError(_("Write a comment."))
    comment.text = text
    comment.save(update_fields=["text"])
    return comment


def delete_comment(user: AnyUser, comment: Comment) -> None:
    """Remove a comment; it can be restored until the report is approved."""
    _check_comment(user, comment)
    comment.delete()


def restore_comment(user: AnyUser, report: SituationReport, comment_id: int) -> Comment:
    check_report(user, report, CHANGE)
    _check_editable(report)
    row = next((r for r in deleted_comments(report) if r.id == comment_id), None)
    if row is None:
        raise WorkflowError(_("That comment is not among the removed ones."))
    comment: Comment = row.instance
    comment.save()
    return comment


# Approval and versions -----------------------------------------------------------------


def approve(user: AnyUser, report: SituationReport, *, body: str, day: dt.date) -> SituationReport:
    """Approve the version and freeze every figure in it; the version it replaces is superseded.

    Refused (nothing changes) when a figure cannot be computed: an approved document must
    hold every figure it shows.
    """
    check_report(user, report, APPROVE)
    assert isinstance(user, User)  # check_report lets no anonymous user through
    if not body.strip():
        raise WorkflowError(_("Name the body that approves the report."))
    given = report
    with transaction.atomic():
        report = _locked_report(report)
        if report.is_locked:
            raise ReportLocked(_("The report is already approved."))
        blocks = list(report.blocks.select_related("report"))
        for block in blocks:
            if not block.is_figure:
                continue
            try:
                block.frozen = jsonable(compute_figure(block))
            except FigureError as error:
                raise WorkflowError(
                    _("The figure “%(block)s” cannot be computed: %(error)s")
                    % {"block": block, "error": error}
                ) from None
            block.save(update_fields=["frozen"])
        report.status = ReportStatus.GODKAND
        report.approved_by = user
        report.approved_body = body.strip()
        report.approved_at = day
        report.save(
            update_fields=["status", "approved_by", "approved_body", "approved_at", "updated_at"]
        )
        if report.replaces_id:
            SituationReport.objects.filter(
                pk=report.replaces_id, status=ReportStatus.GODKAND
            ).update(status=ReportStatus.ERSATT)
    given.refresh_from_db()  # the caller's object shows the approval too
    return given


def new_version(user: AnyUser, report: SituationReport) -> SituationReport:
    """A draft copy of an approved version (blocks and texts; figures live again)."""
    check_report(user, report, APPROVE)
    assert isinstance(user, User)  # check_report lets no anonymous user through
    if not report.is_locked:
        raise WorkflowError(_("Only an approved report gets a new version; edit the draft."))
    existing = report.replaced_by.first()
    if existing is not None:
        raise WorkflowError(
            _("Version %(version)s already replaces this one.") % {"version": existing.version}
        )
    with transaction.atomic():
        draft = SituationReport.objects.create(
            title=report.title,
            area=report.area,
            period_kind=report.period_kind,
            period_start=report.period_start,
            period_end=report.period_end,
            version=report.version + 1,
            replaces=report,
            created_by=user,
        )
        ReportBlock.objects.bulk_create(
            ReportBlock(
                report=draft,
                order=block.order,
                section=block.section,
                kind=block.kind,
                title=block.title,
                text=block.text,
                selection=block.selection,
                lineage=block.lineage,
            )
            for block in ordered_blocks(report)
        )
    return draft
