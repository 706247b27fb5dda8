"""Django admin for coordinators: their own areas, organisations and members, no privileges."""

import pytest
from django.urls import reverse

from trygg.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def test_coordinator_lists_only_areas_in_scope(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("admin:places_area_changelist")).content.decode()
    assert "Liljeholmen" in html
    assert "Skärholmen" not in html


def test_coordinator_cannot_open_another_districts_area(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("admin:places_area_change", args=[world.skarholmen.pk]))
    assert response.status_code == 302  # Django admin redirects when the object is not visible


def test_coordinator_edits_an_area_in_scope(client, world):
    client.force_login(world.alice)
    url = reverse("admin:places_area_change", args=[world.liljeholmen.pk])
    response = client.post(
        url,
        {
            "name": "Liljeholmen",
            "kind": "stadsdel",
            "parent": world.district.pk,
            "population": "16000",
            "geometry": "",
            "code": "",
            "description": "",
            "police_classification": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.liljeholmen.refresh_from_db()
    assert world.liljeholmen.population == 16000


def test_reporter_has_no_admin(client, world):
    world.bob.is_staff = True
    world.bob.save(update_fields=["is_staff"])
    client.force_login(world.bob)
    response = client.get(reverse("admin:places_area_changelist"))
    assert response.status_code == 403


def test_coordinator_adds_a_membership_in_scope_only(client, world):
    client.force_login(world.alice)
    url = reverse("admin:accounts_membership_add")
    ok = client.post(
        url,
        {"user": world.erin.pk, "organisation": world.housing.pk, "role": Role.RAPPORTOR,
         "area": world.liljeholmen.pk, "is_active": "on"},
    )  # fmt: skip
    assert ok.status_code == 302
    refused = client.post(
        url,
        {"user": world.erin.pk, "organisation": world.housing.pk, "role": Role.SAMORDNARE,
         "area": world.skarholmen.pk, "is_active": "on"},
    )  # fmt: skip
    assert refused.status_code == 200  # the area is not a valid choice
    assert list(
        Membership.objects.filter(user=world.erin).values_list("area__name", flat=True)
    ) == ["Liljeholmen"]


def test_coordinator_cannot_make_anyone_superuser(client, world):
    client.force_login(world.alice)
    url = reverse("admin:accounts_user_change", args=[world.bob.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    assert not User.objects.get(pk=world.bob.pk).is_superuser
