"""/api/v1/areas/, /api/v1/organisations/ and /api/v1/categories/, scoped per actor."""

import pytest

from trygg.incidents.models import Category

AREAS = {
    "alice": {"district", "liljeholmen"},
    "bob": {"district", "liljeholmen"},
    "carol": {"stockholm", "district", "liljeholmen", "skarholmen"},
    "dave": {"skarholmen"},
    "erin": set(),
}
ORGANISATIONS = {
    "alice": {"sdf", "police", "housing"},
    "bob": {"sdf", "police", "housing"},
    "carol": {"sdf", "police", "housing", "skarholmen_sdf"},
    "dave": {"police", "skarholmen_sdf"},
    "erin": set(),
}


def everything(client, url):
    """Every row of a paginated list, following the next links."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


@pytest.mark.parametrize(("actor", "expected"), AREAS.items())
def test_areas_are_those_the_memberships_cover(world, api, actor, expected):
    rows = everything(api(actor), "/api/v1/areas/")
    assert {row["id"] for row in rows} == {getattr(world, name).pk for name in expected}


@pytest.mark.parametrize(("actor", "expected"), ORGANISATIONS.items())
def test_organisations_are_those_working_in_reach(world, api, actor, expected):
    rows = everything(api(actor), "/api/v1/organisations/")
    assert {row["id"] for row in rows} == {getattr(world, name).pk for name in expected}


@pytest.mark.parametrize(("actor", "sees"), [("alice", True), ("bob", True), ("erin", False)])
def test_categories_are_read_by_members(world, api, actor, sees):
    rows = everything(api(actor), "/api/v1/categories/?page_size=500")
    assert len(rows) == (Category.objects.count() if sees else 0)


def test_area_json(world, api):
    body = api("bob").get(f"/api/v1/areas/{world.liljeholmen.pk}/").json()
    assert body == {
        "id": world.liljeholmen.pk,
        "name": "Liljeholmen",
        "kind": "stadsdel",
        "parent": world.district.pk,
        "code": "",
        "population": None,
        "police_classification": "",
        "classification_year": None,
    }


def test_organisation_json(world, api):
    body = api("bob").get(f"/api/v1/organisations/{world.housing.pk}/").json()
    assert body == {
        "id": world.housing.pk,
        "name": "Bostadsbolaget",
        "short_name": "",
        "kind": "bostadsbolag",
        "area": world.liljeholmen.pk,
    }


def test_category_json(world, api):
    klotter = Category.objects.get(code="klotter")
    body = api("bob").get(f"/api/v1/categories/{klotter.pk}/").json()
    assert body["code"] == "klotter"
    assert body["parent"] == klotter.parent_id
    assert set(body) == {
        "id", "code", "name", "parent", "police_event_types", "iccs_section", "is_crime",
        "is_active",
    }  # fmt: skip


def test_an_area_outside_scope_is_not_found(world, api):
    assert api("dave").get(f"/api/v1/areas/{world.liljeholmen.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/areas/", "/api/v1/organisations/", "/api/v1/categories/"])
def test_reference_data_is_read_only(world, api, url):
    assert api("alice").post(url, {"name": "Nytt"}).status_code == 405


@pytest.mark.parametrize("url", ["/api/v1/areas/", "/api/v1/organisations/", "/api/v1/categories/"])
def test_reference_data_needs_sign_in(world, api, url):
    assert api(None).get(url).status_code == 401
