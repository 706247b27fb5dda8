"""The statistics pages through the test client: list, series table, export, template, import."""

from io import BytesIO

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.statistics.conftest import HEADER, excel_csv
from trygg.lib.csvio import read_table
from trygg.statistics.importers import TEMPLATE_COLUMNS, import_statistics
from trygg.statistics.models import StatisticSeries, StatisticValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(world):
    def make(actor):
        client = Client()
        client.force_login(getattr(world, actor))
        return client

    return make


@pytest.fixture
def figures(world, crimes, survey, value):
    value(crimes, world.district, "2019/20", 812, category="narkotikabrott")
    value(crimes, world.district, "2020/21", 905, category="narkotikabrott")
    value(crimes, world.district, "2021/22", 774, category="narkotikabrott")
    value(crimes, world.district, "2021/22", 84, category="personran")
    value(crimes, world.skarholmen, "2021/22", 70, category="personran")
    value(survey, world.liljeholmen, "2021", 23.5)


def test_the_list_shows_series_with_demo_marking(client_for, figures, survey):
    page = client_for("alice").get(reverse("statistics:list")).content.decode()
    assert "Anmälda brott (Polisen)" in page
    assert "Otrygghet sen kväll" in page
    assert page.count("Demosiffror") == 1
    assert reverse("statistics:import") in page


def test_the_series_page_is_a_table_of_areas_by_periods(client_for, figures, crimes):
    page = client_for("alice").get(reverse("statistics:detail", args=[crimes.pk])).content
    page = page.decode()
    for heading in ("2019/20", "2020/21", "2021/22", "Narkotikabrott", "Personrån"):
        assert heading in page
    assert "905" in page and "774" in page
    # Skärholmen is outside alice's areas.
    assert "Skärholmen" not in page
    assert "Demosiffror" not in page


def test_percentages_are_shown_with_a_decimal_comma(client_for, figures, survey):
    page = client_for("alice").get(reverse("statistics:detail", args=[survey.pk])).content
    assert "23,5 %" in page.decode()
    assert "Demosiffror" in page.decode()


def test_the_export_can_be_imported_again(client_for, figures, crimes, world):
    client = client_for("carol")
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse(f"statistics:export_{fmt}", args=[crimes.pk]))
        assert response.status_code == 200
        assert f".{fmt}" in response["Content-Disposition"]
        table = read_table(response.content, f"export.{fmt}")
        assert table.headers == TEMPLATE_COLUMNS
        assert len(table.rows) == 5
        report = import_statistics(response.content, f"export.{fmt}", user=world.carol)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    text = client.get(reverse("statistics:export_csv", args=[crimes.pk])).content.decode(
        "utf-8-sig"
    )
    assert "Anmälda brott (Polisen);Hägersten-Älvsjö;Narkotikabrott;2019/20;812;antal" in text


def test_the_templates_download_and_import(client_for, world):
    client = client_for("alice")
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse(f"statistics:template_{fmt}"))
        assert response.status_code == 200
        assert read_table(response.content, f"mall.{fmt}").headers == TEMPLATE_COLUMNS
    # The example rows name areas of the demo; here they are not all there, so check shape only.
    book = openpyxl.load_workbook(BytesIO(client.get(reverse("statistics:template_xlsx")).content))
    assert [c.value for c in book.active[1]] == TEMPLATE_COLUMNS


def test_uploading_a_good_file_imports_it_and_links_the_series(client_for, world):
    data = excel_csv(HEADER, "Otrygghet;Liljeholmen;;2021;23,5;andel;Stockholms stad;")
    upload = ("otrygghet.csv", data)
    response = client_for("alice").post(
        reverse("statistics:import"), {"file": _file(*upload)}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    series = StatisticSeries.objects.get()
    assert reverse("statistics:detail", args=[series.pk]) in page
    assert StatisticValue.objects.count() == 1


def test_uploading_a_bad_file_lists_every_problem_and_imports_nothing(client_for, world):
    data = excel_csv(
        HEADER,
        "Otrygghet;Atlantis;;2021;23,5;andel;;",
        "Otrygghet;Liljeholmen;;i fjol;23,5;andel;;",
        "Otrygghet;Liljeholmen;;2022;hög;andel;;",
    )
    response = client_for("alice").post(
        reverse("statistics:import"), {"file": _file("a.csv", data)}
    )
    page = response.content.decode()
    assert "Ingenting importerades" in page
    for line, column in (("2", "område"), ("3", "period"), ("4", "värde")):
        assert f"<td>{line}</td><td>{column}</td>" in page
    assert "Atlantis" in page
    assert not StatisticSeries.objects.exists()
    # The form is there again to retry.
    assert 'type="file"' in page


def test_an_unreadable_file_is_explained(client_for, world):
    response = client_for("alice").post(
        reverse("statistics:import"), {"file": _file("gammal.xls", b"\xd0\xcf\x11\xe0" * 10)}
    )
    assert "xlsx" in response.content.decode()


def test_dry_run_and_chosen_series_through_the_page(client_for, world, survey):
    data = excel_csv("område;period;värde", "Liljeholmen;2021;23,5")
    client = client_for("alice")
    page = client.get(reverse("statistics:import") + f"?serie={survey.pk}").content.decode()
    assert f'value="{survey.pk}" selected' in page
    response = client.post(
        reverse("statistics:import"),
        {"file": _file("a.csv", data), "series": survey.pk, "dry_run": "on"},
    )
    assert response.status_code == 200
    assert not StatisticValue.objects.exists()
    client.post(reverse("statistics:import"), {"file": _file("a.csv", data), "series": survey.pk})
    assert StatisticValue.objects.get().series == survey


@pytest.mark.parametrize(
    ("actor", "view", "upload"),
    [
        ("alice", 200, 200),
        ("carol", 200, 200),
        ("dave", 200, 200),
        ("bob", 403, 403),
        ("erin", 403, 403),
    ],
)
def test_who_may_open_the_pages(client_for, figures, crimes, actor, view, upload):
    client = client_for(actor)
    assert client.get(reverse("statistics:list")).status_code == view
    assert client.get(reverse("statistics:detail", args=[crimes.pk])).status_code == view
    assert client.get(reverse("statistics:export_csv", args=[crimes.pk])).status_code == view
    assert client.get(reverse("statistics:template_csv")).status_code == view
    assert client.get(reverse("statistics:import")).status_code == upload


def test_signed_out_visitors_are_sent_to_sign_in(crimes):
    response = Client().get(reverse("statistics:list"))
    assert response.status_code == 302
    assert "logga-in" in response["Location"]


def test_the_administration_page_links_the_statistics(client_for, world):
    page = client_for("alice").get(reverse("front:administration")).content.decode()
    assert reverse("statistics:list") in page
    assert reverse("statistics:import") in page


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_column_of_figures_has_one_number_of_decimals_and_wide_areas_come_first(
    client_for, world, survey, value
):
    value(survey, world.liljeholmen, "2023", 16)
    value(survey, world.district, "2023", 19.25)
    page = client_for("alice").get(reverse("statistics:detail", args=[survey.pk])).content
    page = page.decode()
    assert "16,00 %" in page and "19,25 %" in page
    assert page.index("Hägersten-Älvsjö</th>") < page.index("Liljeholmen</th>")


def test_one_area_with_categories_is_named_once(client_for, world, crimes, value):
    value(crimes, world.district, "2021/22", 84, category="personran")
    value(crimes, world.district, "2021/22", 774, category="narkotikabrott")
    page = client_for("alice").get(reverse("statistics:detail", args=[crimes.pk])).content
    page = page.decode()
    assert "Hägersten-Älvsjö: 2 värden, enhet antal" in page
    assert '<th scope="row">Narkotikabrott</th>' in page


def test_the_list_names_the_first_and_last_period(client_for, figures):
    page = client_for("alice").get(reverse("statistics:list")).content.decode()
    assert "2019/20 – 2021/22 (3 perioder)" in page
