"""Samverkan records in the test world: agreements, a council with meetings, PDFs."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from trygg.collaboration.actions import save_agreement
from trygg.collaboration.defaults import ensure_default_priority_areas
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    Forum,
    ForumKind,
    ForumMember,
    Meeting,
    PriorityArea,
    Rhythm,
)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

# The smallest file every PDF reader opens: one empty page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def priority_areas(db):
    # Transactional tests flush the migration's rows; put them back.
    ensure_default_priority_areas(PriorityArea)


@pytest.fixture
def agreement(world, priority_areas):
    found = save_agreement(
        Agreement(
            title="Lokal överenskommelse",
            scope="lokal",
            area=world.district,
            signed_on=dt.date(2021, 3, 1),
        ),
        parties=[world.police, world.sdf],
    )
    return found


@pytest.fixture
def council(world):
    forum = Forum.objects.create(
        name="Lokalt råd", kind=ForumKind.LOKALT_RAD, area=world.district, rhythm=Rhythm.MANADSVIS
    )
    ForumMember.objects.create(forum=forum, user=world.alice, is_chair=True)
    ForumMember.objects.create(forum=forum, user=world.bob)
    ForumMember.objects.create(forum=forum, name="Extern Person", title="rektor")
    return forum


@pytest.fixture
def meeting_on(council):
    def create(day: dt.date, forum: Forum | None = None, **fields) -> Meeting:
        return Meeting.objects.create(
            forum=forum or council,
            starts_at=at(day, 9),
            ends_at=at(day, 11),
            address="Telefonvägen 30",
            room="plan 10, rum Paddan",
            **fields,
        )

    return create


@pytest.fixture
def action(world):
    def create(meeting: Meeting, title: str = "Gör något", **fields) -> ActionItem:
        fields.setdefault("owner", world.alice)
        return ActionItem.objects.create(meeting=meeting, title=title, **fields)

    return create


def form_data(form) -> dict:
    """What a browser would post back for an unchanged form (its current values)."""
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False or value == "":
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def formset_data(formset) -> dict:
    data = form_data(formset.management_form)
    for form in formset.forms:
        data.update(form_data(form))
    return data
