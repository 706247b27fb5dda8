"""The duties of Lag (2023:196) as a live checklist: one small function per duty.

Each duty function takes a ``Context`` (the area the checklist is for, and the day it is
computed on) and returns a ``Duty``: its status, the date it falls due, a link to the evidence
and a Swedish explanation. Nothing is stored; every page view computes the list afresh from
the records, so the checklist can never disagree with them.

Statuses: ``uppfyllt`` (fulfilled, due more than ``SOON_DAYS`` ahead or not at all),
``snart_forfallet`` (falls due within ``SOON_DAYS``), ``forfallet`` (past due) and ``saknas``
(there is nothing to show). The records that count for an area are those of the area itself
and of the areas above it (a city-wide agreement or council serves each district); open
action items and follow-ups also count from the areas below.

The lägesbild (``reports.SituationReport``, its approved versions) and the åtgärdsplan
(``plans.ActionPlan``, its decided plans, based on a lägesbild through ``situation_report``)
are read through their QuerySets; a plan based on a lägesbild kept outside Trygg has no
``situation_report`` and does not fulfil the duty.

Both must be younger than TRYGG_LAGESBILD_REVIEW_MONTHS (default 24), unless the plan carries
its own ``review_date``; a plan counts only if it is based on the newest approved lägesbild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.accounts.models import Membership, Role
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    Forum,
    ForumKind,
    Meeting,
    PromiseFollowUp,
)
from trygg.lib.periods import add_months
from trygg.places.models import Area, AreaTree
from trygg.plans.models import ActionPlan
from trygg.reports.models import SituationReport

SOON_DAYS = 60
FORUM_INTERVAL_MONTHS = 12


class Status(StrEnum):
    UPPFYLLT = "uppfyllt"
    SNART_FORFALLET = "snart_forfallet"
    FORFALLET = "forfallet"
    SAKNAS = "saknas"

    @property
    def label(self) -> str | Promise:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.UPPFYLLT: gettext_lazy("fulfilled"),
    Status.SNART_FORFALLET: gettext_lazy("due soon"),
    Status.FORFALLET: gettext_lazy("overdue"),
    Status.SAKNAS: gettext_lazy("missing"),
}


@dataclass(frozen=True)
class Evidence:
    """One record behind a duty, e.g. an agreement or an overdue action item."""

    label: str
    url: str | None = None
    due: dt.date | None = None


@dataclass
class Duty:
    key: str
    title: str
    status: Status
    explanation: str
    due: dt.date | None = None
    evidence_url: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return self.status is not Status.UPPFYLLT


@dataclass
class Context:
    area: Area
    today: dt.date
    tree: AreaTree

    @property
    def applying_area_ids(self) -> set[int]:
        """The area and those above it: whose agreements, councils and reports apply here."""
        return {self.area.pk, *self.tree.ancestors(self.area.pk)}

    @property
    def related_area_ids(self) -> set[int]:
        """The applying areas and everything below: whose open items count here."""
        return self.applying_area_ids | self.tree.descendants(self.area.pk)

    @property
    def now(self) -> dt.datetime:
        """The end of ``today`` in local time: meetings earlier that day have been held."""
        zone = timezone.get_current_timezone()
        return dt.datetime.combine(self.today, dt.time.max, tzinfo=zone)


def status_for(due: dt.date | None, today: dt.date) -> Status:
    """Fulfilled until ``SOON_DAYS`` before the due date, then due soon, then overdue."""
    if due is None:
        return Status.UPPFYLLT
    if today > due:
        return Status.FORFALLET
    if (due - today).days <= SOON_DAYS:
        return Status.SNART_FORFALLET
    return Status.UPPFYLLT


def _date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _day(value: dt.date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def _url(obj: Model) -> str | None:
    get = getattr(obj, "get_absolute_url", None)
    try:
        return get() if get else None
    except Exception:  # a later app's URL may not be wired yet; the row still renders
        return None


def review_months() -> int:
    return int(settings.TRYGG_LAGESBILD_REVIEW_MONTHS)


# The duties ----------------------------------------------------------------------------


def samordningsfunktion(ctx: Context) -> Duty:
    title = _("A coordination function is designated")
    coordinators = (
        Membership.objects.active()
        .filter(role=Role.SAMORDNARE, area__in=ctx.applying_area_ids, user__is_active=True)
        .select_related("user", "organisation", "area")
        .order_by("organisation__name", "user__last_name", "user__username")
    )
    evidence = [
        Evidence(
            f"{m.user} ({m.organisation}, {m.area})",
            reverse("accounts:organisation_detail", args=[m.organisation_id]),
        )
        for m in coordinators
    ]
    if not evidence:
        return Duty(
            "samordningsfunktion",
            title,
            Status.SAKNAS,
            _("No one has the coordinator role for %(area)s.") % {"area": ctx.area},
        )
    names = ", ".join(e.label for e in evidence)
    return Duty(
        "samordningsfunktion",
        title,
        Status.UPPFYLLT,
        _("Coordinators: %(names)s.") % {"names": names},
        evidence_url=evidence[0].url,
        evidence=evidence,
    )


def _latest_situation_report(ctx: Context) -> SituationReport | None:
    return (
        SituationReport.objects.approved()
        .filter(area__in=ctx.applying_area_ids)
        .exclude(approved_at__isnull=True)
        .order_by("-approved_at")
        .first()
    )


def lagesbild(ctx: Context) -> Duty:
    title = _("An approved lägesbild younger than %(months)s months") % {"months": review_months()}
    report = _latest_situation_report(ctx)
    if report is None or report.approved_at is None:
        return Duty(
            "lagesbild",
            title,
            Status.SAKNAS,
            _("There is no approved lägesbild for %(area)s.") % {"area": ctx.area},
        )
    approved = _date(report.approved_at)
    due = add_months(approved, review_months())
    return Duty(
        "lagesbild",
        title,
        status_for(due, ctx.today),
        _("“%(report)s” was approved on %(approved)s and must be renewed by %(due)s.")
        % {"report": report, "approved": _day(approved), "due": _day(due)},
        due=due,
        evidence_url=_url(report),
        evidence=[Evidence(str(report), _url(report), due)],
    )


def atgardsplan(ctx: Context) -> Duty:
    title = _("A decided åtgärdsplan based on the lägesbild")
    report = _latest_situation_report(ctx)
    if report is None:
        return Duty(
            "atgardsplan",
            title,
            Status.SAKNAS,
            _("A plan is based on an approved lägesbild, and there is none yet."),
        )
    plan = (
        ActionPlan.objects.decided()
        .filter(situation_report=report)
        .exclude(decided_at__isnull=True)
        .order_by("-decided_at")
        .first()
    )
    if plan is None or plan.decided_at is None:
        return Duty(
            "atgardsplan",
            title,
            Status.SAKNAS,
            _("No decided åtgärdsplan is based on the newest approved lägesbild “%(report)s”.")
            % {"report": report},
        )
    decided = _date(plan.decided_at)
    # A plan may carry its own review date (trygg.plans: ``review_date``); else the interval.
    due = getattr(plan, "review_date", None) or add_months(decided, review_months())
    return Duty(
        "atgardsplan",
        title,
        status_for(due, ctx.today),
        _("“%(plan)s” was decided on %(decided)s and must be renewed by %(due)s.")
        % {"plan": plan, "decided": _day(decided), "due": _day(due)},
        due=due,
        evidence_url=_url(plan),
        evidence=[Evidence(str(plan), _url(plan), due)],
    )


def overenskommelse(ctx: Context) -> Duty:
    title = _("A valid written agreement with the police")
    with_police = Agreement.objects.with_police().filter(area__in=ctx.applying_area_ids)
    valid = list(with_police.valid_on(ctx.today).prefetch_related("parties").order_by("title"))
    if not valid:
        ended = with_police.ended_before(ctx.today).order_by("-valid_until").first()
        if ended is not None:
            return Duty(
                "overenskommelse",
                title,
                Status.FORFALLET,
                _("“%(agreement)s” ended on %(day)s; no agreement with the police is in force.")
                % {"agreement": ended, "day": _day(ended.valid_until)},
                due=ended.valid_until,
                evidence_url=ended.get_absolute_url(),
                evidence=[Evidence(ended.title, ended.get_absolute_url(), ended.valid_until)],
            )
        return Duty(
            "overenskommelse",
            title,
            Status.SAKNAS,
            _("There is no signed agreement with the police for %(area)s.") % {"area": ctx.area},
        )
    ends = [a.valid_until for a in valid if a.valid_until]
    # The duty holds as long as the longest-running agreement does.
    due = None if len(ends) < len(valid) else max(ends)
    evidence = [
        Evidence(
            f"{a.title} ({', '.join(p.short_name or p.name for p in a.parties.all())})",
            a.get_absolute_url(),
            a.valid_until,
        )
        for a in valid
    ]
    return Duty(
        "overenskommelse",
        title,
        status_for(due, ctx.today),
        _("In force: %(agreements)s.") % {"agreements": "; ".join(e.label for e in evidence)},
        due=due,
        evidence_url=valid[0].get_absolute_url(),
        evidence=evidence,
    )


def bilaga(ctx: Context) -> Duty:
    title = _("The agreements' annexes of priority areas are reviewed in time")
    valid = list(
        Agreement.objects.filter(area__in=ctx.applying_area_ids)
        .valid_on(ctx.today)
        .order_by("annex_review_due", "title")
    )
    dated = [a for a in valid if a.annex_review_due]
    if not dated:
        return Duty(
            "bilaga",
            title,
            Status.SAKNAS,
            _("No agreement in force has a review date for its annex.")
            if valid
            else _("There is no agreement in force whose annex could be reviewed."),
        )
    first = dated[0]
    due = first.annex_review_due
    return Duty(
        "bilaga",
        title,
        status_for(due, ctx.today),
        _("The annex of “%(agreement)s” must be reviewed by %(due)s.")
        % {"agreement": first, "due": _day(due)},
        due=due,
        evidence_url=first.get_absolute_url(),
        evidence=[Evidence(a.title, a.get_absolute_url(), a.annex_review_due) for a in dated],
    )


def strategiskt_forum(ctx: Context) -> Duty:
    title = _("A strategic council exists and met within %(months)s months") % {
        "months": FORUM_INTERVAL_MONTHS
    }
    forums = list(
        Forum.objects.filter(
            kind=ForumKind.STRATEGISKT_RAD, is_active=True, area__in=ctx.applying_area_ids
        ).order_by("name")
    )
    if not forums:
        return Duty(
            "strategiskt_forum",
            title,
            Status.SAKNAS,
            _("There is no strategic council for %(area)s.") % {"area": ctx.area},
        )
    best: tuple[dt.date, Forum, dt.date | None] | None = None
    for forum in forums:
        last = Meeting.objects.held(ctx.now).filter(forum=forum).order_by("-starts_at").first()
        met = timezone.localdate(last.starts_at) if last else None
        due = add_months(met or timezone.localdate(forum.created_at), FORUM_INTERVAL_MONTHS)
        if best is None or due > best[0]:
            best = (due, forum, met)
    assert best is not None
    due, forum, met = best
    if met is None:
        explanation = _("“%(forum)s” has not met yet; it should meet by %(due)s.") % {
            "forum": forum,
            "due": _day(due),
        }
    else:
        explanation = _("“%(forum)s” last met on %(met)s and should meet again by %(due)s.") % {
            "forum": forum,
            "met": _day(met),
            "due": _day(due),
        }
    return Duty(
        "strategiskt_forum",
        title,
        status_for(due, ctx.today),
        explanation,
        due=due,
        evidence_url=forum.get_absolute_url(),
        evidence=[Evidence(forum.name, forum.get_absolute_url(), due)],
    )


def _open_items_duty(
    key: str, title: str, evidence: list[Evidence], today: dt.date, none_text: str
) -> Duty:
    """Overdue if any item is past due; due soon if one falls due within SOON_DAYS."""
    if not evidence:
        return Duty(key, title, Status.UPPFYLLT, none_text)
    first = min(evidence, key=lambda e: e.due or dt.date.max)
    status = status_for(first.due, today)
    overdue = [e for e in evidence if status_for(e.due, today) is Status.FORFALLET]
    soon = [e for e in evidence if status_for(e.due, today) is Status.SNART_FORFALLET]
    if overdue:
        explanation = _("%(n)s overdue, the oldest due on %(due)s: %(label)s.") % {
            "n": len(overdue),
            "due": _day(first.due),
            "label": first.label,
        }
    elif soon:
        explanation = _("%(n)s fall due within %(days)s days, the first on %(due)s: %(label)s.") % {
            "n": len(soon),
            "days": SOON_DAYS,
            "due": _day(first.due),
            "label": first.label,
        }
    else:
        explanation = _("Nothing is overdue; the next falls due on %(due)s.") % {
            "due": _day(first.due)
        }
    return Duty(
        key,
        title,
        status,
        explanation,
        due=first.due,
        evidence_url=first.url,
        evidence=sorted(overdue + soon, key=lambda e: e.due or dt.date.max),
    )


def atgardspunkter(ctx: Context) -> Duty:
    items = (
        ActionItem.objects.open()
        .filter(meeting__forum__area__in=ctx.related_area_ids, due_on__isnull=False)
        .select_related("meeting__forum", "owner")
        .order_by("due_on")
    )
    evidence = [
        Evidence(
            f"{item.title} ({item.meeting.forum.name}; {item.owner_display or '–'})",
            item.meeting.get_absolute_url(),
            item.due_on,
        )
        for item in items
    ]
    return _open_items_duty(
        "atgardspunkter",
        _("Action items from meetings are done in time"),
        evidence,
        ctx.today,
        _("No open action items have a due date."),
    )


def uppfoljningar(ctx: Context) -> Duty:
    follow_ups = (
        PromiseFollowUp.objects.open()
        .filter(promise__area__in=ctx.related_area_ids)
        .select_related("promise")
        .order_by("due_on")
    )
    evidence = [
        Evidence(
            _("Follow-up of “%(promise)s”") % {"promise": f.promise},
            f.promise.get_absolute_url(),
            f.due_on,
        )
        for f in follow_ups
    ]
    return _open_items_duty(
        "uppfoljningar",
        _("Citizen promises are followed up in time"),
        evidence,
        ctx.today,
        _("No follow-ups are planned."),
    )


DUTIES: list[Callable[[Context], Duty]] = [
    samordningsfunktion,
    lagesbild,
    atgardsplan,
    overenskommelse,
    bilaga,
    strategiskt_forum,
    atgardspunkter,
    uppfoljningar,
]


def checklist(area: Area, today: dt.date | None = None) -> list[Duty]:
    """Every duty for ``area`` as of ``today`` (the local date unless given)."""
    ctx = Context(area=area, today=today or timezone.localdate(), tree=AreaTree.load())
    return [duty(ctx) for duty in DUTIES]
