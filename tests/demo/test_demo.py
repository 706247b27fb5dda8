"""``trygg demo`` builds the Hägersten-Älvsjö demo from the seed, the same every time."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from tests.factories import AreaFactory
from trygg.accounts.models import Membership, Organisation, User
from trygg.demo.builders.places import HAGERSTEN_ALVSJO, PLACES
from trygg.demo.models import DemoBuild
from trygg.lib.text import title_case
from trygg.places.lookup import area_at
from trygg.places.models import Area, AreaKind

pytestmark = pytest.mark.django_db(transaction=True)


def build(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(Area.objects.values_list("name", "kind", "parent__name", "police_classification")),
        sorted(Organisation.objects.values_list("name", "kind", "area__name")),
        sorted(Membership.objects.values_list("user__username", "role", "organisation__name")),
    )


def test_demo_builds_the_district_with_real_boundaries():
    output = build()
    assert "samordnare" in output and "trygg-demo" in output
    district = Area.objects.get(name="Hägersten-Älvsjö")
    assert district.kind == AreaKind.STADSDELSOMRADE
    stadsdelar = district.children.filter(kind=AreaKind.STADSDEL)
    assert {a.name for a in stadsdelar} == {title_case(n) for n in HAGERSTEN_ALVSJO}
    assert all(a.geometry for a in stadsdelar)


def test_named_places_lie_in_their_stadsdel():
    build()
    for name, stadsdel, lat, lon, *_ in PLACES:
        place = Area.objects.get(name=name)
        assert place.parent.name == stadsdel
        assert shape(place.parent.geometry).contains(shape(place.geometry).centroid), name
        assert area_at(lat, lon) == place


def test_alvsjo_solberga_is_an_utsatt_omrade():
    build()
    area = Area.objects.get(name="Älvsjö/Solberga")
    assert area.police_classification == "utsatt"
    assert area.classification_year == 2021


def test_one_demo_user_per_role_with_the_shared_password():
    build()
    for username in ["samordnare", "analytiker", "rapportor", "radsmedlem"]:
        user = User.objects.get(username=username)
        assert user.check_password("trygg-demo")
        assert user.memberships.get().role == username.replace("rapportor", "rapportor")
    assert User.objects.get(username="samordnare").is_staff


def test_seed_organisations_are_there():
    build()
    names = set(Organisation.objects.values_list("name", flat=True))
    for expected in ["Polisen", "Hägersten-Älvsjö stadsdelsförvaltning", "Utbildningsförvaltningen",
                     "Trafikkontoret", "SHIS Bostäder", "Citycon", "Stödcentrum för unga brottsoffer",
                     "Relationsvåldscentrum Sydväst"]:  # fmt: skip
        assert expected in names


def test_rebuilding_gives_the_same_demo():
    build()
    first = snapshot()
    build()
    assert snapshot() == first
    assert DemoBuild.objects.count() == 1


def test_if_empty_leaves_an_existing_demo_alone():
    build()
    user = User.objects.get(username="samordnare")
    output = build("--if-empty")
    assert "redan" in output
    assert User.objects.get(username="samordnare").pk == user.pk


def test_demo_refuses_to_wipe_a_database_it_did_not_build():
    AreaFactory(name="Riktig kommun", kind=AreaKind.KOMMUN)
    with pytest.raises(CommandError, match="--force"):
        build()
    assert Area.objects.filter(name="Riktig kommun").exists()
    assert "ingen demo" in build("--if-empty")
    assert not User.objects.filter(username="samordnare").exists()
