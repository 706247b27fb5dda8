"""``trygg import-areas`` with real boundaries and with broken files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trygg.places.models import Area, AreaKind

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("import-areas", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_imports_real_boundaries_under_a_parent_with_title_cased_names(world, fixtures_dir):
    output = run(
        fixtures_dir / "stadsdelar-sample.geojson",
        "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö", "--name-property", "name",
    )  # fmt: skip
    assert "3 områden skapade, 1 uppdaterade" in output
    names = set(world.district.children.values_list("name", flat=True))
    assert names == {"Aspudden", "Liljeholmen", "Solberga", "Älvsjö"}
    alvsjo = Area.objects.get(name="Älvsjö")
    assert alvsjo.kind == AreaKind.STADSDEL
    assert alvsjo.geometry["type"] == "Polygon"


def test_reimport_updates_instead_of_duplicating(world, fixtures_dir):
    path = fixtures_dir / "stadsdelar-sample.geojson"
    run(path, "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö")
    count = Area.objects.count()
    output = run(path, "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö")
    assert Area.objects.count() == count
    assert "0 områden skapade, 4 uppdaterade" in output


def test_only_imports_the_named_features(world, fixtures_dir):
    run(
        fixtures_dir / "stadsdelar-sample.geojson",
        "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö", "--only", "ÄLVSJÖ,Solberga",
    )  # fmt: skip
    assert set(world.district.children.values_list("name", flat=True)) == {
        "Liljeholmen",
        "Solberga",
        "Älvsjö",
    }


def test_dry_run_writes_nothing(world, fixtures_dir):
    before = Area.objects.count()
    output = run(
        fixtures_dir / "stadsdelar-sample.geojson",
        "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö", "--dry-run",
    )  # fmt: skip
    assert "Provkörning" in output
    assert Area.objects.count() == before


def write(tmp_path, data, name="bad.geojson"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def feature(name, geometry):
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[18.0, 59.29], [18.01, 59.29], [18.01, 59.3], [18.0, 59.3], [18.0, 59.29]]]}  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", "inte giltig JSON (rad 1"),
        ({"type": "Point", "coordinates": [18, 59]}, "FeatureCollection eller Feature"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    feature("Ok", SQUARE),
                    feature("Punkt", {"type": "Point", "coordinates": [18, 59]}),
                ],
            },  # fmt: skip
            "objekt 2 (Punkt)",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {}, "geometry": SQUARE}],
            },  # fmt: skip
            "saknar egenskapen",
        ),
        (
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
                "features": [feature("A", SQUARE)],
            },  # fmt: skip
            "EPSG::3006",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("A", SQUARE), feature("a", SQUARE)]},
            "samma namn",
        ),
        ({"type": "FeatureCollection", "features": []}, "inga objekt"),
    ],
)
def test_bad_files_are_refused_whole_with_a_clear_message(world, tmp_path, content, message):
    before = Area.objects.count()
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, content), "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö")
    assert message in str(caught.value)
    assert Area.objects.count() == before


def test_missing_file_and_unknown_parent(world, tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        run(tmp_path / "saknas.geojson", "--kind", "stadsdel", "--parent", "Hägersten-Älvsjö")
    path = write(tmp_path, {"type": "Feature", "properties": {"name": "A"}, "geometry": SQUARE})
    with pytest.raises(CommandError, match="inget område som heter"):
        run(path, "--kind", "stadsdel", "--parent", "Atlantis")


def test_ambiguous_parent_can_be_given_as_a_path(world, tmp_path):
    from tests.factories import AreaFactory

    AreaFactory(name="Liljeholmen", kind=AreaKind.STADSDELSOMRADE, parent=world.stockholm)
    path = write(
        tmp_path, {"type": "Feature", "properties": {"name": "torget"}, "geometry": SQUARE}
    )
    with pytest.raises(CommandError, match="tvetydigt"):
        run(path, "--kind", "plats", "--parent", "Liljeholmen")
    run(path, "--kind", "plats", "--parent", "Hägersten-Älvsjö > Liljeholmen")
    assert world.liljeholmen.children.get().name == "Torget"


def test_a_kind_wider_than_its_parent_is_refused(world, tmp_path):
    path = write(tmp_path, {"type": "Feature", "properties": {"name": "A"}, "geometry": SQUARE})
    with pytest.raises(CommandError, match="kan inte ligga inom"):
        run(path, "--kind", "kommun", "--parent", "Hägersten-Älvsjö")
