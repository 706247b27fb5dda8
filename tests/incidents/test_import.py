"""Importing incidents: CSV and XLSX as Swedish offices write them, and the police feed."""

import datetime as dt
import gzip
import json
import zoneinfo
from collections import Counter
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from trygg.incidents.actions import IncidentsRefused
from trygg.incidents.defaults import ensure_default_categories
from trygg.incidents.imports import import_incidents
from trygg.incidents.models import Category, Incident, Source
from trygg.places.models import Area, AreaKind

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
HEADER = "kategori;tidpunkt;område;latitud;longitud;plats;beskrivning;organisation;extern_id"


def excel_csv(*lines: str) -> bytes:
    """A CSV as Swedish Excel saves "CSV UTF-8": BOM, semicolons, CRLF."""
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_csv_saved_by_swedish_excel_imports(world):
    data = excel_csv(
        HEADER,
        "klotter;2023-09-14 21:30;;59,3100;18,0200;Vid tunnelbanan;Nytt klotter;Bostadsbolaget;a-1",
        "Skadegörelse;14/9 2023;Liljeholmen;;;;Krossad ruta;Bostadsbolaget;a-2",
    )
    report = import_incidents(data, "rapport.csv", user=world.alice)
    assert report.created == 2
    first = Incident.objects.get(external_id="a-1")
    assert first.category.code == "klotter"
    assert first.area == world.liljeholmen  # from the point
    assert first.latitude == pytest.approx(59.31)
    assert first.occurred_at == dt.datetime(2023, 9, 14, 21, 30, tzinfo=STOCKHOLM)
    assert first.source == Source.IMPORT
    assert first.organisation == world.housing
    second = Incident.objects.get(external_id="a-2")
    assert second.category.code == "skadegorelse"
    assert second.time_unknown is True


def test_windows_1252_with_commas_imports(world):
    text = "Kategori,Tidpunkt,Område,Beskrivning\r\nnedskrapning,2023-09-14,Liljeholmen,Skräp på gården\r\n"
    report = import_incidents(
        text.encode("cp1252"), "gammal.csv", user=world.alice, organisation=world.sdf
    )
    assert report.created == 1
    assert Incident.objects.get().description == "Skräp på gården"


def test_one_bad_row_imports_nothing_and_names_line_column_and_reason(world):
    data = excel_csv(
        HEADER,
        "klotter;2023-09-14;Liljeholmen;;;;;Bostadsbolaget;",
        "okänd;2023-09-14;Liljeholmen;;;;;Bostadsbolaget;",
        "klotter;igår;Liljeholmen;;;;;Bostadsbolaget;",
        "klotter;2023-09-14;Liljeholmen;;;;Mannen 811228-9874 sågs;Bostadsbolaget;",
    )
    with pytest.raises(IncidentsRefused) as caught:
        import_incidents(data, "rapport.csv", user=world.alice)
    found = {(p.line, p.field) for p in caught.value.problems}
    assert found == {(3, "kategori"), (4, "tidpunkt"), (5, "beskrivning")}
    assert Incident.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(world):
    data = excel_csv(
        HEADER,
        "klotter;2023-09-14;Liljeholmen;;;;;Bostadsbolaget;",
        "okänd;2023-09-14;Liljeholmen;;;;;Bostadsbolaget;",
    )
    report = import_incidents(data, "rapport.csv", user=world.alice, skip_invalid=True)
    assert report.created == 1
    assert [(p.line, p.field) for p in report.problems] == [(3, "kategori")]


def test_rows_outside_the_users_areas_are_refused(world):
    data = excel_csv(HEADER, "klotter;2023-09-14;Skärholmen;;;;;Bostadsbolaget;")
    with pytest.raises(IncidentsRefused) as caught:
        import_incidents(data, "rapport.csv", user=world.alice)
    assert caught.value.problems[0].field == "område"


def test_reimporting_the_same_file_adds_nothing(world):
    data = excel_csv(HEADER, "klotter;2023-09-14;Liljeholmen;;;;;Bostadsbolaget;x-1")
    import_incidents(data, "rapport.csv", user=world.alice)
    again = import_incidents(data, "rapport.csv", user=world.alice)
    assert again.created == 0
    assert again.already_recorded == 1
    assert Incident.objects.count() == 1


def test_extra_columns_are_reported_and_ignored(world):
    data = excel_csv("kategori;tidpunkt;område;kommentar", "klotter;2023-09-14;Liljeholmen;hej")
    report = import_incidents(data, "r.csv", user=world.alice, organisation=world.sdf)
    assert report.ignored_columns == ["kommentar"]


def test_missing_required_column_fails_whole(world):
    from trygg.incidents.imports import ImportFailed

    with pytest.raises(ImportFailed, match="tidpunkt"):
        import_incidents(
            excel_csv("kategori;område", "klotter;Liljeholmen"), "r.csv", user=world.alice
        )


def test_xlsx_with_real_dates_imports(world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kategori", "Tidpunkt", "Område", "Latitud", "Longitud"])
    sheet.append(["Klotter", dt.datetime(2023, 9, 14, 21, 30), None, 59.31, 18.02])
    buffer = BytesIO()
    book.save(buffer)
    report = import_incidents(
        buffer.getvalue(), "rapport.xlsx", user=world.alice, organisation=world.sdf
    )
    assert report.created == 1
    incident = Incident.objects.get()
    assert incident.area == world.liljeholmen
    assert incident.occurred_at == dt.datetime(2023, 9, 14, 21, 30, tzinfo=STOCKHOLM)


def test_command_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(excel_csv(HEADER, "klotter;2023-09-14;Liljeholmen;;;;;;"))
    out = StringIO()
    call_command(
        "import-incidents", str(path), "--organisation", "Bostadsbolaget", "--dry-run", stdout=out
    )
    assert Incident.objects.count() == 0
    assert "1" in out.getvalue()


def test_command_lists_problems_and_fails(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(excel_csv(HEADER, "okänd;2023-09-14;Liljeholmen;;;;;;"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import-incidents", str(path), stderr=err)
    assert "2" in err.getvalue() and "kategori" in err.getvalue()


def police_events(*events):
    return gzip.compress("\n".join(json.dumps(e) for e in events).encode())


def event(id, type, location, when="2025-06-07 6:38:18 +02:00"):
    return {
        "id": id, "datetime": when, "name": f"{type}, {location}", "summary": "Kort text.",
        "url": "/x", "type": type, "location": {"name": location, "gps": "59.3,18.0"},
    }  # fmt: skip


def test_police_feed_maps_types_skips_summaries_and_places_events_in_municipalities(db):
    data = police_events(
        event(1, "Misshandel", "Malmö"),
        event(2, "Sammanfattning natt", "Malmö"),
        event(3, "Trafikolycka", "Malmö"),
        event(4, "Narkotikabrott", "Skåne län"),
        event(5, "Rån", "Upplands väsby", when="2023-03-26 2:30:00 +01:00"),
    )
    report = import_incidents(data, "events.jsonl.gz", format="polisen")
    assert report.created == 3
    assert report.skipped_types == Counter({"Sammanfattning natt": 1, "Trafikolycka": 1})
    malmo = Incident.objects.get(external_id="1")
    assert malmo.category.code == "vald-offentlig-miljo"
    assert malmo.area.name == "Malmö" and malmo.area.kind == AreaKind.KOMMUN
    assert malmo.area.code == "1280"
    assert malmo.area.parent.name == "Skåne län"
    assert malmo.latitude is None  # the feed's gps is the municipality's centroid
    assert Incident.objects.get(external_id="4").area.kind == AreaKind.LAN
    assert Incident.objects.get(external_id="5").area.name == "Upplands Väsby"


def test_police_feed_uses_an_existing_area_by_code(db):
    stockholm = Area.objects.create(name="Stockholm", kind=AreaKind.KOMMUN, code="0180")
    import_incidents(police_events(event(9, "Rån", "Stockholm")), "e.jsonl", format="polisen")
    assert Incident.objects.get().area == stockholm


def test_police_feed_respects_the_editable_mapping(db):
    category = Category.objects.get(code="klotter")
    category.police_event_types = ["Trafikolycka"]
    category.save()
    import_incidents(police_events(event(1, "Trafikolycka", "Malmö")), "e.jsonl", format="polisen")
    assert Incident.objects.get().category == category


@pytest.mark.django_db(transaction=True)
def test_full_police_sample_imports_once_and_counts_match_the_file(fixtures_dir):
    """The done-when of the incidents issue: the real 69,780-event sample."""
    # Transactional tests empty the database between tests, migrations' data included.
    ensure_default_categories(Category)
    path = fixtures_dir / "polisen-events-2023-2025.jsonl.gz"
    out = StringIO()
    call_command("import-incidents", str(path), "--format", "polisen", stdout=out)

    mapped = {t.lower(): c.code for c in Category.objects.all() for t in c.police_event_types}
    expected: Counter[tuple[str, str]] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            e = json.loads(line)
            code = mapped.get(e["type"].strip().lower())
            if code and not e["type"].lower().startswith("sammanfattning"):
                expected[(e["location"]["name"].lower(), code)] += 1
    rows = Incident.objects.values("place", "category__code").annotate(n=Count("id"))
    actual = Counter({(r["place"].lower(), r["category__code"]): r["n"] for r in rows})
    assert actual == expected
    assert sum(expected.values()) > 20000
    # Each incident's area carries the name the feed gave.
    mismatched = [
        (i.place, i.area.name)
        for i in Incident.objects.select_related("area").only("place", "area__name")[:100000]
        if i.place.lower() != i.area.name.lower()
    ]
    assert mismatched == []

    call_command("import-incidents", str(path), "--format", "polisen", stdout=StringIO())
    assert Incident.objects.count() == sum(expected.values())


def test_a_time_window_imports_with_its_end(world):
    data = excel_csv(
        HEADER + ";slut",
        "inbrott;2023-09-15 22:00;Liljeholmen;;;;;Bostadsbolaget;w-1;2023-09-16 06:00",
        "inbrott;2023-09-15 08:00;Liljeholmen;;;;;Bostadsbolaget;w-2;2023-09-15",
        "inbrott;2023-09-15 08:00;Liljeholmen;;;;;Bostadsbolaget;w-3;",
    )
    report = import_incidents(data, "rapport.csv", user=world.alice)
    assert report.created == 3
    night = Incident.objects.get(external_id="w-1")
    assert night.occurred_at == dt.datetime(2023, 9, 15, 22, tzinfo=STOCKHOLM)
    assert night.occurred_until == dt.datetime(2023, 9, 16, 6, tzinfo=STOCKHOLM)
    # A date alone ends the window at that day's end.
    day = Incident.objects.get(external_id="w-2")
    assert day.occurred_until == dt.datetime(2023, 9, 16, 0, tzinfo=STOCKHOLM)
    assert Incident.objects.get(external_id="w-3").occurred_until is None


def test_a_window_end_under_another_header_name_imports(world):
    data = excel_csv(
        "kategori;tidpunkt;område;till", "inbrott;2023-09-15 22:00;Liljeholmen;2023-09-16 06:00"
    )
    import_incidents(data, "r.csv", user=world.alice, organisation=world.sdf)
    incident = Incident.objects.get()
    assert incident.occurred_until == dt.datetime(2023, 9, 16, 6, tzinfo=STOCKHOLM)


def test_a_bad_window_end_is_refused_naming_its_column(world):
    data = excel_csv(
        HEADER + ";slut",
        "inbrott;2023-09-15 22:00;Liljeholmen;;;;;Bostadsbolaget;;2023-09-15 21:00",
        "inbrott;2023-09-15 22:00;Liljeholmen;;;;;Bostadsbolaget;;i morse",
    )
    with pytest.raises(IncidentsRefused) as caught:
        import_incidents(data, "rapport.csv", user=world.alice)
    problems = {(p.line, p.field): p.message for p in caught.value.problems}
    assert set(problems) == {(2, "slut"), (3, "slut")}
    assert "före" in problems[(2, "slut")] or "before" in problems[(2, "slut")]
    assert Incident.objects.count() == 0
