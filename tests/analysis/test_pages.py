import pytest
from django.urls import reverse

from trygg.analysis.counts import count_incidents
from trygg.analysis.selection import build_selection
from trygg.lib.csvio import read_table


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.carol)
    return client


def test_analysis_page_shows_counts_changes_and_patterns(world, incidents, signed_in):
    response = signed_in.get(
        reverse("analysis:index"),
        {"omrade": world.district.pk, "fran": "2021-09-01", "till": "2023-08-31"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2021/22" in html and "2022/23" in html
    assert "<svg" in html
    assert "ingen säkerställd förändring" in html or "säkerställd" in html
    assert response.context["by_category"].total > 0


def test_analysis_page_without_parameters_uses_all_data(world, incidents, signed_in):
    response = signed_in.get(reverse("analysis:index"))
    assert response.status_code == 200
    assert response.context["selection"].areas[0].id == world.stockholm.pk


def test_analysis_page_reports_bad_input(world, signed_in):
    response = signed_in.get(
        reverse("analysis:index"), {"fran": "2023-05-01", "till": "2023-01-01"}
    )
    assert response.status_code == 400  # the page, with the error on it
    assert response.context["selection"] is None
    assert "Startdatumet är efter slutdatumet" in response.content.decode()


def test_analysis_needs_a_membership(world, client):
    client.force_login(world.erin)
    assert client.get(reverse("analysis:index")).status_code == 403
    client.logout()
    assert client.get(reverse("analysis:index")).status_code == 302


@pytest.mark.parametrize("table", ["antal", "forandringar", "tidsmonster", "manader"])
def test_exports_open_as_swedish_tables(world, incidents, signed_in, table, tmp_path):
    for fmt in ("csv", "xlsx"):
        response = signed_in.get(
            reverse("analysis:export", args=[table, fmt]), {"omrade": world.district.pk}
        )
        assert response.status_code == 200
        parsed = read_table(response.content, f"export.{fmt}")
        assert parsed.rows
    assert signed_in.get(reverse("analysis:export", args=["antal", "pdf"])).status_code == 404


def test_count_export_matches_the_engine(world, incidents, signed_in, tmp_path):
    response = signed_in.get(
        reverse("analysis:export", args=["antal", "csv"]), {"omrade": world.liljeholmen.pk}
    )
    table = read_table(response.content, "antal.csv")
    key = list(table.rows[0].values)[-2]  # the count, before the rate per 1,000
    total = sum(int(row.values[key].replace("\u202f", "")) for row in table.rows)
    from trygg.analysis.counts import count_incidents
    from trygg.analysis.selection import build_selection

    assert (
        total
        == count_incidents(build_selection(world.carol, area_ids=[world.liljeholmen.pk])).total
    )


def test_map_page_draws_points_and_hotspots(world, incidents, signed_in):
    response = signed_in.get(reverse("analysis:map"), {"omrade": world.district.pk})
    assert response.status_code == 200
    assert "hotspot-cells" in response.content.decode()
    assert response.context["hotspots"].cells


def test_harm_appears_beside_the_counts_once_categories_weigh(world, incidents, signed_in):
    from trygg.incidents.models import Category

    query = {"omrade": world.district.pk, "fran": "2021-09-01", "till": "2023-08-31"}
    plain = signed_in.get(reverse("analysis:index"), query)
    assert plain.context["harm"] is None
    assert 'id="harm-heading"' not in plain.content.decode()
    assert "matt=skada" not in signed_in.get(reverse("analysis:map"), query).content.decode()
    leaf = Category.objects.filter(children__isnull=True).order_by("id").first()
    # Saved as the category page saves it (with history): cached figures are renewed.
    leaf.harm_weight, leaf.harm_source = 12.5, "Testindex 2026"
    leaf.save()
    response = signed_in.get(reverse("analysis:index"), query)
    html = response.content.decode()
    assert 'id="harm-heading"' in html and "Testindex 2026" in html
    harm = response.context["harm"]
    selection = response.context["selection"]
    leaf_only = count_incidents(
        build_selection(
            world.carol,
            area_ids=[world.district.pk],
            category_ids=[leaf.pk],
            start=selection.start,
            end=selection.end,
        ),
        (),
    )
    assert harm["total"] == pytest.approx(12.5 * leaf_only.total)
    assert leaf_only.total > 0
    assert harm["by_category_table"][0][-1].startswith("Skadevärde")
    changes = response.context["changes_table"]
    assert changes[0][-1] == "Förändring skadevärde (%)"
    # Karta weighs its hotspots by harm on request.
    map_page = signed_in.get(reverse("analysis:map"), query)
    assert "matt=skada" in map_page.content.decode()
    weighed = signed_in.get(reverse("analysis:map"), query | {"matt": "skada"})
    assert weighed.status_code == 200
    assert weighed.context["harm"] and weighed.context["hotspots"].measure == "harm"


def test_a_coordinator_sets_a_harm_weight_on_the_category_page(world, client):
    from trygg.incidents.models import Category

    category = Category.objects.get(code="klotter")
    client.force_login(world.alice)
    url = reverse("incidents:category_edit", args=[category.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        parent=category.parent_id or "",
        harm_weight="-1",
        harm_source="Eget index",
        police_types="",
    )
    refused = client.post(url, data)
    assert refused.status_code == 200 and refused.context["form"].errors["harm_weight"]
    data["harm_weight"] = "2,5"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    category.refresh_from_db()
    assert category.harm_weight == 2.5 and category.harm_source == "Eget index"
    listing = client.get(reverse("incidents:category_list")).content.decode()
    assert "Eget index" in listing


def test_overview_shows_the_week(world, incidents, signed_in):
    response = signed_in.get(reverse("front:overview"))
    assert response.status_code == 200
    assert "week-heading" in response.content.decode()


def test_overview_week_is_renewed_by_every_kind_of_write(world, incidents):
    """The week block is cached, but a new incident, a correction, a rejection and a
    delete in the week shown each change it at once (the cache key holds data versions)."""
    from datetime import timedelta

    from trygg.analysis.overview import overview_week
    from trygg.incidents.actions import (
        IncidentDraft,
        record_incidents,
        review_incidents,
        update_incident,
    )
    from trygg.incidents.models import Category, Incident, Source, Status

    block = overview_week(world.carol)
    assert block is not None
    week, total = block["week"], block["total"]
    assert overview_week(world.carol)["total"] == total  # from the cache
    inside = week.bounds()[0] + timedelta(days=2, hours=12)
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    [incident] = record_incidents(
        [IncidentDraft(category=category, occurred_at=inside, area=world.liljeholmen)],
        source=Source.WEBB,
    ).created
    assert overview_week(world.carol)["total"] == total + 1
    update_incident(incident, {"occurred_at": inside - timedelta(days=60)}, world.alice)
    assert overview_week(world.carol)["total"] == total
    update_incident(incident, {"occurred_at": inside}, world.alice)
    assert overview_week(world.carol)["total"] == total + 1
    review_incidents([Incident.objects.get(pk=incident.pk)], Status.AVVISAD, world.alice)
    assert overview_week(world.carol)["total"] == total
    review_incidents([Incident.objects.get(pk=incident.pk)], Status.GRANSKAD, world.alice)
    assert overview_week(world.carol)["total"] == total + 1
    Incident.objects.get(pk=incident.pk).delete()
    assert overview_week(world.carol)["total"] == total
