"""Account administration in Trygg's own pages: every page, every permission boundary, and the
invitation → e-mail → choose password → sign in flow."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, UserFactory
from trygg.accounts.models import Membership, Organisation, Role, User
from trygg.places.models import Area, AreaKind

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Solros-i-Liljeholmen-42"


def _link(message):
    return re.search(r"https?://\S+", message.body).group(0)


def _invite(client, world, email="ny.rapportor@example.se", area=None, **extra):
    data = {
        "email": email,
        "first_name": "Nora",
        "last_name": "Nyberg",
        "organisation": world.housing.pk,
        "role": Role.RAPPORTOR,
        "area": (area or world.liljeholmen).pk,
        **extra,
    }
    return client.post(reverse("accounts:invite"), data)


def test_invite_mail_set_password_and_sign_in(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("accounts:invite"))
    assert page.status_code == 200
    assert 'type="radio" name="area"' in page.text
    assert "Filtrera" in page.text
    assert "Välj …" in page.text
    assert "Select an option" not in page.text

    response = _invite(client, world)
    user = User.objects.get(email="ny.rapportor@example.se")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.organisation, membership.role, membership.area) == (
        world.housing, Role.RAPPORTOR, world.liljeholmen,
    )  # fmt: skip
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.rapportor@example.se"]
    assert message.subject == "Du är inbjuden till Trygg"
    assert "rapportör för Bostadsbolaget i Liljeholmen" in message.body
    link = _link(message)

    client.logout()
    opened = client.get(link, follow=True)
    assert opened.status_code == 200
    assert "Välj lösenord" in opened.text
    set_url = opened.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Lösenordet är sparat" in done.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    again = client.get(link, follow=True)
    assert "Länken har redan använts" in again.text

    signed_in = client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("front:overview")


def test_invite_to_an_existing_user_adds_the_membership_without_mail(client, world):
    world.bob.email = "bob@example.se"
    world.bob.save()
    client.force_login(world.alice)
    _invite(client, world, email="BOB@example.se", role=Role.ANALYTIKER)
    assert world.bob.memberships.filter(role=Role.ANALYTIKER, area=world.liljeholmen).exists()
    assert mail.outbox == []


def test_a_coordinator_cannot_grant_an_area_above_or_beside_theirs(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("accounts:invite"))
    assert "Skärholmen" not in page.text
    assert f'name="area" value="{world.stockholm.pk}"' not in page.text
    assert f'name="area" value="{world.liljeholmen.pk}"' in page.text
    for area in (world.stockholm, world.skarholmen):
        response = _invite(client, world, email=f"x{area.pk}@example.se", area=area)
        assert response.status_code == 200
        assert "Välj ett giltigt alternativ" in response.text
    assert not User.objects.filter(email__startswith="x").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("actor", ["bob", "carol"])
def test_members_who_do_not_coordinate_get_403(client, world, actor):
    client.force_login(getattr(world, actor))
    for url in (
        reverse("accounts:user_list"),
        reverse("accounts:invite"),
        reverse("accounts:organisation_create"),
        reverse("places:create"),
        reverse("accounts:user_detail", args=[world.bob.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_coordinator_of_another_district_gets_403(client, world):
    """Dave coordinates Skärholmen; Bob, his membership and the district are Alice's."""
    bob_membership = world.bob.memberships.get()
    client.force_login(world.dave)
    for url in (
        reverse("accounts:user_detail", args=[world.bob.pk]),
        reverse("accounts:user_deactivate", args=[world.bob.pk]),
        reverse("accounts:membership_edit", args=[bob_membership.pk]),
        reverse("accounts:membership_end", args=[bob_membership.pk]),
        reverse("accounts:organisation_edit", args=[world.housing.pk]),
        reverse("places:edit", args=[world.liljeholmen.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.post(reverse("accounts:user_reinvite", args=[world.bob.pk])).status_code == 403
    bob_membership.refresh_from_db()
    world.bob.refresh_from_db()
    assert bob_membership.is_active and world.bob.is_active
    users = client.get(reverse("accounts:user_list"))
    assert users.status_code == 200
    assert "bob" not in users.text


def test_every_page_answers_the_coordinator(client, world):
    membership = world.bob.memberships.get()
    client.force_login(world.alice)
    for url in (
        reverse("front:administration"),
        reverse("accounts:user_list"),
        reverse("accounts:invite"),
        reverse("accounts:user_detail", args=[world.bob.pk]),
        reverse("accounts:user_deactivate", args=[world.bob.pk]),
        reverse("accounts:membership_edit", args=[membership.pk]),
        reverse("accounts:membership_end", args=[membership.pk]),
        reverse("accounts:organisation_create"),
        reverse("accounts:organisation_edit", args=[world.housing.pk]),
        reverse("places:create"),
        reverse("places:edit", args=[world.liljeholmen.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/admin/" not in response.text, url
        assert "Select an option" not in response.text, url


@pytest.mark.parametrize("name", ["user_list", "invite", "organisation_create", "password_reset"])
def test_anonymous_visitors(client, name):
    app = "" if name == "password_reset" else "accounts:"
    response = client.get(reverse(app + name))
    if name == "password_reset":
        assert response.status_code == 200
        assert "Glömt lösenordet?" in response.text
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_change_and_end_a_membership(client, world):
    membership = world.bob.memberships.get()
    client.force_login(world.alice)
    response = client.post(
        reverse("accounts:membership_edit", args=[membership.pk]),
        {"organisation": world.housing.pk, "role": Role.ANALYTIKER, "area": world.liljeholmen.pk},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.area) == (Role.ANALYTIKER, world.liljeholmen)
    # Not to an area above hers.
    refused = client.post(
        reverse("accounts:membership_edit", args=[membership.pk]),
        {"organisation": world.housing.pk, "role": Role.ANALYTIKER, "area": world.stockholm.pk},
    )
    assert refused.status_code == 200
    membership.refresh_from_db()
    assert membership.area == world.liljeholmen

    confirm = client.get(reverse("accounts:membership_end", args=[membership.pk]))
    assert "Avsluta medlemskapet?" in confirm.text
    membership.refresh_from_db()
    assert membership.is_active
    client.post(reverse("accounts:membership_end", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.history.count() >= 3


def test_deactivate_a_user(client, world):
    client.force_login(world.alice)
    assert "Inaktivera" in client.get(reverse("accounts:user_deactivate", args=[world.bob.pk])).text
    world.bob.refresh_from_db()
    assert world.bob.is_active
    client.post(reverse("accounts:user_deactivate", args=[world.bob.pk]))
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    client.logout()
    refused = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert refused.status_code == 200


def test_a_user_who_also_works_elsewhere_is_not_deactivated_by_one_district(client, world):
    MembershipFactory(
        user=world.bob, organisation=world.skarholmen_sdf, role=Role.RAPPORTOR,
        area=world.skarholmen,
    )  # fmt: skip
    client.force_login(world.alice)
    assert client.post(reverse("accounts:user_deactivate", args=[world.bob.pk])).status_code == 403
    # Alice sees only the membership in her district.
    detail = client.get(reverse("accounts:user_detail", args=[world.bob.pk]))
    assert "Skärholmens SDF" not in detail.text
    world.bob.refresh_from_db()
    assert world.bob.is_active


def test_superuser_acts_everywhere(client, world):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = _invite(client, world, email="p@example.se", area=world.skarholmen)
    assert response.status_code == 302
    assert Membership.objects.get(user__email="p@example.se").area == world.skarholmen
    created = client.post(
        reverse("accounts:organisation_create"),
        {"name": "Stadsövergripande förening", "kind": "forening"},
    )
    assert created.status_code == 302
    assert Organisation.objects.get(name="Stadsövergripande förening").area is None


def test_organisations_create_edit_and_deactivate(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("accounts:organisation_create"),
        {"name": "Liljeholmens företagare", "kind": "foretagarforening", "is_active": "on",
         "area": world.liljeholmen.pk},
    )  # fmt: skip
    organisation = Organisation.objects.get(name="Liljeholmens företagare")
    assert response["Location"] == reverse("accounts:organisation_detail", args=[organisation.pk])
    # A coordinator must place it in her areas.
    refused = client.post(
        reverse("accounts:organisation_create"),
        {"name": "Utan område", "kind": "forening", "is_active": "on"},
    )
    assert refused.status_code == 200
    refused = client.post(
        reverse("accounts:organisation_create"),
        {"name": "Ovanför", "kind": "forening", "is_active": "on", "area": world.stockholm.pk},
    )
    assert refused.status_code == 200
    assert not Organisation.objects.filter(name__in=["Utan område", "Ovanför"]).exists()
    personnummer = client.post(
        reverse("accounts:organisation_edit", args=[organisation.pk]),
        {"name": "Liljeholmens företagare", "kind": "foretagarforening",
         "area": world.liljeholmen.pk, "description": "Kontakt 19121212-1212"},
    )  # fmt: skip
    assert "personnummer" in personnummer.text
    client.post(
        reverse("accounts:organisation_edit", args=[organisation.pk]),
        {"name": "Liljeholmens företagare", "kind": "foretagarforening",
         "area": world.liljeholmen.pk},
    )  # fmt: skip
    organisation.refresh_from_db()
    assert not organisation.is_active


def test_areas_create_and_edit_with_a_tree_picker(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("places:create") + f"?parent={world.liljeholmen.pk}")
    assert f'value="{world.liljeholmen.pk}" id="id_parent_{world.liljeholmen.pk}" checked' in (
        page.text
    )
    response = client.post(
        reverse("places:create"),
        {"name": "Liljeholmstorget", "kind": AreaKind.PLATS, "parent": world.liljeholmen.pk},
    )
    area = Area.objects.get(name="Liljeholmstorget")
    assert response["Location"] == reverse("places:detail", args=[area.pk])
    refused = client.post(
        reverse("places:create"),
        {"name": "Ny stadsdel", "kind": AreaKind.STADSDEL, "parent": world.stockholm.pk},
    )
    assert refused.status_code == 200
    assert not Area.objects.filter(name="Ny stadsdel").exists()
    # Her own top area keeps its parent (above her); its name can change.
    edit = client.get(reverse("places:edit", args=[world.district.pk]))
    assert 'name="parent"' not in edit.text
    client.post(
        reverse("places:edit", args=[world.district.pk]),
        {"name": "Hägersten-Älvsjö stadsdelsområde", "kind": AreaKind.STADSDELSOMRADE},
    )
    world.district.refresh_from_db()
    assert world.district.name == "Hägersten-Älvsjö stadsdelsområde"
    assert world.district.parent == world.stockholm
    # An area cannot move below itself.
    cycle = client.post(
        reverse("places:edit", args=[world.liljeholmen.pk]),
        {"name": "Liljeholmen", "kind": AreaKind.STADSDEL, "parent": area.pk},
    )
    assert cycle.status_code == 200
    world.liljeholmen.refresh_from_db()
    assert world.liljeholmen.parent == world.district


def test_password_reset_by_email(client, world):
    world.bob.email = "bob@example.se"
    world.bob.save()
    login = client.get(reverse("login"))
    assert f'href="{reverse("password_reset")}"' in login.text
    assert "Glömt lösenordet?" in login.text
    response = client.post(reverse("password_reset"), {"email": "bob@example.se"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Välj ett nytt lösenord för Trygg"
    assert "bob" in mail.outbox[0].body
    opened = client.get(_link(mail.outbox[0]), follow=True)
    client.post(
        opened.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    world.bob.refresh_from_db()
    assert world.bob.check_password(NEW_PASSWORD)
    # An unknown address says the same and sends nothing.
    client.post(reverse("password_reset"), {"email": "okand@example.se"})
    assert len(mail.outbox) == 1


def test_categories_create_and_edit_with_a_tree_picker(client, world):
    from trygg.incidents.models import Category

    parent = Category.objects.create(name="Skadegörelse i test", code="skadegorelse-test")
    client.force_login(world.bob)
    assert client.get(reverse("incidents:category_create")).status_code == 403
    client.force_login(world.alice)
    page = client.get(reverse("incidents:category_create"))
    assert 'type="radio" name="parent"' in page.text
    response = client.post(
        reverse("incidents:category_create"),
        {"name": "Klotter på skola", "code": "klotter-skola", "parent": parent.pk,
         "police_types": "Skolklotter, Klotter på skola", "is_crime": "on", "is_active": "on",
         "sort_order": 3},
    )  # fmt: skip
    assert response["Location"] == reverse("incidents:category_list")
    category = Category.objects.get(code="klotter-skola")
    assert category.parent == parent
    assert category.police_event_types == ["Skolklotter", "Klotter på skola"]
    # A police type mapped elsewhere is refused on the form, not with an error page.
    taken = client.post(
        reverse("incidents:category_create"),
        {"name": "Annat", "code": "annat-test", "police_types": "Skolklotter", "sort_order": 0},
    )
    assert taken.status_code == 200
    assert "redan kopplad" in taken.text
    listed = client.get(reverse("incidents:category_list"))
    assert reverse("incidents:category_edit", args=[category.pk]) in listed.text
    # Deactivate; a category cannot lie inside itself.
    client.post(
        reverse("incidents:category_edit", args=[category.pk]),
        {"name": "Klotter på skola", "code": "klotter-skola", "parent": parent.pk,
         "sort_order": 3},
    )  # fmt: skip
    category.refresh_from_db()
    assert not category.is_active
    cycle = client.post(
        reverse("incidents:category_edit", args=[parent.pk]),
        {
            "name": "Skadegörelse i test",
            "code": "skadegorelse-test",
            "parent": category.pk,
            "sort_order": 0,
        },
    )
    assert cycle.status_code == 200
    parent.refresh_from_db()
    assert parent.parent is None
