"""Incidents and the category taxonomy they are reported in.

Categories form an editable tree with Swedish names. Each may be mapped to the police events
feed's ``type`` values, so imported police events land in the right category, and to a UNODC
ICCS level-1 section, so counts can be compared with international statistics.

Incidents are written only through ``trygg.incidents.actions`` and the file imports in
``trygg.incidents.imports``, which check every row with ``trygg.incidents.rules``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from trygg.lib.imports import NameIndex
from trygg.lib.jobs import BackgroundJob
from trygg.lib.safetext import SafeCharField, SafeSlugField, SafeTextField
from trygg.lib.tree import Tree


class IccsSection(models.TextChoices):
    """UNODC International Classification of Crime for Statistical Purposes, level 1."""

    S01 = "01", _("01 Acts leading to death or intending to cause death")
    S02 = "02", _("02 Acts causing harm or intending to cause harm to the person")
    S03 = "03", _("03 Injurious acts of a sexual nature")
    S04 = "04", _("04 Acts against property involving violence or threat against a person")
    S05 = "05", _("05 Acts against property only")
    S06 = "06", _("06 Acts involving controlled drugs or other psychoactive substances")
    S07 = "07", _("07 Acts involving fraud, deception or corruption")
    S08 = "08", _("08 Acts against public order, authority and provisions of the State")
    S09 = "09", _("09 Acts against public safety and state security")
    S10 = "10", _("10 Acts against the natural environment")
    S11 = "11", _("11 Other criminal acts not elsewhere classified")


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)

    def roots(self) -> CategoryQuerySet:
        return self.filter(parent__isnull=True)

    def police_type_map(self) -> dict[str, Category]:
        """Active categories by the lower-cased police event types mapped to them."""
        return {
            event_type.strip().lower(): category
            for category in self.active().exclude(police_event_types=[])
            for event_type in category.police_event_types
        }

    def by_name(self) -> tuple[NameIndex[Category], set[str]]:
        """The categories as a file names them: by code and, where no other category shares
        it, by name; and the names that are shared (they must be given by code)."""
        categories = list(self)
        index: NameIndex[Category] = NameIndex()
        for category in categories:
            index.add(category.code, category)
        return index, index.unique((c.name, c) for c in categories)

    def for_police_type(self, event_type: str) -> Category | None:
        """The active category a police event type is mapped to, if any."""
        return self.police_type_map().get(event_type.strip().lower())


class Category(models.Model):
    name = SafeCharField(_("name"), max_length=120)
    code = SafeSlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Short stable identifier used in imports and the API, e.g. “klotter”."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = SafeTextField(_("description"), blank=True)
    police_event_types = models.JSONField(
        _("police event types"),
        default=list,
        blank=True,
        help_text=_("Values of “type” in the police events feed that belong here."),
    )
    iccs_section = models.CharField(
        _("ICCS section"), max_length=2, choices=IccsSection.choices, blank=True
    )
    is_crime = models.BooleanField(
        _("is a crime"),
        default=True,
        help_text=_("Off for observations that are not crimes, e.g. gatherings or unsafe places."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Crime harm: what one incident of the category weighs, in the installation's harm unit
    # (TRYGG_HARM_UNIT, e.g. days of prison at the usual sentence), with where it comes from.
    harm_weight = models.FloatField(
        _("harm weight"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1_000_000)],
        help_text=_(
            "What one incident weighs in the harm index, e.g. days of prison at the usual "
            "sentence. Empty: the category adds no harm."
        ),
    )
    harm_source = SafeCharField(
        _("source of the harm weight"),
        max_length=200,
        blank=True,
        help_text=_("Where the weight comes from, e.g. a harm index and its year."),
    )

    history = HistoricalRecords()
    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_under_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.police_event_types, list) or not all(
            isinstance(t, str) for t in self.police_event_types
        ):
            raise ValidationError(
                {"police_event_types": _('Give a list of event type names, e.g. ["Rån"].')}
            )
        self.police_event_types = [t.strip() for t in self.police_event_types if t.strip()]
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot lie inside itself.")})
            node = node.parent
        if self.police_event_types:
            taken = {t.lower() for t in self.police_event_types}
            for other in Category.objects.exclude(pk=self.pk).exclude(police_event_types=[]):
                clash = taken & {t.lower() for t in other.police_event_types}
                if clash:
                    raise ValidationError(
                        {
                            "police_event_types": _(
                                "“%(type)s” is already mapped to the category %(other)s."
                            )
                            % {"type": sorted(clash)[0], "other": other.name}
                        }
                    )

    def descendant_ids(self) -> set[int]:
        """This category and every category below it."""
        return Tree(Category.objects.values_list("id", "parent_id")).descendants(self.pk)


class Source(models.TextChoices):
    WEBB = "webb", _("web form")
    IMPORT = "import", _("file import")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    POLISEN = "polisen", _("police events feed")
    ENKAT = "enkat", _("survey")


class Status(models.TextChoices):
    NY = "ny", _("new")
    GRANSKAD = "granskad", _("reviewed")
    AVVISAD = "avvisad", _("rejected")
    # Another report of an incident already reported: linked to it (``duplicate_of``) and
    # not counted, so one event seen by several reporters counts once.
    SAMMANSLAGEN = "sammanslagen", _("merged")


# What analyses and the narrow rollup count: every report neither rejected nor merged into
# another. The one definition; the rollups, the analyses and ``counted()`` use it.
COUNTED_STATUSES = (Status.NY.value, Status.GRANSKAD.value)


DESCRIPTION_MAX_LENGTH = 4000
PLACE_MAX_LENGTH = 200


class IncidentQuerySet(models.QuerySet["Incident"]):
    def in_areas(self, area_ids: set[int] | list[int]) -> IncidentQuerySet:
        return self.filter(area_id__in=area_ids)

    def in_categories(self, category_ids: set[int] | list[int]) -> IncidentQuerySet:
        return self.filter(category_id__in=category_ids)

    def between(self, start: dt.datetime | None, end: dt.datetime | None) -> IncidentQuerySet:
        """Incidents that occurred in [start, end)."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(occurred_at__gte=start)
        if end is not None:
            queryset = queryset.filter(occurred_at__lt=end)
        return queryset

    def counted(self) -> IncidentQuerySet:
        """What analyses count: everything neither rejected on review nor merged."""
        return self.filter(status__in=COUNTED_STATUSES)

    def for_list(self) -> IncidentQuerySet:
        return self.select_related("category", "area", "organisation", "reported_by", "reviewed_by")


class Incident(models.Model):
    # The foreign keys that lead an (…, occurred_at) index below get no index of their own:
    # that index serves the same lookups, and each index slows bulk imports.
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)
    occurred_until = models.DateTimeField(_("until"), null=True, blank=True)
    time_unknown = models.BooleanField(
        _("time unknown"),
        default=False,
        help_text=_("Only the date is known; the time is stored as midnight."),
    )
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    place = SafeCharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    description = SafeTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reporting organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    reported_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_incidents",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    external_id = SafeCharField(_("external id"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NY)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # un-merge the duplicates before deleting what they point to
        related_name="duplicates",
        db_index=False,  # indexed below for merged rows only
        help_text=_("The report this one was merged into as another report of the same event."),
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_incidents",
        db_index=False,  # indexed below for reviewed rows only: new reports have no reviewer
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by one by every write in trygg.incidents.actions, under the row lock: the API's
    # ETag and the version a correction form was opened at (see trygg.lib.versioning). The
    # database default serves the column-wise imports, which name only the columns they fill.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    history = HistoricalRecords()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="incident_unique_external_id_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="incident_point_has_both_coordinates",
            ),
            models.CheckConstraint(
                condition=models.Q(occurred_until__isnull=True)
                | models.Q(occurred_until__gte=models.F("occurred_at")),
                name="incident_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(status=Status.SAMMANSLAGEN, duplicate_of__isnull=False)
                | (~models.Q(status=Status.SAMMANSLAGEN) & models.Q(duplicate_of__isnull=True)),
                name="incident_merged_iff_duplicate_of",
            ),
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("id")),
                name="incident_not_a_duplicate_of_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["area", "occurred_at"], name="incident_area_time"),
            models.Index(fields=["category", "occurred_at"], name="incident_category_time"),
            models.Index(fields=["organisation", "occurred_at"], name="incident_org_time"),
            models.Index(
                fields=["reviewed_by"],
                condition=models.Q(reviewed_by__isnull=False),
                name="incident_reviewed_by",
            ),
            models.Index(
                fields=["duplicate_of"],
                condition=models.Q(duplicate_of__isnull=False),
                name="incident_duplicate_of",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.category}"

    @property
    def reference(self) -> str:
        """The receipt number shown to the reporter, e.g. H-000123."""
        return f"H-{self.pk:06d}" if self.pk else "H-?"

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class KeptApart(models.Model):
    """A reviewer's decision that two possible duplicates are different events.

    Stored once per pair (``first`` the lower id), so the pair is not offered again; a third
    report close to them makes new pairs and is offered with them.
    """

    first = models.ForeignKey(
        Incident, verbose_name=_("first incident"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        Incident, verbose_name=_("second incident"), on_delete=models.CASCADE, related_name="+"
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("reports kept apart")
        verbose_name_plural = _("reports kept apart")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="kept_apart_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="kept_apart_ordered"
            ),
        ]
        indexes = [models.Index(fields=["second"], name="kept_apart_second")]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class IncidentRollup(models.Model):
    """Incident counts per Stockholm calendar month and the dimensions analyses group by.

    Derived data, kept up to date by every write (see ``trygg.incidents.rollup``) so that
    counts over months need not scan the incident table. ``month`` is the first day of the
    month in which ``occurred_at`` falls in Europe/Stockholm wall-clock time.
    """

    month = models.DateField(_("month"))
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reporting organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("incident count per month")
        verbose_name_plural = _("incident counts per month")
        indexes = [
            models.Index(fields=["month", "area", "category"], name="rollup_month_area_category"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_id}/{self.category_id}: {self.count}"


# The twelve month columns of ``CountedRollup``, January first.
MONTH_COLUMNS = tuple(f"m{month:02d}" for month in range(1, 13))


class CountedRollup(models.Model):
    """Counted incidents (all but the rejected) per Stockholm month × area × category.

    The narrow companion of ``IncidentRollup`` for the commonest question, which neither
    filters nor groups by organisation, source or status. One row per calendar year, area and
    category holds that year's twelve monthly counts (``m01`` … ``m12``), so five years of 120
    areas × 30 categories are 21,000 rows rather than 180,000 month rows, and a count by
    reporting year reads each only once. Kept up to date with ``IncidentRollup`` in the same
    transaction (see ``trygg.incidents.rollup``); rows whose twelve counts are all zero are
    removed.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    m01 = models.PositiveIntegerField(default=0)
    m02 = models.PositiveIntegerField(default=0)
    m03 = models.PositiveIntegerField(default=0)
    m04 = models.PositiveIntegerField(default=0)
    m05 = models.PositiveIntegerField(default=0)
    m06 = models.PositiveIntegerField(default=0)
    m07 = models.PositiveIntegerField(default=0)
    m08 = models.PositiveIntegerField(default=0)
    m09 = models.PositiveIntegerField(default=0)
    m10 = models.PositiveIntegerField(default=0)
    m11 = models.PositiveIntegerField(default=0)
    m12 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("counted incidents per month")
        verbose_name_plural = _("counted incidents per month")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area", "category"], name="counted_rollup_year_area_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area_id}/{self.category_id}"

    def monthly(self) -> list[int]:
        return [getattr(self, column) for column in MONTH_COLUMNS]


class ImportJob(BackgroundJob):
    """One uploaded file being imported in the background, with its progress and outcome.

    The upload page creates a job and enqueues ``trygg.incidents.imports.jobs.run_import``; the
    worker updates the row counts as it goes and stores the report (or every problem) as
    JSON. The uploaded file is deleted when the job ends: it may hold what was refused.
    """

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reporting organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    filename = SafeCharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=10, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_recent")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def progress_counts(self) -> tuple[int, int | None]:
        return self.rows_processed, self.rows_total

    task_path = "trygg.incidents.imports.jobs.run_import"
    upload_field = "file"

    def record_failure(self, reason: str) -> list[str]:
        self.result = {"failure": reason}
        return ["result"]

    def reset_progress(self) -> list[str]:
        self.result = {}
        self.rows_processed = 0
        self.rows_total = None
        self.format = ""
        return ["result", "rows_processed", "rows_total", "format"]

    @property
    def can_retry(self) -> bool:
        """Only a job that was interrupted still has its file (every other end deletes it)."""
        return (
            self.is_failed
            and bool(self.file.name)
            and self.file.storage.exists(self.file.name or "")
        )


class PoliceFeedSync(models.Model):
    """One run of ``trygg sync-polisen``: the police's live events feed fetched and imported.

    The runs and their calls (``PoliceFeedCall``) are how the API's rules are kept across
    runs (at least ``TRYGG_POLISEN_MIN_INTERVAL_SECONDS`` between calls, at most
    ``TRYGG_POLISEN_MAX_CALLS_PER_HOUR``), and the newest event of the last good run is what
    the next run's answer must overlap: the feed holds only its latest 500 events.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    url = models.CharField(_("address"), max_length=500)
    fetched = models.PositiveIntegerField(_("events fetched"), default=0)
    new = models.PositiveIntegerField(_("new incidents"), default=0)
    known = models.PositiveIntegerField(_("already imported"), default=0)
    skipped = models.PositiveIntegerField(_("events skipped"), default=0)
    refused = models.PositiveIntegerField(_("events refused"), default=0)
    newest_event_id = models.BigIntegerField(_("newest event"), null=True, blank=True)
    newest_event_at = models.DateTimeField(_("newest event's time"), null=True, blank=True)
    oldest_event_at = models.DateTimeField(_("oldest event's time"), null=True, blank=True)
    gap_reported = models.BooleanField(_("possible gap"), default=False)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("police feed sync")
        verbose_name_plural = _("police feed syncs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class PoliceFeedCall(models.Model):
    """One HTTP request to the police's events API, recorded before it is sent."""

    sync = models.ForeignKey(
        PoliceFeedSync, verbose_name=_("sync"), on_delete=models.CASCADE, related_name="calls"
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)

    class Meta:
        verbose_name = _("police feed call")
        verbose_name_plural = _("police feed calls")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or '-'}"
