import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import AreaFactory
from trygg.lib.geo import circle
from trygg.places.models import Area, AreaKind, AreaTree, PoliceClassification

pytestmark = pytest.mark.django_db


def test_subtree_holds_the_area_and_everything_below(world):
    inside = Area.objects.within([world.district])
    assert set(inside) == {world.district, world.liljeholmen}
    assert set(Area.objects.within([world.stockholm])) == set(Area.objects.all())


def test_tree_ancestors_run_from_parent_to_root(world):
    tree = AreaTree.load()
    assert tree.ancestors(world.liljeholmen.pk) == [world.district.pk, world.stockholm.pk]
    assert tree.depth(world.stockholm.pk) == 0


def test_area_cannot_be_moved_inside_itself(world):
    world.district.parent = world.liljeholmen
    with pytest.raises(ValidationError) as caught:
        world.district.full_clean()
    assert "parent" in caught.value.message_dict


def test_area_cannot_lie_inside_a_more_specific_kind(world):
    area = Area(name="Stor", kind=AreaKind.KOMMUN, parent=world.liljeholmen)
    with pytest.raises(ValidationError) as caught:
        area.full_clean()
    assert "parent" in caught.value.message_dict


def test_classification_needs_a_year(world):
    area = Area(
        name="Solberga",
        kind=AreaKind.PLATS,
        parent=world.district,
        police_classification=PoliceClassification.UTSATT,
    )
    with pytest.raises(ValidationError) as caught:
        area.full_clean()
    assert "classification_year" in caught.value.message_dict


def test_clean_repairs_a_self_intersecting_boundary(world):
    bowtie = {"type": "Polygon", "coordinates": [[[18.0, 59.0], [18.1, 59.1], [18.1, 59.0], [18.0, 59.1], [18.0, 59.0]]]}  # fmt: skip
    area = Area(name="Fjäril", kind=AreaKind.PLATS, parent=world.district, geometry=bowtie)
    area.full_clean()
    assert area.geometry["type"] == "MultiPolygon"


def test_clean_refuses_a_point_as_boundary(world):
    area = Area(
        name="Punkt",
        kind=AreaKind.PLATS,
        parent=world.district,
        geometry={"type": "Point", "coordinates": [18, 59]},
    )
    with pytest.raises(ValidationError) as caught:
        area.full_clean()
    assert "Polygon eller MultiPolygon" in caught.value.message_dict["geometry"][0]


def test_names_are_unique_under_one_parent(world):
    with pytest.raises(IntegrityError):
        AreaFactory(name="Liljeholmen", parent=world.district, geometry=circle(59.3, 18, 10))


def test_history_records_who_changed_what(world):
    world.liljeholmen.population = 12000
    world.liljeholmen.save(update_fields=["population", "updated_at"])
    latest = world.liljeholmen.history.first()
    assert latest.population == 12000
    assert world.liljeholmen.history.count() == 2
