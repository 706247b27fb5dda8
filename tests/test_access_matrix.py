"""The access matrix: every URL the resolver knows, and who may read it and write to it.

The table ``TABLE`` names every pattern of ``django.urls.get_resolver()`` (by its namespaced
name) with who may GET it and who may POST/PUT/PATCH/DELETE to it: anonymous visitors, each
role (samordnare, analytiker, rapportör, rådsmedlem), a coordinator of the *other* district and
a signed-in user without a membership. A pattern the table does not name, or a name the
resolver no longer has, fails ``test_every_url_is_in_the_table``: a new address cannot be added
without deciding who may use it.

Each pattern is opened with records of Hägersten-Älvsjö (alice's district); dave coordinates
Skärholmen and must be refused them, and the same pattern is opened with Skärholmen's records,
where dave gets what alice gets at home and alice what dave gets there. Every request must
answer without a 500; a refused read answers 403/404 (or the sign-in page); a refused write
answers 403/404/405 (or the sign-in page) and writes no row. An allowed write is tried too (a
form without data: it must not be refused) and rolled back, like every request here.

Django admin (namespace ``admin``) is listed by model in ``ADMIN_MODELS``: only staff
coordinators (scoped to their areas) and superusers get in. Static and media files are not in
the resolver (WhiteNoise serves static files; media are served only through views that check
the reader), and ``test_no_static_or_media_patterns`` keeps it so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, UserFactory, World
from tests.listed_rows import PDF
from trygg.accounts.models import AuditEvent, Membership, Role, User
from trygg.collaboration.actions import attach_document, calendar_feed, save_agreement
from trygg.collaboration.defaults import ensure_default_priority_areas
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    CitizenPromise,
    Forum,
    ForumKind,
    ForumMember,
    Meeting,
    PriorityArea,
    PromiseFollowUp,
)
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, ImportJob, Source
from trygg.places.models import Area
from trygg.plans.actions import record_follow_up
from trygg.plans.models import (
    ActionPlan,
    Cause,
    Evidence,
    Indicator,
    IndicatorKind,
    Measure,
    PlanStatus,
    Problem,
)
from trygg.reports import actions as report_actions
from trygg.reports.models import BlockKind, Comment, ExportJob, ReportStatus, Section
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit


@dataclass
class District:
    """One district's records: ``area`` and everything below belongs to it."""

    area: Area
    coordinator: User
    user: User  # a member of the district other than its coordinator
    invited: User  # invited, has not chosen a password yet
    membership: Membership
    organisation: Any
    incident: Any
    import_job: ImportJob
    agreement: Agreement
    document: Any
    promise: CitizenPromise
    forum: Forum
    meeting: Meeting
    action_item: ActionItem
    plan: ActionPlan
    problem: Problem
    cause: Cause
    evidence: Evidence
    measure: Measure
    follow_up: Any
    report: Any
    block: Any
    comment: Comment
    export_job: ExportJob
    value: StatisticValue


@dataclass
class MatrixWorld:
    world: World
    rita: User  # rådsmedlem in Hägersten-Älvsjö
    sven: User  # rapportör in Skärholmen
    category: Category
    series: StatisticSeries
    secret: str  # alice's calendar address
    reset_uid: str  # erin's password-reset link
    reset_token: str
    ha: District = field(init=False)
    sk: District = field(init=False)


def _district(
    world: World,
    *,
    area: Area,
    place: Area,
    coordinator: User,
    user: User,
    organisation: Any,
    reporting_organisation: Any,
    category: Category,
    series: StatisticSeries,
    commenter: User,
    label: str,
) -> District:
    membership = Membership.objects.get(user=user)
    invited = UserFactory(username=f"inbjuden-{area.pk}", email=f"inbjuden-{area.pk}@example.se")
    invited.set_unusable_password()
    invited.save()
    MembershipFactory(user=invited, organisation=organisation, role=Role.RAPPORTOR, area=area)
    incident = record_incidents(
        [
            IncidentDraft(
                category=category,
                occurred_at=timezone.now() - dt.timedelta(days=3),
                area=place,
                organisation=reporting_organisation,
                description=f"Klotter i {label}",
                latitude=None,
                longitude=None,
            )
        ],
        source=Source.IMPORT,
    ).created[0]
    # An older one, so that an evaluation has days before and after a start between them.
    record_incidents(
        [
            IncidentDraft(
                category=category,
                occurred_at=timezone.now() - dt.timedelta(days=40),
                area=place,
                organisation=reporting_organisation,
            )
        ],
        source=Source.IMPORT,
    )
    import_job = ImportJob.objects.create(
        user=coordinator,
        organisation=organisation,
        filename=f"{label}.csv",
        format="csv",
        status=ImportJob.State.FAILED,
        rows_total=2,
        rows_processed=2,
        result={"problems": [{"line": 2, "column": "kategori", "message": "Okänd kategori"}]},
    )
    agreement = save_agreement(
        Agreement(
            title=f"Överenskommelse {label}",
            scope="lokal",
            area=area,
            signed_on=dt.date(2021, 3, 1),
            valid_from=dt.date(2021, 3, 1),
        ),
        parties=[world.police, organisation],
    )
    document = attach_document(
        agreement,
        SimpleUploadedFile("avtal.pdf", PDF, content_type="application/pdf"),
        title=f"Bilaga {label}",
        user=coordinator,
    )
    today = timezone.localdate()
    promise = CitizenPromise.objects.create(
        title=f"Medborgarlöfte {label}",
        promise="Fler kvällspatruller.",
        area=area,
        starts_on=today - dt.timedelta(days=100),
        ends_on=today + dt.timedelta(days=200),
    )
    promise.parties.set([world.police, organisation])
    PromiseFollowUp.objects.create(promise=promise, due_on=today + dt.timedelta(days=20))
    forum = Forum.objects.create(name=f"Lokalt råd {label}", kind=ForumKind.LOKALT_RAD, area=area)
    ForumMember.objects.create(forum=forum, user=coordinator, is_chair=True)
    ForumMember.objects.create(forum=forum, user=user)
    starts = timezone.now() - dt.timedelta(days=7)
    meeting = Meeting.objects.create(
        forum=forum,
        title=f"Möte {label}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        address="Telefonvägen 30",
        minutes="Protokoll.",
    )
    action_item = ActionItem.objects.create(
        meeting=meeting, title=f"Åtgärdspunkt {label}", owner=user, due_on=today
    )
    plan = ActionPlan.objects.create(
        title=f"Åtgärdsplan {label}",
        area=area,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=PlanStatus.BESLUTAD,
        decided_by="Stadsdelsnämnden",
        decided_at=dt.date(2023, 2, 16),
    )
    problem = Problem.objects.create(plan=plan, title=f"Problem {label}", priority=1)
    cause = Cause.objects.create(problem=problem, title=f"Orsak {label}")
    evidence = Evidence.objects.create(
        cause=cause, title=f"Underlag {label}", selection={"area_ids": [area.pk]}
    )
    measure = Measure.objects.create(
        plan=plan,
        title=f"Insats {label}",
        responsible_organisation=reporting_organisation,
        starts_on=dt.date(2023, 3, 1),
        next_follow_up_on=dt.date(2023, 6, 1),
    )
    measure.causes.add(cause)
    follow_up = record_follow_up(
        measure, on=dt.date(2023, 5, 2), status="gul", text="Få vandrare.", author=coordinator,
        next_follow_up_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    Indicator.objects.create(
        measure=measure,
        name="Deltagare",
        kind=IndicatorKind.MANUAL,
        baseline=10,
        target_value=40,
        target_on=dt.date(2024, 12, 31),
        manual_value=25,
        manual_value_on=dt.date(2023, 5, 1),
    )
    report = report_actions.create_report(
        coordinator,
        title=f"Lägesbild {label}",
        area=area,
        period_kind="reporting_year",
        period_start=dt.date(2021, 9, 1),
        period_end=dt.date(2023, 8, 31),
    )
    block = report_actions.add_block(
        coordinator, report, section=Section.KARTLAGGNING, kind=BlockKind.TEXT,
        title="Inledning", text="Text.",
    )  # fmt: skip
    report_actions.submit_for_comments(coordinator, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.PA_REMISS
    comment = report_actions.add_comment(commenter, block, f"Kommentar {label}")
    export_job = ExportJob.objects.create(
        report=report,
        format="docx",
        requested_by=coordinator,
        status=ExportJob.State.DONE,
        filename=f"lagesbild-{label}.docx",
        content=b"PK\x03\x04 not really a document",
        size=30,
    )
    value = StatisticValue.objects.create(
        series=series,
        area=area,
        period_kind="year",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        value=12,
    )
    return District(
        area=area, coordinator=coordinator, user=user, invited=invited, membership=membership,
        organisation=organisation, incident=incident, import_job=import_job,
        agreement=agreement, document=document, promise=promise, forum=forum, meeting=meeting,
        action_item=action_item, plan=plan, problem=problem, cause=cause, evidence=evidence,
        measure=measure, follow_up=follow_up, report=report, block=block, comment=comment,
        export_job=export_job, value=value,
    )  # fmt: skip


def build() -> MatrixWorld:
    world = World.build()
    if not PriorityArea.objects.exists():
        ensure_default_priority_areas(PriorityArea)
    rita = UserFactory(username="rita")
    MembershipFactory(user=rita, organisation=world.sdf, role=Role.RADSMEDLEM, area=world.district)
    sven = UserFactory(username="sven")
    MembershipFactory(
        user=sven, organisation=world.skarholmen_sdf, role=Role.RAPPORTOR, area=world.skarholmen
    )
    category = Category.objects.filter(children__isnull=True, is_active=True).order_by("id")[0]
    series = StatisticSeries.objects.create(
        name="Anmälda brott", code="anmalda-brott", source="Polisen", unit=Unit.ANTAL
    )
    feed = calendar_feed(world.alice, create=True)
    assert feed is not None
    matrix = MatrixWorld(
        world=world,
        rita=rita,
        sven=sven,
        category=category,
        series=series,
        secret=feed.secret,
        reset_uid=urlsafe_base64_encode(force_bytes(world.erin.pk)),
        reset_token=default_token_generator.make_token(world.erin),
    )
    matrix.ha = _district(
        world, area=world.district, place=world.liljeholmen, coordinator=world.alice,
        user=world.bob, organisation=world.sdf, reporting_organisation=world.housing,
        category=category, series=series, commenter=rita, label="Hägersten-Älvsjö",
    )  # fmt: skip
    matrix.sk = _district(
        world, area=world.skarholmen, place=world.skarholmen, coordinator=world.dave,
        user=sven, organisation=world.skarholmen_sdf,
        reporting_organisation=world.skarholmen_sdf, category=category, series=series,
        commenter=sven, label="Skärholmen",
    )  # fmt: skip
    return matrix


# --- who asks -------------------------------------------------------------------------------

ANON = "anonym"
SAM = "samordnare"  # alice, Hägersten-Älvsjö
ANA = "analytiker"  # carol, the whole city
RAP = "rapportör"  # bob, a housing company in Hägersten-Älvsjö
RAD = "rådsmedlem"  # rita, Hägersten-Älvsjö
OTHER = "annan samordnare"  # dave, Skärholmen
NONE = "utan roll"  # erin, signed in without a membership
ACTORS = (ANON, SAM, ANA, RAP, RAD, OTHER, NONE)
USERNAMES = {SAM: "alice", ANA: "carol", RAP: "bob", RAD: "rita", OTHER: "dave", NONE: "erin"}

Who = frozenset[str]
NOBODY: Who = frozenset()
EVERYONE: Who = frozenset(ACTORS)
SIGNED_IN: Who = EVERYONE - {ANON}
MEMBERS: Who = SIGNED_IN - {NONE}
COORDINATORS: Who = frozenset({SAM, OTHER})
# Who reads a record of Hägersten-Älvsjö: its members and the city-level analyst.
HA_MEMBERS: Who = frozenset({SAM, ANA, RAP, RAD})
# Coordinators and analysts: all incidents of their areas, statistics, imports.
ANALYSTS: Who = frozenset({SAM, ANA, OTHER})
# Who reports incidents.
REPORTERS: Who = frozenset({SAM, ANA, RAP, OTHER})
# Who writes a Hägersten-Älvsjö lägesbild: its coordinator and the city's analyst.
HA_WRITERS: Who = frozenset({SAM, ANA})


def only(*who: str) -> Who:
    return frozenset(who)


# A page a browser only posts to: GET answers 405 (or the sign-in page) to everyone.
POST_ONLY = "post-only"
# A page with nothing to write: a POST writes no row (what it answers is up to the page).
READ_ONLY = "read-only"

Kwargs = Callable[[MatrixWorld, District], dict[str, Any]]


@dataclass(frozen=True)
class Access:
    """Who may GET a pattern, who may write to it, and the address to try.

    ``get``: the actors whose GET succeeds (below 400, not the sign-in page), or POST_ONLY.
    ``write``: the actors whose write is not refused, READ_ONLY, or per method (API details:
    ``{"put": …, "patch": …, "delete": …}``). ``kwargs`` fills the URL from a district's
    records; a pattern with records of a district is tried with Skärholmen's too.
    ``query`` is added to GETs, ``data`` posted. ``fresh``: a new client for each write (the
    write signs in or out). ``listed`` names what a list shows of the district's records (a
    text on a page, an id in an API list): it must be there for ``seen_by`` and for nobody
    else who gets the list.
    """

    get: Who | str
    write: Who | str | Mapping[str, Who]
    kwargs: Kwargs | None = None
    per_district: bool = True
    query: Callable[[MatrixWorld, District], str] | str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    fresh: bool = False
    listed: Callable[[MatrixWorld, District], str | int | tuple[str, int]] | None = None
    seen_by: Who = NOBODY
    # Statuses that also count as a refusal: an area in a query parameter that the user may
    # not use is a field error (400), as every bad API parameter.
    refused_with: tuple[int, ...] = ()


def page(get: Who | str, write: Who | str = READ_ONLY, **options: Any) -> Access:
    return Access(get, write, **options)


def api_list(get: Who, create: Who = NOBODY, **options: Any) -> Access:
    return Access(get, {"post": create}, **options)


def api_detail(get: Who, change: Who = NOBODY, delete: Who = NOBODY, **options: Any) -> Access:
    return Access(get, {"put": change, "patch": change, "delete": delete}, **options)


def pk(attribute: str) -> Kwargs:
    return lambda m, d: {"pk": getattr(d, attribute).pk}


def report_and(attribute: str, name: str) -> Kwargs:
    return lambda m, d: {"pk": d.report.pk, name: getattr(d, attribute).pk}


SHARED = {"per_district": False}


def _ten_days_ago() -> str:
    return (timezone.localdate() - dt.timedelta(days=10)).isoformat()


def listing(attribute: str) -> dict[str, Any]:
    """An API list of district records: the district's record is listed to its readers only."""
    return {
        "listed": lambda m, d: getattr(d, attribute).pk,
        "seen_by": HA_MEMBERS,
        "kwargs": lambda m, d: {},
    }


def shows(attribute: str, name: str) -> dict[str, Any]:
    """A page listing district records: the record's name is shown to its readers only."""
    return {
        "listed": lambda m, d: getattr(getattr(d, attribute), name),
        "seen_by": HA_MEMBERS,
        "kwargs": lambda m, d: {},
    }


TABLE: dict[str, Access] = {
    # --- signing in, the user's own account ----------------------------------------------
    "login": page(EVERYONE, EVERYONE, fresh=True),
    "logout": page(POST_ONLY, EVERYONE, fresh=True),
    # Single sign-on answers 404 to everyone while it is not configured (as in this fixture;
    # tests/accounts/test_oidc.py signs in through a real provider).
    "oidc_authentication_init": page(NOBODY, NOBODY, fresh=True),
    "oidc_authentication_callback": page(NOBODY, NOBODY, fresh=True),
    "two_factor_verify": page(SIGNED_IN, SIGNED_IN),
    "account": page(SIGNED_IN),
    "two_factor_setup": page(SIGNED_IN, SIGNED_IN),
    "two_factor_disable": page(SIGNED_IN, SIGNED_IN),
    "password_reset": page(EVERYONE, EVERYONE),
    "password_reset_done": page(EVERYONE),
    "password_reset_confirm": page(
        EVERYONE,
        EVERYONE,
        fresh=True,
        kwargs=lambda m, d: {"uidb64": m.reset_uid, "token": m.reset_token},
        **SHARED,
    ),  # fmt: skip
    "password_reset_complete": page(EVERYONE),
    "set_language": page(EVERYONE, EVERYONE, data={"language": "sv"}),
    # --- front, areas, organisations, users ---------------------------------------------
    "front:overview": page(SIGNED_IN),
    "front:administration": page(COORDINATORS),
    "places:list": page(SIGNED_IN),
    "places:create": page(COORDINATORS, COORDINATORS),
    "places:import": page(COORDINATORS, COORDINATORS),
    "places:detail": page(HA_MEMBERS, kwargs=lambda m, d: {"pk": d.area.pk}),
    "places:edit": page(only(SAM), only(SAM), kwargs=lambda m, d: {"pk": d.area.pk}),
    "accounts:organisation_list": page(SIGNED_IN),
    "accounts:organisation_create": page(COORDINATORS, COORDINATORS),
    "accounts:audit_log": page(COORDINATORS),
    "accounts:organisation_detail": page(HA_MEMBERS, kwargs=pk("organisation")),
    "accounts:organisation_edit": page(only(SAM), only(SAM), kwargs=pk("organisation")),
    "accounts:user_list": page(
        COORDINATORS, listed=lambda m, d: d.user.username, seen_by=only(SAM)
    ),
    "accounts:invite": page(COORDINATORS, COORDINATORS),
    "accounts:user_detail": page(only(SAM), kwargs=pk("user")),
    "accounts:user_deactivate": page(only(SAM), only(SAM), kwargs=pk("user")),
    "accounts:user_reinvite": page(POST_ONLY, only(SAM), kwargs=pk("invited")),
    "accounts:membership_edit": page(only(SAM), only(SAM), kwargs=pk("membership")),
    "accounts:membership_end": page(only(SAM), only(SAM), kwargs=pk("membership")),
    # --- incidents ----------------------------------------------------------------------
    "incidents:list": page(
        SIGNED_IN, listed=lambda m, d: d.incident.reference, seen_by=only(SAM, ANA, RAP)
    ),
    "incidents:report": page(REPORTERS, REPORTERS),
    "incidents:map": page(SIGNED_IN),
    "incidents:duplicates": page(ANALYSTS, ANALYSTS),
    "incidents:export_csv": page(
        SIGNED_IN, listed=lambda m, d: d.incident.description, seen_by=only(SAM, ANA, RAP)
    ),
    "incidents:export_xlsx": page(SIGNED_IN),
    "incidents:template_csv": page(SIGNED_IN),
    "incidents:template_xlsx": page(SIGNED_IN),
    "incidents:import": page(
        ANALYSTS, ANALYSTS, listed=lambda m, d: d.import_job.filename, seen_by=only(SAM)
    ),
    "incidents:import_job": page(only(SAM), kwargs=pk("import_job")),
    "incidents:import_job_retry": page(POST_ONLY, only(SAM), kwargs=pk("import_job")),
    "incidents:import_job_status": page(only(SAM), kwargs=pk("import_job")),
    "incidents:import_job_problems": page(only(SAM), kwargs=pk("import_job")),
    "incidents:detail": page(only(SAM, ANA, RAP), only(SAM, RAP), kwargs=pk("incident")),
    "incidents:receipt": page(only(SAM, ANA, RAP), kwargs=pk("incident")),
    "incidents:category_list": page(MEMBERS),
    "incidents:category_create": page(COORDINATORS, COORDINATORS),
    "incidents:category_edit": page(
        COORDINATORS, COORDINATORS, kwargs=lambda m, d: {"pk": m.category.pk}, **SHARED
    ),
    # --- analysis, compliance -------------------------------------------------------------
    "analysis:index": page(MEMBERS),
    "analysis:map": page(MEMBERS),
    "analysis:near_repeats": page(MEMBERS),
    "analysis:export": page(
        MEMBERS, kwargs=lambda m, d: {"table": "antal", "fmt": "csv"}, **SHARED
    ),
    "compliance:checklist": page(MEMBERS),
    # --- samverkan --------------------------------------------------------------------------
    "collaboration:index": page(MEMBERS),
    "collaboration:agreement_list": page(MEMBERS, **shows("agreement", "title")),
    "collaboration:agreement_create": page(COORDINATORS, COORDINATORS),
    "collaboration:agreement_detail": page(HA_MEMBERS, only(SAM), kwargs=pk("agreement")),
    "collaboration:agreement_edit": page(only(SAM), only(SAM), kwargs=pk("agreement")),
    "collaboration:document": page(
        HA_MEMBERS, kwargs=lambda m, d: {"pk": d.agreement.pk, "document_pk": d.document.pk}
    ),
    "collaboration:document_delete": page(
        POST_ONLY,
        only(SAM),
        kwargs=lambda m, d: {"pk": d.agreement.pk, "document_pk": d.document.pk},
    ),  # fmt: skip
    "collaboration:promise_list": page(MEMBERS, **shows("promise", "title")),
    "collaboration:promise_create": page(COORDINATORS, COORDINATORS),
    "collaboration:promise_detail": page(HA_MEMBERS, kwargs=pk("promise")),
    "collaboration:promise_edit": page(only(SAM), only(SAM), kwargs=pk("promise")),
    "collaboration:forum_list": page(MEMBERS, **shows("forum", "name")),
    "collaboration:forum_create": page(COORDINATORS, COORDINATORS),
    "collaboration:forum_detail": page(HA_MEMBERS, kwargs=pk("forum")),
    "collaboration:forum_edit": page(only(SAM), only(SAM), kwargs=pk("forum")),
    "collaboration:meeting_create": page(
        only(SAM), only(SAM), kwargs=lambda m, d: {"forum_pk": d.forum.pk}
    ),
    "collaboration:meeting_detail": page(HA_MEMBERS, kwargs=pk("meeting")),
    "collaboration:meeting_edit": page(only(SAM), only(SAM), kwargs=pk("meeting")),
    "collaboration:meeting_minutes": page(only(SAM), only(SAM), kwargs=pk("meeting")),
    "collaboration:meeting_ics": page(HA_MEMBERS, kwargs=pk("meeting")),
    "collaboration:meeting_export": page(
        HA_MEMBERS, kwargs=lambda m, d: {"pk": d.meeting.pk, "kind": "protokoll", "fmt": "docx"}
    ),
    "collaboration:action_item_done": page(
        POST_ONLY, only(SAM, RAP), kwargs=pk("action_item"), data={"done": "1"}
    ),
    "collaboration:calendar": page(MEMBERS, MEMBERS),
    "collaboration:calendar_feed": page(
        EVERYONE, kwargs=lambda m, d: {"secret": m.secret}, **SHARED
    ),
    # --- åtgärdsplan --------------------------------------------------------------------------
    "plans:plan_list": page(MEMBERS, **shows("plan", "title")),
    "plans:plan_create": page(COORDINATORS, COORDINATORS),
    "plans:plan_detail": page(HA_MEMBERS, kwargs=pk("plan")),
    "plans:plan_edit": page(only(SAM), only(SAM), kwargs=pk("plan")),
    "plans:plan_decide": page(only(SAM), only(SAM), kwargs=pk("plan")),
    "plans:plan_export": page(HA_MEMBERS, kwargs=lambda m, d: {"pk": d.plan.pk, "fmt": "docx"}),
    "plans:problem_create": page(only(SAM), only(SAM), kwargs=pk("plan")),
    "plans:measure_create": page(only(SAM), only(SAM), kwargs=pk("plan")),
    "plans:problem_detail": page(HA_MEMBERS, kwargs=pk("problem")),
    "plans:problem_edit": page(only(SAM), only(SAM), kwargs=pk("problem")),
    "plans:measure_detail": page(HA_MEMBERS, only(SAM, RAP), kwargs=pk("measure")),
    "plans:measure_edit": page(only(SAM), only(SAM), kwargs=pk("measure")),
    "plans:follow_up_edit": page(only(SAM), only(SAM), kwargs=pk("follow_up")),
    "plans:follow_up_delete": page(only(SAM), only(SAM), kwargs=pk("follow_up")),
    "plans:indicator_edit": page(only(SAM), only(SAM), kwargs=pk("measure")),
    "plans:indicator_delete": page(only(SAM), only(SAM), kwargs=pk("measure")),
    "plans:cause_edit": page(only(SAM), only(SAM), kwargs=pk("cause")),
    "plans:cause_delete": page(only(SAM), only(SAM), kwargs=pk("cause")),
    "plans:evidence_edit": page(only(SAM), only(SAM), kwargs=pk("evidence")),
    "plans:evidence_delete": page(only(SAM), only(SAM), kwargs=pk("evidence")),
    # --- statistics ---------------------------------------------------------------------------
    "statistics:list": page(ANALYSTS),
    "statistics:import": page(ANALYSTS, ANALYSTS),
    "statistics:template_csv": page(ANALYSTS),
    "statistics:template_xlsx": page(ANALYSTS),
    "statistics:detail": page(ANALYSTS, kwargs=lambda m, d: {"pk": m.series.pk}, **SHARED),
    "statistics:export_csv": page(ANALYSTS, kwargs=lambda m, d: {"pk": m.series.pk}, **SHARED),
    "statistics:export_xlsx": page(ANALYSTS, kwargs=lambda m, d: {"pk": m.series.pk}, **SHARED),
    # --- lägesbild ----------------------------------------------------------------------------
    "reports:list": page(MEMBERS, **shows("report", "title")),
    "reports:create": page(COORDINATORS, COORDINATORS),
    "reports:detail": page(HA_MEMBERS, kwargs=pk("report")),
    "reports:edit": page(HA_WRITERS, HA_WRITERS, kwargs=pk("report")),
    "reports:block_add": page(HA_WRITERS, HA_WRITERS, kwargs=pk("report")),
    "reports:block_edit": page(HA_WRITERS, HA_WRITERS, kwargs=report_and("block", "block_pk")),
    "reports:block_move": page(
        POST_ONLY, HA_WRITERS, kwargs=report_and("block", "block_pk"), data={"step": "1"}
    ),
    "reports:block_delete": page(HA_WRITERS, HA_WRITERS, kwargs=report_and("block", "block_pk")),
    "reports:comment": page(
        POST_ONLY, HA_MEMBERS, kwargs=report_and("block", "block_pk"), data={"text": "Bra."}
    ),
    "reports:block_restore": page(POST_ONLY, HA_WRITERS, kwargs=report_and("block", "block_pk")),
    "reports:comment_edit": page(
        only(SAM, RAD), only(SAM, RAD), kwargs=report_and("comment", "comment_pk")
    ),
    "reports:comment_delete": page(
        only(SAM, RAD), only(SAM, RAD), kwargs=report_and("comment", "comment_pk")
    ),
    "reports:comment_restore": page(
        POST_ONLY, HA_WRITERS, kwargs=report_and("comment", "comment_pk")
    ),
    "reports:submit": page(POST_ONLY, only(SAM), kwargs=pk("report")),
    "reports:approve": page(only(SAM), only(SAM), kwargs=pk("report")),
    "reports:new_version": page(POST_ONLY, only(SAM), kwargs=pk("report")),
    "reports:versions": page(HA_MEMBERS, kwargs=pk("report")),
    "reports:export": page(HA_MEMBERS, kwargs=lambda m, d: {"pk": d.report.pk, "fmt": "docx"}),
    "reports:export_job": page(only(SAM), kwargs=report_and("export_job", "job_pk")),
    "reports:export_job_status": page(only(SAM), kwargs=report_and("export_job", "job_pk")),
    "reports:export_job_retry": page(
        POST_ONLY, only(SAM), kwargs=report_and("export_job", "job_pk")
    ),
    "reports:export_job_file": page(only(SAM), kwargs=report_and("export_job", "job_pk")),
    # --- the API ------------------------------------------------------------------------------
    "api:api-root": api_list(SIGNED_IN),
    "api:schema": api_list(EVERYONE),
    "api:docs": api_list(EVERYONE),
    "api:compliance": api_list(MEMBERS),
    "api:analysis-counts": api_list(MEMBERS),
    "api:analysis-changes": api_list(MEMBERS),
    "api:analysis-rates": api_list(MEMBERS),
    "api:analysis-time-pattern": api_list(MEMBERS),
    "api:analysis-hotspots": api_list(MEMBERS),
    "api:analysis-near-repeats": api_list(MEMBERS),
    "api:analysis-evaluation": api_list(
        HA_MEMBERS,
        kwargs=lambda m, d: {},
        query=lambda m, d: f"area={d.area.pk}&category={m.category.pk}&start={_ten_days_ago()}",
        refused_with=(400,),
    ),
    "api:area-list": api_list(SIGNED_IN, **listing("area")),
    "api:area-detail": api_detail(HA_MEMBERS, kwargs=lambda m, d: {"pk": d.area.pk}),
    "api:organisation-list": api_list(SIGNED_IN, **listing("organisation")),
    "api:organisation-detail": api_detail(HA_MEMBERS, kwargs=pk("organisation")),
    "api:category-list": api_list(SIGNED_IN),
    "api:category-detail": api_detail(MEMBERS, kwargs=lambda m, d: {"pk": m.category.pk}, **SHARED),
    "api:incident-list": api_list(
        SIGNED_IN, REPORTERS, listed=lambda m, d: d.incident.pk, seen_by=only(SAM, ANA, RAP)
    ),
    # A reviewer (the analyst) may PUT the incident with a new status, not change its text.
    "api:incident-detail": Access(
        only(SAM, ANA, RAP),
        {"put": only(SAM, ANA, RAP), "patch": only(SAM, RAP), "delete": NOBODY},
        kwargs=pk("incident"),
        data={"description": "Ny"},
    ),
    "api:statistics-list": api_list(SIGNED_IN),
    "api:statistics-all-values": api_list(
        SIGNED_IN, listed=lambda m, d: ("area", d.area.pk), seen_by=only(SAM, ANA)
    ),
    "api:statistics-detail": api_detail(
        ANALYSTS, kwargs=lambda m, d: {"pk": m.series.pk}, **SHARED
    ),
    "api:statistics-values": api_list(
        ANALYSTS,
        kwargs=lambda m, d: {"pk": m.series.pk},
        per_district=False,
        listed=lambda m, d: ("area", d.area.pk),
        seen_by=only(SAM, ANA),
    ),  # fmt: skip
    "api:agreement-list": api_list(SIGNED_IN, **listing("agreement")),
    "api:agreement-detail": api_detail(HA_MEMBERS, kwargs=pk("agreement")),
    "api:forum-list": api_list(SIGNED_IN, **listing("forum")),
    "api:forum-detail": api_detail(HA_MEMBERS, kwargs=pk("forum")),
    "api:meeting-list": api_list(SIGNED_IN, **listing("meeting")),
    "api:meeting-detail": api_detail(HA_MEMBERS, kwargs=pk("meeting")),
    "api:action-plan-list": api_list(SIGNED_IN, **listing("plan")),
    "api:action-plan-detail": api_detail(HA_MEMBERS, kwargs=pk("plan")),
    "api:problem-list": api_list(SIGNED_IN, **listing("problem")),
    "api:problem-detail": api_detail(HA_MEMBERS, kwargs=pk("problem")),
    "api:measure-list": api_list(SIGNED_IN, **listing("measure")),
    "api:measure-detail": api_detail(HA_MEMBERS, kwargs=pk("measure")),
    "api:situation-report-list": api_list(MEMBERS, **listing("report")),
    "api:situation-report-detail": api_detail(HA_MEMBERS, kwargs=pk("report")),
    # --- Open311 GeoReport v2 ---------------------------------------------------------------
    "open311:discovery": page(EVERYONE, kwargs=lambda m, d: {"fmt": "xml"}, **SHARED),
    "open311:services": page(EVERYONE, kwargs=lambda m, d: {"fmt": "xml"}, **SHARED),
    "open311:service": page(
        EVERYONE, kwargs=lambda m, d: {"code": m.category.code, "fmt": "xml"}, **SHARED
    ),
    # Posting a request takes an api_key (a user's token), never a session.
    "open311:requests": page(
        SIGNED_IN,
        NOBODY,
        kwargs=lambda m, d: {"fmt": "xml"},
        per_district=False,
        listed=lambda m, d: f"<service_request_id>{d.incident.pk}</service_request_id>",
        seen_by=only(SAM, ANA, RAP),
    ),
    "open311:request": page(
        only(SAM, ANA, RAP), kwargs=lambda m, d: {"pk": d.incident.pk, "fmt": "xml"}
    ),
}


# Django admin, by model: who gets the model's pages. Staff coordinators get the scoped ones
# (their areas' rows only); the rest is for superusers.
STAFF_COORDINATOR = "staff coordinator"
SUPERUSER = "superuser"
ADMIN_MODELS: dict[str, str] = {
    "accounts_user": STAFF_COORDINATOR,
    "accounts_organisation": STAFF_COORDINATOR,
    "accounts_membership": STAFF_COORDINATOR,
    "places_area": STAFF_COORDINATOR,
    "places_comparisongroup": SUPERUSER,
    "places_population": SUPERUSER,
    "incidents_category": STAFF_COORDINATOR,
    "plans_actionplan": STAFF_COORDINATOR,
    "plans_measure": STAFF_COORDINATOR,
    "reports_situationreport": SUPERUSER,
    "reports_comment": SUPERUSER,
    "reports_exportjob": SUPERUSER,
    "auth_group": SUPERUSER,
    "authtoken_tokenproxy": SUPERUSER,
    "axes_accessattempt": SUPERUSER,
    "axes_accessfailurelog": SUPERUSER,
    "axes_accesslog": SUPERUSER,
    "django_tasks_database_dbtaskresult": SUPERUSER,
    "otp_totp_totpdevice": SUPERUSER,
}
# The admin's own pages, which every admin model shares: the index, signing in and out, the
# catch-all that answers 404 (or the sign-in page), and the user admin's password form (named
# after Django's auth.User whatever the user model).
ADMIN_SITE_PAGES = {
    "admin:index", "admin:login", "admin:logout", "admin:password_change",
    "admin:password_change_done", "admin:jsi18n", "admin:app_list", "admin:autocomplete",
    "admin:view_on_site", "admin/(?P<url>.*)$", "admin:auth_user_password_change",
}  # fmt: skip


# --- the resolver ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced name, or the route string of an unnamed pattern
    route: str
    namespace: str


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> list[Route]:
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            key = f"{namespace}{pattern.name}" if pattern.name else route
            found.append(Route(key, route, namespace.rstrip(":")))
    return found


def is_admin(route: Route) -> bool:
    return route.namespace == "admin"


def admin_model(key: str) -> str | None:
    """``admin:plans_measure_change`` → ``plans_measure``; None for the site's own pages."""
    if key in ADMIN_SITE_PAGES or not key.startswith("admin:"):
        return None
    name = key.removeprefix("admin:")
    for model in ADMIN_MODELS:
        if name.startswith(f"{model}_"):
            return model
    return name


# --- asking -----------------------------------------------------------------------------------


def rows_written() -> int:
    """Rows inserted, updated or deleted so far on this connection (in this transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
        else:  # pragma: no cover
            raise NotImplementedError(connection.vendor)
        return int(cursor.fetchone()[0])


@dataclass
class Answer:
    status: int
    location: str = ""
    written: int = 0
    error: str = ""
    body: bytes = b""
    json: Any = None

    @property
    def to_sign_in(self) -> bool:
        """The sign-in page with a way back: what login_required and the admin answer."""
        login, admin_login = reverse("login"), reverse("admin:login")
        return self.status in (301, 302, 303) and (
            self.location.startswith((f"{login}?", f"{admin_login}?")) and "next=" in self.location
        )

    @property
    def succeeded(self) -> bool:
        return not self.error and self.status < 400 and not self.to_sign_in

    @property
    def refused(self) -> bool:
        return not self.error and (self.status in (401, 403, 404, 405) or self.to_sign_in)

    def __str__(self) -> str:
        if self.error:
            return f"500 ({self.error})"
        where = f" → {self.location}" if self.location else ""
        rows = f", {self.written} rows written" if self.written else ""
        return f"{self.status}{where}{rows}"


def ask(client: Client, method: str, url: str, data: Mapping[str, Any] | None = None) -> Answer:
    """One request in a savepoint that is rolled back, so that the world stays as built."""
    with transaction.atomic():
        before = rows_written()
        audited = AuditEvent.objects.count()
        try:
            if method == "get":
                response = client.get(url)
            elif method == "post":
                response = client.post(url, data or {})
            else:
                response = getattr(client, method)(url, data or {}, content_type="application/json")
        except Exception as error:  # the test client re-raises what a view raised: a 500
            answer = Answer(500, error=f"{type(error).__name__}: {error}")
        else:
            answer = Answer(response.status_code, response.get("Location", ""))
            if method == "get" and not response.streaming:
                answer.body = response.content
                if response.get("Content-Type", "").startswith("application/json"):
                    answer.json = response.json()
            if response.status_code >= 500:
                answer.error = response.content[:200].decode(errors="replace")
        # A download is kept in the audit log whoever asks: that row is not a write.
        answer.written = rows_written() - before - (AuditEvent.objects.count() - audited)
        transaction.set_rollback(True)
    return answer


# --- the world, once for the module -------------------------------------------------------------


@dataclass
class Setting:
    matrix: MatrixWorld
    pages: dict[str, Client]
    api: dict[str, Client]

    def client(self, actor: str, namespace: str, fresh: bool = False) -> Client:
        if fresh:
            client = Client()
            if actor != ANON:
                client.force_login(User.objects.get(username=USERNAMES[actor]))
            return client
        return (self.api if namespace == "api" else self.pages)[actor]


@pytest.fixture(scope="module")
def setting(django_db_setup, django_db_blocker, tmp_path_factory):
    """The matrix world, built once and rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            # Sessions in signed cookies: a session row saved on every request (the sliding
            # expiry) would hide the rows a refused write might write.
            MEDIA_ROOT=media,
            SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        ),
        transaction.atomic(),
    ):
        matrix = build()
        pages: dict[str, Client] = {ANON: Client()}
        api: dict[str, Client] = {ANON: APIClient()}
        for actor, username in USERNAMES.items():
            user = User.objects.get(username=username)
            pages[actor] = Client()
            pages[actor].force_login(user)
            token, _created = Token.objects.get_or_create(user=user)
            api[actor] = APIClient()
            api[actor].credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        yield Setting(matrix, pages, api)
        transaction.set_rollback(True)


ROUTES = walk()
SHOW = bool(__import__("os").environ.get("MATRIX_SHOW"))


def test_every_url_is_in_the_table():
    named = {route.key for route in ROUTES if not is_admin(route)}
    unlisted = sorted(named - TABLE.keys())
    gone = sorted(TABLE.keys() - named)
    assert not unlisted, (
        f"URL patterns nobody decided the access of (add them to TABLE): {unlisted}"
    )
    assert not gone, f"TABLE lists patterns the resolver no longer has: {gone}"


def test_every_admin_page_is_listed():
    unlisted = set()
    for route in ROUTES:
        if not is_admin(route):
            continue
        if route.key in ADMIN_SITE_PAGES:
            continue
        model = admin_model(route.key)
        if model is None or model not in ADMIN_MODELS:
            # Unnamed admin patterns are each model's redirect of "<id>/" to its change page.
            if route.key == route.route and route.route.endswith("<path:object_id>/"):
                prefix = route.route.removeprefix("admin/").split("/")
                if f"{prefix[0]}_{prefix[1]}" in ADMIN_MODELS:
                    continue
            unlisted.add(route.key)
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert not unlisted, f"admin pages of models not in ADMIN_MODELS: {sorted(unlisted)}"
    assert registered == set(ADMIN_MODELS), (
        f"admin models: registered {sorted(registered - set(ADMIN_MODELS))} not listed, "
        f"listed {sorted(set(ADMIN_MODELS) - registered)} not registered"
    )


def test_no_static_or_media_patterns():
    served = [
        r.route for r in ROUTES if r.route.startswith(("static/", "media/", "^static", "^media"))
    ]
    assert not served


def _methods(access: Access) -> dict[str, Who | str]:
    if isinstance(access.write, Mapping):
        return dict(access.write)
    return {"post": access.write}


def _expect_get(access: Access, actor: str, answer: Answer) -> str | None:
    if answer.error:
        return "a 500"
    if access.get == POST_ONLY:
        return None if answer.refused else "refused (a page only posted to)"
    assert isinstance(access.get, frozenset)
    if actor in access.get:
        return None if answer.succeeded else "success"
    if answer.status in access.refused_with:
        return None
    return None if answer.refused else "refused (403/404 or the sign-in page)"


def _expect_write(allowed: Who | str, actor: str, answer: Answer) -> str | None:
    if answer.error:
        return "a 500"
    if allowed == READ_ONLY:
        return None if not answer.written else "no rows written"
    assert isinstance(allowed, frozenset)
    if actor in allowed:
        return None if not answer.refused else "not refused"
    if not answer.refused:
        return "refused (403/404/405 or the sign-in page)"
    return None if not answer.written else "no rows written"


def _lists(answer: Answer, marker: str | int | tuple[str, int]) -> bool:
    """Whether a list shows the record: an id among an API list's results, or a text."""
    if isinstance(marker, int):
        rows = answer.json["results"] if isinstance(answer.json, dict) else answer.json
        return marker in {row.get("id") for row in rows}
    if isinstance(marker, tuple):  # (field, value): the statistics' rows have no id
        name, value = marker
        return value in {row[name] for row in answer.json["rows"]}
    return marker.encode() in answer.body


def _mirror(actor: str) -> str | None:
    """Who plays ``actor`` on Skärholmen's records: dave the home coordinator, alice the other."""
    return {SAM: OTHER, OTHER: SAM}.get(actor)


def _check(setting: Setting, key: str, access: Access) -> list[str]:
    namespace = key.split(":")[0] if ":" in key else ""
    matrix = setting.matrix
    problems = []
    districts: list[tuple[str, District, tuple[str, ...]]] = [("HÄ", matrix.ha, ACTORS)]
    if access.kwargs is not None and access.per_district:
        districts.append(("SK", matrix.sk, (SAM, OTHER)))
    for label, district, actors in districts:
        kwargs = access.kwargs(matrix, district) if access.kwargs else {}
        url = reverse(key, kwargs=kwargs)
        for actor in actors:
            # On Skärholmen's records dave is at home (expected: what alice gets at home) and
            # alice is the other district's coordinator (expected: what dave gets here).
            role = actor if label == "HÄ" else _mirror(actor)
            who = (
                f"{actor} ({USERNAMES.get(actor, '-')})"
                if label == "HÄ"
                else (f"{USERNAMES[actor]} on Skärholmen's records")
            )
            query = access.query(matrix, district) if callable(access.query) else access.query
            get_url = f"{url}?{query}" if query else url
            answer = ask(setting.client(actor, namespace), "get", get_url)
            if SHOW:
                print(f"GET {get_url} {who}: {answer}")
            wanted = _expect_get(access, role, answer)
            if wanted:
                problems.append(f"GET {get_url} as {who}: expected {wanted}, got {answer}")
            elif access.listed is not None and answer.succeeded:
                shown = _lists(answer, access.listed(matrix, district))
                if shown != (role in access.seen_by):
                    problems.append(
                        f"GET {get_url} as {who}: {'lists' if shown else 'does not list'} "
                        f"{label}'s {access.listed(matrix, district)!r}"
                    )
            for method, allowed in _methods(access).items():
                client = setting.client(actor, namespace, fresh=access.fresh)
                answer = ask(client, method, url, access.data)
                wanted = _expect_write(allowed, role, answer)
                if wanted:
                    problems.append(
                        f"{method.upper()} {url} as {who}: expected {wanted}, got {answer}"
                    )
    return problems


@pytest.mark.parametrize("key", sorted(TABLE))
def test_access(setting, db, key):
    problems = _check(setting, key, TABLE[key])
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# --- Django admin ------------------------------------------------------------------------------

# Each scoped admin model's record of a district, to try its change page across the line.
ADMIN_RECORDS: dict[str, Callable[[District], Any]] = {
    "accounts_user": lambda d: d.user,
    "accounts_organisation": lambda d: d.organisation,
    "accounts_membership": lambda d: d.membership,
    "places_area": lambda d: d.area,
    "plans_actionplan": lambda d: d.plan,
    "plans_measure": lambda d: d.measure,
}
STAFF = frozenset({SAM, OTHER})  # alice and dave are staff; nobody here is a superuser


@pytest.mark.parametrize("model", sorted(ADMIN_MODELS))
def test_admin(setting, db, model):
    problems = []
    changelist = reverse(f"admin:{model}_changelist")
    record = ADMIN_RECORDS.get(model)
    for actor in ACTORS:
        answer = ask(setting.pages[actor], "get", changelist)
        if actor not in STAFF:
            wanted = None if answer.to_sign_in else "the admin's sign-in page"
        elif ADMIN_MODELS[model] == SUPERUSER:
            wanted = None if answer.status == 403 else "403 (superusers only)"
        else:
            wanted = None if answer.status == 200 else "200"
        if answer.error:
            wanted = "no 500"
        if wanted:
            problems.append(f"GET {changelist} as {actor}: expected {wanted}, got {answer}")
            continue
        if record is None or actor not in STAFF or ADMIN_MODELS[model] == SUPERUSER:
            continue
        # The changelist lists the records of the coordinator's own district only.
        for label, district in (("HÄ", setting.matrix.ha), ("SK", setting.matrix.sk)):
            change = reverse(f"admin:{model}_change", args=[record(district).pk])
            home = (actor == SAM) == (label == "HÄ")
            if (f'href="{change}' in answer.body.decode()) != home:
                problems.append(
                    f"GET {changelist} as {actor}: lists {label}'s {change}: {not home}"
                )
            if home:
                continue
            seen = ask(setting.pages[actor], "get", change)
            if seen.status == 200 or seen.error:
                problems.append(f"GET {change} as {actor} (the other district): got {seen}")
            written = ask(setting.pages[actor], "post", change, {})
            if written.written or written.error or written.status == 200:
                problems.append(f"POST {change} as {actor} (the other district): got {written}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_admin_index(setting, db):
    index = reverse("admin:index")
    for actor in ACTORS:
        answer = ask(setting.pages[actor], "get", index)
        if actor in STAFF:
            assert answer.status == 200, (actor, str(answer))
        else:
            assert answer.to_sign_in, (actor, str(answer))


def test_the_table_keeps_the_districts_apart(setting, db):
    """No entry lets the other district's coordinator read or write a Hägersten-Älvsjö record:
    a page whose address names a district's record is refused to dave."""
    for key, access in TABLE.items():
        if access.kwargs is None or not access.per_district:
            continue
        if not access.kwargs(setting.matrix, setting.matrix.ha):
            continue  # a list: dave gets it, without the district's records (``listed``)
        grants = [access.get, *_methods(access).values()]
        assert not any(OTHER in g for g in grants if isinstance(g, frozenset)), key


# --- bad query parameters (issue 12 item 9) ------------------------------------------------------

# A page given a parameter it cannot read answers 400 with the site's own page (header and
# menu), the error shown on it; a filter page shows the error at its field.
AT_THE_FIELD = "field-error"
BAD_PARAMETERS: list[tuple[str, Callable[[MatrixWorld], dict[str, Any]], str]] = [
    ("compliance:checklist", lambda m: {}, "datum=2023-13-45"),
    ("compliance:checklist", lambda m: {}, "omrade=abc"),
    ("compliance:checklist", lambda m: {}, "omrade=99999999999999999999999"),
    ("analysis:index", lambda m: {}, "fran=2023-13-45"),
    ("analysis:index", lambda m: {}, "omrade=abc"),
    ("analysis:index", lambda m: {}, "periodtyp=nonsense"),
    ("analysis:index", lambda m: {}, "fran=2023-09-01&till=2023-01-01"),
    ("analysis:map", lambda m: {}, "fran=garbage"),
    ("analysis:near_repeats", lambda m: {}, "kategori=x"),
    ("analysis:near_repeats", lambda m: {}, "avstand=abc"),
    ("analysis:near_repeats", lambda m: {}, "dagar=0"),
    ("analysis:export", lambda m: {"table": "antal", "fmt": "csv"}, "fran=garbage"),
    ("incidents:list", lambda m: {}, "fran=2023-13-45"),
    ("incidents:list", lambda m: {}, "omrade=99999999999999999999999"),
    ("incidents:map", lambda m: {}, "till=garbage"),
    ("incidents:export_csv", lambda m: {}, "fran=garbage"),
    ("incidents:duplicates", lambda m: {}, "fran=garbage"),
    ("reports:versions", lambda m: {"pk": m.ha.report.pk}, "fran=abc"),
    ("reports:versions", lambda m: {"pk": m.ha.report.pk}, "till=99999999999999999999999"),
]


@pytest.mark.parametrize(("name", "kwargs", "query"), BAD_PARAMETERS)
def test_bad_parameters_answer_400_on_the_page(setting, db, name, kwargs, query):
    url = f"{reverse(name, kwargs=kwargs(setting.matrix))}?{query}"
    answer = ask(setting.pages[SAM], "get", url)
    assert answer.status == 400, str(answer)
    page = answer.body.decode()
    assert 'class="site-header"' in page and 'href="/static/trygg/' in page  # the site's page
    assert AT_THE_FIELD in page  # and the error on it
