"""Samverkan: agreements, citizen promises, forums and their meetings.

Every record belongs to an area (directly, or through its forum) and is scoped by it like the
rest of Trygg: members of the area and of the areas below it see it, coordinators change it
(see ``trygg.collaboration.permissions``). Writes with rules (carrying open action items over,
calendar secrets) live in ``trygg.collaboration.actions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.lib import lights
from trygg.lib.dates import check_dates, date_errors
from trygg.lib.periods import add_years
from trygg.lib.safetext import (
    LONG_TEXT,
    SafeCharField,
    SafeEmailField,
    SafeSlugField,
    SafeTextField,
    SafeURLField,
)

# Agreements ----------------------------------------------------------------------------


class PriorityArea(models.Model):
    """A samverkansområde an agreement can prioritise, e.g. “Unga i risk för kriminalitet”."""

    code = SafeSlugField(_("code"), max_length=60, unique=True)
    name = SafeCharField(_("name"), max_length=200, unique=True)
    description = SafeTextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Added to every new agreement."),
    )

    class Meta:
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AgreementScope(models.TextChoices):
    STADSOVERGRIPANDE = "stadsovergripande", _("city-wide")
    LOKAL = "lokal", _("local")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def valid_on(self, day: dt.date) -> AgreementQuerySet:
        """Signed, and in force on ``day`` (an agreement without an end date runs until ended).

        ``Agreement.is_valid_on`` is the same rule for one agreement; the pages ask it.
        """
        return self.filter(signed_on__isnull=False, signed_on__lte=day).filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )

    def ended_before(self, day: dt.date) -> AgreementQuerySet:
        """Agreements whose last day in force (``valid_until``) is before ``day``."""
        return self.filter(valid_until__lt=day)

    def with_police(self) -> AgreementQuerySet:
        return self.filter(parties__kind="polis").distinct()


class Agreement(models.Model):
    """A samverkansöverenskommelse: signed parties, priority areas, and when to review the annex."""

    title = SafeCharField(_("title"), max_length=200)
    scope = models.CharField(_("scope"), max_length=20, choices=AgreementScope.choices)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("Where the agreement applies; it is visible to everyone working there."),
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="local_agreements",
        help_text=_("The city-wide agreement a local agreement follows."),
    )
    parties = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("parties"), related_name="agreements"
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty for “until further notice”."),
    )
    annex_review_due = models.DateField(
        _("annex review due"),
        null=True,
        blank=True,
        help_text=_(
            "When the annex of priority areas must be reviewed at the latest. "
            "Left empty, it is set to four years after signing."
        ),
    )
    annex_reviewed_on = models.DateField(_("annex last reviewed"), null=True, blank=True)
    situation_report_reference = SafeCharField(
        _("lägesbild it refers to"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Lägesbild 2022”. Revised every year."),
    )
    action_plan_reference = SafeCharField(
        _("action plan it refers to"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Handlingsplan 2023”."),
    )
    summary = SafeTextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-scope", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:agreement_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = date_errors(
            events={"signed_on": self.signed_on, "annex_reviewed_on": self.annex_reviewed_on},
            planned={
                "valid_from": self.valid_from,
                "valid_until": self.valid_until,
                "annex_review_due": self.annex_review_due,
            },
        )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The agreement cannot end before it starts.")
        if self.follows_id is not None and self.follows_id == self.pk:
            errors["follows"] = _("An agreement cannot follow itself.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: dt.date | None = None) -> bool:
        """Signed, and in force on ``day`` (by default today): ``AgreementQuerySet.valid_on``
        for one agreement (from its first day up to and including ``valid_until``)."""
        day = day or timezone.localdate()
        return (
            self.signed_on is not None
            and self.signed_on <= day
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )

    @property
    def in_force(self) -> bool:
        """In force today (``is_valid_on``)."""
        return self.is_valid_on()

    def annex_review_overdue(self, day: dt.date | None = None) -> bool:
        """Whether the annex's review date has passed on ``day`` (by default today)."""
        day = day or timezone.localdate()
        return self.annex_review_due is not None and self.annex_review_due < day


def default_annex_review_due(signed_on: dt.date | None) -> dt.date | None:
    """The annex review date an agreement gets when none is given (TRYGG_AGREEMENT_REVIEW_YEARS)."""
    if signed_on is None:
        return None
    return add_years(signed_on, settings.TRYGG_AGREEMENT_REVIEW_YEARS)


class Signatory(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("agreement")
    )
    name = SafeCharField(_("name"), max_length=200)
    title = SafeCharField(_("title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


class AgreementPriority(models.Model):
    """One priority area in one agreement: whether it is prioritised here, why, and its status."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("agreement")
    )
    priority_area = models.ForeignKey(
        PriorityArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("priority area")
    )
    is_prioritised = models.BooleanField(
        _("prioritised locally"),
        default=False,
        help_text=_("Prioritised particularly in this agreement."),
    )
    reason = SafeTextField(
        _("why"),
        blank=True,
        help_text=_("E.g. “Prioritised from the local lägesbild.”"),
    )
    status_note = SafeCharField(
        _("status"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Hanteras löpande i verksamheten” or “Stadsövergripande nivå”."),
    )
    follow_up = SafeTextField(_("work and follow-up"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("priority area of an agreement")
        verbose_name_plural = _("priority areas of agreements")
        ordering = ["priority_area__sort_order", "priority_area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "priority_area"], name="agreement_priority_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.priority_area)


def agreement_upload_path(instance: AgreementDocument, filename: str) -> str:
    # The stored name is not the uploader's: a name never leaks into a URL or the file system.
    return f"samverkan/overenskommelser/{instance.agreement_id}/{timezone.now():%Y%m%d%H%M%S}.pdf"


class AgreementDocument(models.Model):
    """A PDF attached to an agreement, stored under MEDIA_ROOT and served only to its readers."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = SafeCharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=agreement_upload_path, max_length=300)
    original_name = SafeCharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:document", args=[self.agreement_id, self.pk])


# Citizen promises ----------------------------------------------------------------------


class CitizenPromise(models.Model):
    """A medborgarlöfte: what the police and the municipality promise residents, and for when."""

    title = SafeCharField(_("title"), max_length=200)
    promise = SafeTextField(_("the promise"))
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    parties = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("parties"), related_name="citizen_promises"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    dialogue = SafeTextField(
        _("dialogue it came from"),
        blank=True,
        help_text=_("The citizen dialogue, survey or safety walk the promise answers."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collaboration:promise_detail", args=[self.pk])

    def clean(self) -> None:
        check_dates(planned={"starts_on": self.starts_on, "ends_on": self.ends_on})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The period cannot end before it starts.")})


class FollowUpStatus(models.TextChoices):
    """Brå's traffic lights as choices; values and words come from ``trygg.lib.lights``."""

    GRON = lights.GRON.value, lights.GRON.label
    GUL = lights.GUL.value, lights.GUL.label
    ROD = lights.ROD.value, lights.ROD.label


class PromiseFollowUpQuerySet(models.QuerySet["PromiseFollowUp"]):
    def open(self) -> PromiseFollowUpQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue(self, day: dt.date) -> PromiseFollowUpQuerySet:
        """Not done, and due before ``day`` (``PromiseFollowUp.is_overdue`` for one)."""
        return self.open().filter(due_on__lt=day)


class PromiseFollowUp(models.Model):
    """A follow-up of a citizen promise, due on a date; done when ``done_on`` is set."""

    promise = models.ForeignKey(
        CitizenPromise,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("citizen promise"),
    )
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, blank=True
    )
    note = SafeTextField(_("note"), blank=True)

    objects = PromiseFollowUpQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.promise} {self.due_on:%Y-%m-%d}"

    def clean(self) -> None:
        check_dates(events={"done_on": self.done_on}, planned={"due_on": self.due_on})

    def is_overdue(self, day: dt.date | None = None) -> bool:
        """Not done, and due before ``day`` (by default today): the queryset's ``overdue``."""
        day = day or timezone.localdate()
        return self.done_on is None and self.due_on < day


# Forums and meetings -------------------------------------------------------------------


class ForumKind(models.TextChoices):
    STRATEGISKT_RAD = "strategiskt_rad", _("strategic council")
    LOKALT_RAD = "lokalt_rad", _("local crime prevention council")
    BEREDNINGSGRUPP = "beredningsgrupp", _("preparatory group")
    ARBETSGRUPP = "arbetsgrupp", _("working group")
    PLATSSAMVERKAN = "platssamverkan", _("place collaboration")
    SSPF = "sspf", _("SSPF steering group")
    ANNAT = "annat", _("other")


class Rhythm(models.TextChoices):
    VECKOVIS = "veckovis", _("weekly")
    VARANNAN_VECKA = "varannan_vecka", _("every other week")
    MANADSVIS = "manadsvis", _("monthly")
    KVARTALSVIS = "kvartalsvis", _("quarterly")
    HALVARSVIS = "halvarsvis", _("twice a year")
    ARLIGEN = "arligen", _("yearly")
    VID_BEHOV = "vid_behov", _("when needed")


class Forum(models.Model):
    """A council or group that meets: strategiskt råd, lokalt råd, beredningsgrupp, …"""

    name = SafeCharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ForumKind.choices)
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="forums"
    )
    rhythm = models.CharField(_("rhythm"), max_length=20, choices=Rhythm.choices, blank=True)
    rhythm_note = SafeCharField(
        _("rhythm in words"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Fridays in weeks 6, 20, 37 and 47”."),
    )
    purpose = SafeTextField(_("purpose"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collaboration:forum_detail", args=[self.pk])

    @property
    def chair(self) -> ForumMember | None:
        return next((m for m in self.members.all() if m.is_chair), None)


class ForumMember(models.Model):
    """A member of a forum: a Trygg user, or a named person outside Trygg."""

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="members", verbose_name=_("forum")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="forum_memberships",
    )
    name = SafeCharField(
        _("name"), max_length=200, blank=True, help_text=_("For a person without a Trygg account.")
    )
    title = SafeCharField(_("title or role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = SafeEmailField(_("e-mail"), blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        ordering = ["-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum"], condition=models.Q(is_chair=True), name="forum_one_chair"
            ),
            models.UniqueConstraint(
                fields=["forum", "user"],
                condition=models.Q(user__isnull=False),
                name="forum_member_user_once",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="forum_member_user_or_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return str(self.user)
        return self.name

    @property
    def described(self) -> str:
        """The name with title and organisation: "Eva Sjöberg (ordförande, Företagarföreningen)"."""
        details = ", ".join(str(p) for p in (self.title, self.organisation) if p)
        return f"{self.display_name} ({details})" if details else self.display_name

    def clean(self) -> None:
        if self.user_id is None and not self.name.strip():
            raise ValidationError({"name": _("Choose a user or write the person's name.")})


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        """Meetings that have not ended yet and are not cancelled, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now(), is_cancelled=False).order_by(
            "starts_at"
        )

    def held(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        return self.filter(starts_at__lte=now or timezone.now(), is_cancelled=False)


class Meeting(models.Model):
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("forum")
    )
    title = SafeCharField(
        _("title"), max_length=200, blank=True, help_text=_("Left empty, the forum's name is used.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    address = SafeCharField(_("address"), max_length=200, blank=True)
    room = SafeCharField(_("room"), max_length=200, blank=True)
    online_url = SafeURLField(_("link for joining online"), blank=True)
    contact_name = SafeCharField(_("contact person"), max_length=200, blank=True)
    contact_phone = SafeCharField(_("contact phone"), max_length=50, blank=True)
    contact_email = SafeEmailField(_("contact e-mail"), blank=True)
    minutes = SafeTextField(_("minutes"), blank=True, max_length=LONG_TEXT)
    attendees = models.ManyToManyField(
        ForumMember, blank=True, related_name="meetings_attended", verbose_name=_("present")
    )
    other_attendees = SafeTextField(
        _("others present"),
        blank=True,
        help_text=_("People who are not members of the forum, one per line."),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.display_title} {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("collaboration:meeting_detail", args=[self.pk])

    def clean(self) -> None:
        check_dates(planned={"starts_at": self.starts_at, "ends_at": self.ends_at})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})

    def get_ics_url(self) -> str:
        return reverse("collaboration:meeting_ics", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or self.forum.name

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.address, self.room) if part)

    @property
    def attendance_recorded(self) -> bool:
        return bool(self.other_attendees.strip()) or self.attendees.exists()

    def attendee_names(self) -> list[str]:
        """Who was present: the forum's members ticked, then the others written in."""
        names = [m.display_name for m in self.attendees.all()]
        return names + [line.strip() for line in self.other_attendees.splitlines() if line.strip()]


class AgendaItem(models.Model):
    """A point on a meeting's agenda; it may link to the record it is about.

    The link is generic so that it can point at an agreement today and at a lägesbild, a
    problem or a measure once those apps exist (see ``trygg.collaboration.links``).
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("number"), default=0)
    title = SafeCharField(_("item"), max_length=300)
    description = SafeTextField(_("description"), blank=True)
    presenter = SafeCharField(_("presented by"), max_length=200, blank=True)
    linked_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")
    carried_action = models.ForeignKey(
        "ActionItem",
        verbose_name=_("carried-over action item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carried_to",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["linked_type", "linked_id"])]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    text = SafeTextField(_("decision"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(done=False)

    def overdue(self, day: dt.date) -> ActionItemQuerySet:
        """Open, and due before ``day`` (``ActionItem.is_overdue`` for one)."""
        return self.open().filter(due_on__lt=day)


class ActionItem(models.Model):
    """Something someone undertook at a meeting; while open it returns on the next agenda."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = SafeCharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    owner_name = SafeCharField(
        _("owner outside Trygg"), max_length=200, blank=True, help_text=_("If not a Trygg user.")
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["done", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # ``done_on`` is set by Trygg when the item is ticked, not typed.
        check_dates(planned={"due_on": self.due_on})

    @property
    def owner_display(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    def is_overdue(self, day: dt.date | None = None) -> bool:
        """Open, and due before ``day`` (by default today): the queryset's ``overdue``."""
        day = day or timezone.localdate()
        return not self.done and self.due_on is not None and self.due_on < day


# The private calendar feed -------------------------------------------------------------


class CalendarFeed(models.Model):
    """A user's secret calendar address; revoking deletes it, regenerating replaces the secret."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("collaboration:calendar_feed", args=[self.secret])
