"""Pages for Samverkan: agreements, citizen promises, forums, meetings and calendars."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.accounts.models import User
from trygg.collaboration import actions, ics
from trygg.collaboration.forms import (
    ActionItemFormSet,
    AgendaItemFormSet,
    AgreementForm,
    DecisionFormSet,
    DocumentForm,
    FollowUpFormSet,
    ForumForm,
    MeetingForm,
    MemberFormSet,
    MinutesForm,
    PriorityFormSet,
    PromiseForm,
    SignatoryFormSet,
)
from trygg.collaboration.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AgreementDocument,
    CalendarFeed,
    CitizenPromise,
    Forum,
    ForumMember,
    Meeting,
    MeetingQuerySet,
)
from trygg.collaboration.permissions import (
    CHANGE,
    can_action_item,
    can_add,
    can_agreement,
    can_collaborate,
    can_forum,
    can_promise,
    check_action_item,
    check_agreement,
    check_forum,
    check_meeting,
    check_promise,
    visible_agreements,
    visible_forums,
    visible_meetings,
    visible_promises,
)
from trygg.lib.forms import unconfirmed_removals
from trygg.lib.web import download, page

SECTION = "collaboration"


def _require_member(request: HttpRequest) -> None:
    if not can_collaborate(request.user):
        raise PermissionDenied


def _require_adder(request: HttpRequest) -> None:
    if not can_add(request.user):
        raise PermissionDenied


def _meetings_for_list(meetings: Any) -> Any:
    return meetings.select_related("forum", "forum__area")


@page(SECTION)
def index(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "collaboration/index.html",
        {
            "upcoming": _meetings_for_list(visible_meetings(user).upcoming())[:8],
            "agreements": visible_agreements(user).select_related("area"),
            "forums": visible_forums(user).filter(is_active=True).select_related("area"),
            "promises": visible_promises(user).filter(ends_on__gte=today).select_related("area"),
            "can_add": can_add(user),
        },
    )


# Agreements ----------------------------------------------------------------------------


@page(SECTION)
def agreement_list(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    agreements = (
        visible_agreements(request.user)
        .select_related("area", "follows")
        .prefetch_related("parties")
    )
    return render(
        request,
        "collaboration/agreement_list.html",
        {"agreements": agreements, "can_add": can_add(request.user)},
    )


@page(SECTION)
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("area", "follows").prefetch_related(
            "parties", "signatories__organisation", "priorities__priority_area", "documents"
        ),
        pk=pk,
    )
    check_agreement(request.user, agreement)
    can_change = can_agreement(request.user, agreement, CHANGE)
    document_form = DocumentForm()
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        document_form = DocumentForm(request.POST, request.FILES)
        if document_form.is_valid():
            actions.attach_document(
                agreement,
                document_form.cleaned_data["file"],
                title=document_form.cleaned_data["title"],
                user=request.user,
            )
            messages.success(request, _("The document was attached."))
            return redirect(agreement)
    return render(
        request,
        "collaboration/agreement_detail.html",
        {
            "agreement": agreement,
            "can_change": can_change,
            "document_form": document_form,
            "local_agreements": visible_agreements(request.user).filter(follows=agreement),
            "meetings": _meetings_for_list(
                visible_meetings(request.user).filter(
                    agenda_items__linked_type__model="agreement",
                    agenda_items__linked_type__app_label="collaboration",
                    agenda_items__linked_id=agreement.pk,
                )
            ).distinct(),
        },
    )


def _agreement_form(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    creating = agreement.pk is None
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, instance=agreement, user=request.user)
    signatories = SignatoryFormSet(data, instance=agreement, prefix="sign", user=request.user)
    priorities = None if creating else PriorityFormSet(data, instance=agreement, prefix="prio")
    valid = data is not None and form.is_valid() and signatories.is_valid()
    valid = valid and (priorities is None or priorities.is_valid())
    removals = unconfirmed_removals(request, [signatories, priorities]) if valid else []
    if valid and not removals:
        with transaction.atomic():
            saved = actions.save_agreement(
                form.save(commit=False), parties=form.cleaned_data["parties"]
            )
            signatories.instance = saved
            signatories.save()
            if priorities is not None:
                priorities.save()
        messages.success(request, _("The agreement was saved."))
        return redirect(saved)
    return render(
        request,
        "collaboration/agreement_form.html",
        {
            "form": form,
            "signatories": signatories,
            "priorities": priorities,
            "agreement": agreement,
            "creating": creating,
            "removals": removals,
        },
    )


@page(SECTION)
def agreement_create(request: HttpRequest) -> HttpResponse:
    _require_adder(request)
    return _agreement_form(request, Agreement())


@page(SECTION)
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    check_agreement(request.user, agreement, CHANGE)
    return _agreement_form(request, agreement)


@download  # a session, or an API token (the API hands out these links)
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    found = get_object_or_404(
        AgreementDocument.objects.select_related("agreement"), pk=document_pk, agreement_id=pk
    )
    check_agreement(request.user, found.agreement)
    name = f"{slugify(found.title) or 'dokument'}.pdf"
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@page(SECTION)
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    found = get_object_or_404(
        AgreementDocument.objects.select_related("agreement"), pk=document_pk, agreement_id=pk
    )
    check_agreement(request.user, found.agreement, CHANGE)
    actions.delete_document(found)
    messages.success(request, _("The document was removed."))
    return redirect(found.agreement)


# Citizen promises ----------------------------------------------------------------------


@page(SECTION)
def promise_list(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    promises = (
        visible_promises(request.user)
        .select_related("area")
        .prefetch_related("parties", "follow_ups")
    )
    return render(
        request,
        "collaboration/promise_list.html",
        {"promises": promises, "can_add": can_add(request.user)},
    )


@page(SECTION)
def promise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(
        CitizenPromise.objects.select_related("area").prefetch_related("parties", "follow_ups"),
        pk=pk,
    )
    check_promise(request.user, promise)
    return render(
        request,
        "collaboration/promise_detail.html",
        {
            "promise": promise,
            "can_change": can_promise(request.user, promise, CHANGE),
        },
    )


def _promise_form(request: HttpRequest, promise: CitizenPromise) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PromiseForm(data, instance=promise, user=request.user)
    follow_ups = FollowUpFormSet(data, instance=promise, prefix="follow")
    valid = data is not None and form.is_valid() and follow_ups.is_valid()
    removals = unconfirmed_removals(request, [follow_ups]) if valid else []
    if valid and not removals:
        with transaction.atomic():
            saved = form.save()
            follow_ups.instance = saved
            follow_ups.save()
        messages.success(request, _("The citizen promise was saved."))
        return redirect(saved)
    return render(
        request,
        "collaboration/promise_form.html",
        {"form": form, "follow_ups": follow_ups, "promise": promise, "removals": removals},
    )


@page(SECTION)
def promise_create(request: HttpRequest) -> HttpResponse:
    _require_adder(request)
    return _promise_form(request, CitizenPromise())


@page(SECTION)
def promise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(CitizenPromise, pk=pk)
    check_promise(request.user, promise, CHANGE)
    return _promise_form(request, promise)


# Forums --------------------------------------------------------------------------------

MEMBERS = Prefetch("members", queryset=ForumMember.objects.select_related("user", "organisation"))


@page(SECTION)
def forum_list(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    forums = list(visible_forums(request.user).select_related("area").prefetch_related(MEMBERS))
    upcoming: dict[int, Meeting] = {}
    for meeting in Meeting.objects.upcoming().filter(forum__in=forums):
        upcoming.setdefault(meeting.forum_id, meeting)
    for forum in forums:
        forum.next_meeting = upcoming.get(forum.pk)  # type: ignore[attr-defined]  # for the page
    return render(
        request,
        "collaboration/forum_list.html",
        {"forums": forums, "can_add": can_add(request.user)},
    )


@page(SECTION)
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum.objects.select_related("area").prefetch_related(MEMBERS), pk=pk)
    check_forum(request.user, forum)
    now = timezone.now()
    return render(
        request,
        "collaboration/forum_detail.html",
        {
            "forum": forum,
            "upcoming": forum.meetings.upcoming(now),
            "past": forum.meetings.filter(ends_at__lt=now).order_by("-starts_at")[:20],
            "open_items": ActionItem.objects.open()
            .filter(meeting__forum=forum)
            .select_related("owner", "meeting"),
            "can_change": can_forum(request.user, forum, CHANGE),
        },
    )


def _forum_form(request: HttpRequest, forum: Forum) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ForumForm(data, instance=forum, user=request.user)
    members = MemberFormSet(data, instance=forum, prefix="member", user=request.user)
    valid = data is not None and form.is_valid() and members.is_valid()
    removals = unconfirmed_removals(request, [members]) if valid else []
    if valid and not removals:
        with transaction.atomic():
            saved = form.save()
            members.instance = saved
            # Deletions and a cleared chair first, so that a chair can move in one save.
            members.save(commit=False)
            for gone in members.deleted_objects:
                gone.delete()
            changed = members.new_objects + [member for member, _f in members.changed_objects]
            for member in sorted(changed, key=lambda m: m.is_chair):
                member.forum = saved
                member.save()
        messages.success(request, _("The forum was saved."))
        return redirect(saved)
    return render(
        request,
        "collaboration/forum_form.html",
        {"form": form, "members": members, "forum": forum, "removals": removals},
    )


@page(SECTION)
def forum_create(request: HttpRequest) -> HttpResponse:
    _require_adder(request)
    return _forum_form(request, Forum())


@page(SECTION)
def forum_edit(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=pk)
    check_forum(request.user, forum, CHANGE)
    return _forum_form(request, forum)


# Meetings ------------------------------------------------------------------------------


def _last_meeting_defaults(forum: Forum) -> dict[str, Any]:
    last = forum.meetings.order_by("-starts_at").first()
    if last is None:
        return {}
    return {
        "address": last.address,
        "room": last.room,
        "contact_name": last.contact_name,
        "contact_phone": last.contact_phone,
        "contact_email": last.contact_email,
    }


@page(SECTION)
def meeting_create(request: HttpRequest, forum_pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=forum_pk)
    check_forum(request.user, forum, CHANGE)
    meeting = Meeting(forum=forum)
    form = MeetingForm(
        request.POST or None, instance=meeting, initial=_last_meeting_defaults(forum)
    )
    if request.method == "POST" and form.is_valid():
        actions.save_meeting(form.save(commit=False))
        messages.success(request, _("The meeting was added. Now write its agenda."))
        return redirect("collaboration:meeting_edit", pk=meeting.pk)
    return render(
        request,
        "collaboration/meeting_form.html",
        {"form": form, "forum": forum, "meeting": meeting, "agenda": None},
    )


@page(SECTION)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    check_meeting(request.user, meeting, CHANGE)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, instance=meeting)
    agenda = AgendaItemFormSet(data, instance=meeting, prefix="agenda", user=request.user)
    valid = data is not None and form.is_valid() and agenda.is_valid()
    removals = unconfirmed_removals(request, [agenda]) if valid else []
    if valid and not removals:
        with transaction.atomic():
            form.save()
            agenda.save()
        messages.success(request, _("The meeting was saved."))
        return redirect(meeting)
    return render(
        request,
        "collaboration/meeting_form.html",
        {
            "form": form,
            "forum": meeting.forum,
            "meeting": meeting,
            "agenda": agenda,
            "removals": removals,
        },
    )


@page(SECTION)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum", "forum__area"), pk=pk)
    check_meeting(request.user, meeting)
    agenda = list(
        meeting.agenda_items.select_related(
            "linked_type", "carried_action__owner"
        ).prefetch_related("linked")
    )
    return render(
        request,
        "collaboration/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "decisions": meeting.decisions.select_related("agenda_item"),
            "action_items": [
                (item, can_action_item(request.user, item, CHANGE))
                for item in meeting.action_items.select_related("owner")
            ],
            "can_change": can_forum(request.user, meeting.forum, CHANGE),
            "ics_url": request.build_absolute_uri(meeting.get_ics_url()),
        },
    )


@page(SECTION)
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    check_meeting(request.user, meeting, CHANGE)
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, instance=meeting)
    decisions = DecisionFormSet(data, instance=meeting, prefix="decision")
    items = ActionItemFormSet(data, instance=meeting, prefix="action", user=request.user)
    valid = data is not None and form.is_valid() and decisions.is_valid() and items.is_valid()
    removals = unconfirmed_removals(request, [decisions, items]) if valid else []
    if valid and not removals:
        with transaction.atomic():
            form.save()
            decisions.save()
            saved_items = items.save(commit=False)
            for gone in items.deleted_objects:
                gone.delete()
            actions.save_action_items(meeting, saved_items)
        messages.success(request, _("The minutes were saved."))
        return redirect(meeting)
    return render(
        request,
        "collaboration/meeting_minutes.html",
        {
            "form": form,
            "decisions": decisions,
            "items": items,
            "meeting": meeting,
            "removals": removals,
        },
    )


@require_POST
@page(SECTION)
def action_item_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("meeting__forum"), pk=pk)
    check_action_item(request.user, item, CHANGE)
    actions.set_action_item_done(item, request.POST.get("done") == "1")
    target = request.POST.get("next") or item.meeting.get_absolute_url()
    if not target.startswith("/") or target.startswith("//"):
        target = item.meeting.get_absolute_url()
    return redirect(target)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _calendar(request: HttpRequest, meetings: Any, name: str) -> bytes:
    return ics.calendar(
        meetings.prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk"))
        ),
        name=name,
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
        domain=request.get_host().split(":")[0],
    )


@download  # a session, or an API token (the API hands out these links)
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    check_meeting(request.user, meeting)
    body = _calendar(request, Meeting.objects.filter(pk=pk).select_related("forum"), str(meeting))
    day = timezone.localtime(meeting.starts_at)
    return _ics_response(body, f"mote-{day:%Y-%m-%d}-{meeting.pk}.ics")


# The private calendar feed -------------------------------------------------------------


def feed_meetings(user: User) -> MeetingQuerySet:
    """The meetings in a user's feed: those of the forums they belong to, that they may see."""
    since = timezone.now() - dt.timedelta(days=365)
    return (
        visible_meetings(user)
        .filter(forum__members__user=user, starts_at__gte=since)
        .select_related("forum")
        .distinct()
        .order_by("starts_at")
    )


@page(SECTION)
def calendar_settings(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    user = request.user
    assert isinstance(user, User)  # @page lets only signed-in users through
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            actions.revoke_calendar_feed(user)
            messages.success(request, _("Your calendar address was turned off."))
        else:
            actions.regenerate_calendar_feed(user)
            messages.success(
                request, _("You have a new calendar address; the old one no longer works.")
            )
        return redirect("collaboration:calendar")
    feed = actions.calendar_feed(user)
    return render(
        request,
        "collaboration/calendar.html",
        {
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else None,
            "meeting_count": feed_meetings(user).count(),
        },
    )


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed a calendar program subscribes to; the secret in the address is the sign-in."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    name = _("Trygg – meetings of %(user)s") % {"user": feed.user}
    body = _calendar(request, feed_meetings(feed.user), name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
