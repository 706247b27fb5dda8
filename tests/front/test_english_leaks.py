"""Text Trygg shows that came out English from Django or Python: now Swedish."""

from __future__ import annotations

import pytest
from django.utils import translation

from trygg.collaboration.models import PromiseFollowUp
from trygg.incidents.imports.police import drafts_from_police_feed
from trygg.lib.imports import ImportFailed
from trygg.places.importers import AreaImportError, read_geojson


def test_empty_choice_label_is_swedish():
    with translation.override("sv"):
        blank = PromiseFollowUp._meta.get_field("status").get_choices()[0]
        assert (blank[0], str(blank[1])) == ("", "– Välj –")


@pytest.mark.django_db
def test_police_feed_that_is_not_json_says_so_in_swedish():
    with translation.override("sv"), pytest.raises(ImportFailed) as caught:
        drafts_from_police_feed(b"[not json", organisation=None)
    assert str(caught.value) == "Filen är inte polisens händelseflöde: inte JSON (rad 1, kolumn 2)."
    with translation.override("sv"):
        _, problems, _, _ = drafts_from_police_feed(b'{"id": 1\n', organisation=None)
    text = " ".join(str(vars(problem)) for problem in problems)
    assert "inte en polishändelse (inte JSON från kolumn 9)" in text
    assert "Expecting" not in text


def test_geojson_that_is_not_json_says_so_in_swedish(tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_text("{", encoding="utf-8")
    with translation.override("sv"), pytest.raises(AreaImportError) as caught:
        read_geojson(path)
    assert caught.value.problems == ["Filen är inte giltig JSON (rad 1, kolumn 2)."]


@pytest.mark.django_db
def test_list_dates_use_swedish_month_abbreviations(client, world):
    """Django's "M" capitalises the Swedish abbreviations ("Sep", "Aug"), which read English;
    the lists use "b": "1 sep 2025 – 31 aug 2026"."""
    from trygg.reports.models import SituationReport

    SituationReport.objects.create(
        title="Lägesbild 2026", area=world.district,
        period_start="2025-09-01", period_end="2026-08-31",
    )  # fmt: skip
    client.force_login(world.alice)
    page = client.get("/lagesbild/").content.decode()
    assert "1 sep 2025 – 31 aug 2026" in page
    assert "Sep 2025" not in page


@pytest.mark.django_db
def test_bad_date_on_lagens_krav_is_the_styled_page_with_the_error_inline(client, world):
    client.force_login(world.alice)
    response = client.get("/samverkan/efterlevnad/", {"datum": "2023-13-45"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<main" in page and 'name="datum"' in page
    assert "Ange ett riktigt datum (ÅÅÅÅ-MM-DD). ”2023-13-45” är inget datum" in page
