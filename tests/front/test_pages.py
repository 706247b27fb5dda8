"""Every page answers: anonymous visitors go to the login page, members get the page."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def pages(world):
    return {
        "overview": reverse("front:overview"),
        "areas": reverse("places:list"),
        "area": reverse("places:detail", args=[world.liljeholmen.pk]),
        "organisations": reverse("accounts:organisation_list"),
        "organisation": reverse("accounts:organisation_detail", args=[world.housing.pk]),
        "categories": reverse("incidents:category_list"),
        "administration": reverse("front:administration"),
        "import": reverse("places:import"),
    }


PAGE_NAMES = ["overview", "areas", "area", "organisations", "organisation", "categories",
              "administration", "import"]  # fmt: skip
COORDINATOR_ONLY = {"administration", "import"}


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_anonymous_visitors_are_sent_to_login(client, world, page):
    url = pages(world)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("actor", ["alice", "bob", "carol"])
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_members_get_every_page_their_role_allows(client, world, actor, page):
    client.force_login(getattr(world, actor))
    response = client.get(pages(world)[page])
    if page in COORDINATOR_ONLY and actor != "alice":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


def test_area_outside_the_scope_is_forbidden(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("places:detail", args=[world.skarholmen.pk]))
    assert response.status_code == 403
    assert "Du har inte behörighet" in response.content.decode()


def test_login_page_is_swedish_and_logs_in(client, world):
    page = client.get(reverse("login"))
    html = page.content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in" in html
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("front:overview")


def test_wrong_password_shows_a_swedish_error(client, world):
    response = client.post(reverse("login"), {"username": "alice", "password": "fel"})
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("front:overview")).status_code == 302


def test_overview_shows_the_users_areas_organisations_and_categories(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("front:overview")).content.decode()
    assert "Samordnare" in html
    assert "Hägersten-Älvsjö" in html
    assert "Bostadsbolaget" in html and "Polisen" in html
    assert "Skärholmens SDF" not in html
    assert "Narkotikabrott" in html
    assert 'id="overview-map"' in html


def test_user_without_membership_is_told_what_to_do(client, world):
    client.force_login(world.erin)
    html = client.get(reverse("front:overview")).content.decode()
    assert "inte medlem i någon organisation" in html


def test_navigation_marks_the_current_section(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("places:list")).content.decode()
    assert 'aria-current="page">Områden<' in html


def test_coordinator_imports_boundaries_through_the_upload_page(client, world, fixtures_dir):
    client.force_login(world.alice)
    with (fixtures_dir / "stadsdelar-sample.geojson").open("rb") as upload:
        response = client.post(
            reverse("places:import"),
            {
                "file": upload,
                "parent": world.district.pk,
                "kind": "stadsdel",
                "name_property": "name",
                "only": "",
            },
        )
    assert response.status_code == 302
    assert world.district.children.count() == 4


def test_upload_page_lists_every_problem_and_imports_nothing(client, world, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null}]}'
    )
    client.force_login(world.alice)
    with bad.open("rb") as upload:
        response = client.post(
            reverse("places:import"),
            {
                "file": upload,
                "parent": world.district.pk,
                "kind": "stadsdel",
                "name_property": "name",
            },
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ingenting importerades" in html
    assert "saknar egenskapen" in html
    assert world.district.children.count() == 1


def test_coordinator_cannot_import_under_another_district(client, world, fixtures_dir):
    client.force_login(world.alice)
    with (fixtures_dir / "stadsdelar-sample.geojson").open("rb") as upload:
        response = client.post(
            reverse("places:import"),
            {
                "file": upload,
                "parent": world.skarholmen.pk,
                "kind": "stadsdel",
                "name_property": "name",
            },
        )
    assert response.status_code == 200
    assert world.skarholmen.children.count() == 0
