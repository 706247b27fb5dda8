import pytest
from django.core.exceptions import ValidationError

from trygg.incidents.defaults import DEFAULT_CATEGORIES, ensure_default_categories, walk
from trygg.incidents.models import Category

pytestmark = pytest.mark.django_db

SEED_STATISTICS = {
    "narkotikabrott": "Narkotikabrott",
    "vald-offentlig-miljo": "Våld i offentlig miljö",
    "vald-nara-relation": "Våld i nära relation",
    "personran": "Personrån",
    "bedrageri-aldre": "Bedrägeri mot äldre/funktionsnedsatta",
}
EST_OBSERVATIONS = [
    "skadegorelse", "klotter", "nedskrapning", "samling-ungdomar", "ordningsstorning",
    "narkotikaforsaljning", "missbrukare", "otillaten-bosattning", "hot-vald-anstallda", "brand",
    "inbrott", "stold", "ran", "otrygg-plats", "extremism", "rekrytering",
]  # fmt: skip


def test_migrations_seed_the_default_taxonomy():
    assert Category.objects.count() == len(walk())
    for code, name in SEED_STATISTICS.items():
        assert Category.objects.get(code=code).name == name
    assert set(EST_OBSERVATIONS) <= set(Category.objects.values_list("code", flat=True))


def test_defaults_are_hierarchical():
    assert Category.objects.get(code="klotter").parent.code == "skadegorelse"
    assert Category.objects.get(code="personran").parent.code == "ran"
    assert Category.objects.roots().count() == len(DEFAULT_CATEGORIES)


def test_ensuring_defaults_again_adds_nothing_and_keeps_edits():
    klotter = Category.objects.get(code="klotter")
    klotter.name = "Klotter och tags"
    klotter.save(update_fields=["name"])
    assert ensure_default_categories(Category) == 0
    assert Category.objects.get(code="klotter").name == "Klotter och tags"


def test_police_event_types_map_to_one_category():
    assert Category.objects.for_police_type("Misshandel, grov").code == "vald-offentlig-miljo"
    assert Category.objects.for_police_type("narkotikabrott").code == "narkotikabrott"
    assert Category.objects.for_police_type("Sammanfattning natt") is None


def test_every_police_type_is_mapped_at_most_once():
    seen = {}
    for item, _parent in walk():
        for event_type in item.police:
            assert event_type not in seen, f"{event_type} in {item.code} and {seen[event_type]}"
            seen[event_type] = item.code


def test_clean_refuses_a_police_type_already_mapped_elsewhere():
    category = Category(name="Nytt", code="nytt", police_event_types=["Rån"])
    with pytest.raises(ValidationError) as caught:
        category.full_clean()
    assert "police_event_types" in caught.value.message_dict


def test_category_cannot_lie_inside_itself():
    parent = Category.objects.get(code="skadegorelse")
    parent.parent = Category.objects.get(code="klotter")
    with pytest.raises(ValidationError):
        parent.full_clean()


def test_descendants_include_sub_categories():
    ids = Category.objects.get(code="narkotika").descendant_ids()
    codes = set(Category.objects.filter(pk__in=ids).values_list("code", flat=True))
    assert codes == {"narkotika", "narkotikabrott", "narkotikaforsaljning"}
