"""The demo analyst sees near repeats of burglaries in Hägersten-Älvsjö, burglaries known only
as a time window spread over its hours, harm beside counts, and two reports of one event merged
(issue 15)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from trygg.accounts.models import User
from trygg.analysis.patterns import weekday_hour
from trygg.analysis.selection import build_selection
from trygg.incidents.models import Category, Incident, Status
from trygg.places.models import Area
from trygg.reports.figures import block_figure
from trygg.reports.models import BlockKind, ReportBlock

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_shows_near_repeats_of_burglaries():
    call_command("demo", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="analytiker"))
    district = Area.objects.get(name="Hägersten-Älvsjö")
    burglary = Category.objects.get(code="inbrott")
    page = client.get(
        "/analys/nara-upprepningar/",
        {
            "omrade": district.pk,
            "kategori": burglary.pk,
            "fran": "2021-09-01",
            "till": "2023-08-31",
        },
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nära upprepningar: fler händelser inträffar inom 100 m och 7 dagar" in text
    # The draft lägesbild carries the same table.
    figure, reason = block_figure(ReportBlock.objects.get(kind=BlockKind.NEAR_REPEATS))
    assert reason is None and figure is not None
    assert figure["rows"][0][1].endswith(" *")
    # Graffiti has no planted series: no pattern (five cells of 100 below 0.05, as chance).
    other = Category.objects.get(code="klotter")
    page = client.get(
        "/analys/nara-upprepningar/",
        {"omrade": district.pk, "kategori": other.pk, "fran": "2021-09-01", "till": "2023-08-31"},
    )
    text = page.content.decode()
    assert "Nära upprepningar: fler" not in text
    assert "Inget tydligt mönster av nära upprepningar" in text
    # Most of the series' burglaries are known as a day's window: Analys spreads them over
    # its hours and says so, and no burglary of theirs piles onto one hour of the morning.
    analys = client.get(
        "/analys/",
        {
            "omrade": district.pk,
            "kategori": burglary.pk,
            "fran": "2023-07-01",
            "till": "2023-08-31",
        },
    )
    text = analys.content.decode()
    assert analys.status_code == 200
    assert "är kända endast som ett tidsfönster" in text, text[:2000]
    # Harm beside the counts, with the demo's weights marked as such: a burglary weighs 180.
    assert 'id="harm-heading"' in text and "Demovikter" in text
    assert analys.context["harm"]["total"] == 180 * analys.context["by_category"].total
    windowed = Incident.objects.filter(category=burglary, occurred_until__isnull=False)
    assert windowed.count() >= 20
    selection = build_selection(
        User.objects.get(username="analytiker"),
        area_ids=[district.pk],
        category_ids=[burglary.pk],
        start=dt.date(2023, 7, 1),
        end=dt.date(2023, 8, 31),
    )
    pattern = weekday_hour(selection)
    assert pattern.windowed == windowed.count()
    assert any(isinstance(cell, float) for row in pattern.matrix for cell in row)
    # Two reports of one event are merged (counted once), and another pair waits for review
    # on the page of possible duplicates.
    (merged,) = Incident.objects.filter(status=Status.SAMMANSLAGEN)
    assert merged.organisation.name == "SHIS Bostäder"
    assert merged.duplicate_of.organisation.name == "Polisen"
    assert merged.duplicate_of.category == merged.category
    assert not Incident.objects.counted().filter(pk=merged.pk).exists()
    detail = client.get(f"/handelser/{merged.pk}/").content.decode()
    assert "Sammanslagen med" in detail and merged.duplicate_of.reference in detail
    page = client.get("/handelser/dubbletter/")
    assert page.status_code == 200
    (group,) = page.context["groups"]
    assert {i.organisation.name for i in group.incidents} == {
        "Trafikkontoret",
        "Hägersten-Älvsjö stadsdelsförvaltning",
    }
    assert "Möjliga dubbletter" in page.content.decode()
