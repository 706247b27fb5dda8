"""Bounded query parameters (issue 17, item 4): every id, number and choice in a query string is
read by ``trygg.lib.params``, and garbage is a 400 with a Swedish message, never a 500."""

import pytest
from django.utils import translation

from trygg.lib.params import MAX_ID
from trygg.statistics.models import StatisticSeries, Unit

TWENTY_DIGITS = "9" * 20

ID_MESSAGE = f"Ett id är ett heltal, högst {MAX_ID}."


@pytest.fixture
def series(db):
    return StatisticSeries.objects.create(name="Anmälda brott", code="brott", unit=Unit.ANTAL)


def test_the_messages_are_swedish():
    with translation.override("sv"):
        assert translation.gettext("An id is a whole number, at most %(maximum)d.") != (
            "An id is a whole number, at most %(maximum)d."
        )


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (f"/api/v1/measures/?plan={TWENTY_DIGITS}", "plan"),
        (f"/api/v1/problems/?plan={TWENTY_DIGITS}", "plan"),
        (f"/api/v1/situation-reports/?omrade={TWENTY_DIGITS}", "omrade"),
        (f"/api/v1/meetings/?forum={TWENTY_DIGITS}", "forum"),
        (f"/api/v1/statistics/values/?category={TWENTY_DIGITS}", "category"),
        (f"/api/v1/statistics/values/?area={TWENTY_DIGITS}", "area"),
        (f"/api/v1/statistics/values/?series=1,{TWENTY_DIGITS}", "series"),
        (f"/api/v1/measures/?plan={MAX_ID + 1}", "plan"),
        ("/api/v1/measures/?plan=-1", "plan"),
        ("/api/v1/measures/?plan=x", "plan"),
        ("/api/v1/meetings/?forum=%C2%B2", "forum"),  # "²" is a digit to str.isdigit
    ],
)
def test_an_id_out_of_range_is_a_400_naming_the_parameter(world, api, url, parameter):
    response = api("alice").get(url)
    assert response.status_code == 400, response.content
    assert response.json() == {parameter: [ID_MESSAGE]}


def test_an_id_filter_on_one_series_values_is_bounded(world, api, series):
    response = api("alice").get(f"/api/v1/statistics/{series.pk}/values/?area={TWENTY_DIGITS}")
    assert response.status_code == 400
    assert response.json() == {"area": [ID_MESSAGE]}


def test_the_largest_id_is_read_and_finds_nothing(world, api):
    response = api("alice").get(f"/api/v1/measures/?plan={MAX_ID}")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/incidents/{TWENTY_DIGITS}/",
        "/api/v1/incidents/9999999999999999999/",
        "/api/v1/incidents/x/",
        f"/api/v1/statistics/{TWENTY_DIGITS}/values/",
        f"/api/v1/areas/{TWENTY_DIGITS}/",
    ],
)
def test_an_id_in_the_path_that_is_no_id_is_a_json_404(world, api, url):
    response = api("alice").get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Det finns inget här, eller så får du inte se det."}


def test_format_suffix_routes_are_gone(world, api):
    # /values.json reached an action that takes no ``format``: a TypeError, a 500.
    response = api("alice").get("/api/v1/statistics/values.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert api("alice").get("/api/v1/areas.json").status_code == 404
    assert api("alice").get("/api/v1/statistics/values/").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "Ett heltal från 1 till 2147483647."),
        ("page=x", "Ett heltal från 1 till 2147483647."),
        ("page=-1", "Ett heltal från 1 till 2147483647."),
        (f"page={TWENTY_DIGITS}", "Ett heltal från 1 till 2147483647."),
        ("page_size=x", "Ett heltal från 1 till 500."),
        ("page_size=0", "Ett heltal från 1 till 500."),
        ("page_size=501", "Ett heltal från 1 till 500."),
    ],
)
def test_page_and_page_size_garbage_is_a_400(world, api, query, message):
    response = api("alice").get(f"/api/v1/areas/?{query}")
    assert response.status_code == 400, response.content
    name = query.split("=")[0]
    assert response.json() == {name: [message]}


def test_pages_still_work(world, api):
    client = api("carol")
    first = client.get("/api/v1/areas/?page_size=1").json()
    assert len(first["results"]) == 1 and first["next"]
    last = client.get("/api/v1/areas/?page_size=1&page=last").json()
    assert last["next"] is None and last["results"]
    beyond = client.get("/api/v1/areas/?page_size=1&page=1000")
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "Ogiltig sida."}


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/measures/?status=purple", "status"),
        ("/api/v1/situation-reports/?status=x", "status"),
        ("/api/v1/analysis/changes/?comparison=median", "comparison"),
        ("/api/v1/analysis/hotspots/?cells=some", "cells"),
        ("/api/v1/analysis/hotspots/?p_values=bayes", "p_values"),
    ],
)
def test_enum_parameters_refuse_garbage(world, api, url, parameter):
    response = api("alice").get(url)
    assert response.status_code == 400, response.content
    [message] = response.json()[parameter]
    assert message.startswith("Välj ett av: ")


def test_a_yes_or_no_parameter_refuses_garbage(world, api):
    response = api("alice").get("/api/v1/meetings/?kommande=kanske")
    assert response.status_code == 400
    assert response.json() == {"kommande": ["Ange true eller false."]}
    assert api("alice").get("/api/v1/meetings/?kommande=ja").status_code == 200


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("n=0", "n", "Ett heltal från 1 till 20."),
        ("n=x", "n", "Ett heltal från 1 till 20."),
        (f"n={TWENTY_DIGITS}", "n", "Ett heltal från 1 till 20."),
    ],
)
def test_numbers_of_the_analysis_are_bounded(world, api, query, parameter, message):
    response = api("alice").get(f"/api/v1/analysis/changes/?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {parameter: [message]}


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("cell_m=1", "cell_m", "Ett tal från 25 till 5000."),
        ("cell_m=nan", "cell_m", "Ett tal från 25 till 5000."),
        ("cell_m=inf", "cell_m", "Ett tal från 25 till 5000."),
        ("cell_m=x", "cell_m", "Ett tal från 25 till 5000."),
        ("q=0", "q", "Ett tal större än 0 och mindre än 1."),
        ("q=1", "q", "Ett tal större än 0 och mindre än 1."),
    ],
)
def test_numbers_of_the_hotspots_are_bounded(world, api, query, parameter, message):
    response = api("alice").get(f"/api/v1/analysis/hotspots/?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {parameter: [message]}


def test_a_compliance_checklist_with_a_twenty_digit_area_is_refused(world, api, client):
    response = api("alice").get(f"/api/v1/compliance/?omrade={TWENTY_DIGITS}")
    assert response.status_code == 400, response.content
    client.force_login(world.alice)
    assert client.get(f"/samverkan/efterlevnad/?omrade={TWENTY_DIGITS}").status_code == 400


def test_pages_read_numbers_through_the_same_parser(world, client):
    """The lägesbild version comparison reads ?fran= and ?till= as bounded numbers: garbage is
    a Swedish 400 page, not a silent fallback (nor, with another reading, a 500)."""
    from trygg.reports.models import SituationReport

    report = SituationReport.objects.create(
        title="Lägesbild 2026",
        area=world.district,
        period_start="2025-09-01",
        period_end="2026-08-31",
    )
    client.force_login(world.alice)
    url = f"/lagesbild/{report.pk}/versioner/"
    assert client.get(url).status_code == 200
    response = client.get(url, {"fran": "x"})
    assert response.status_code == 400
    assert "Ett heltal från 0 till 2147483647." in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/lagesbild/{}/versioner/", "/handelser/{}/", "/atgardsplan/{}/", "/samverkan/moten/{}/"],
)
def test_a_twenty_digit_id_in_a_page_path_is_a_404(world, client, path):
    client.force_login(world.alice)
    assert client.get(path.format(TWENTY_DIGITS)).status_code == 404
