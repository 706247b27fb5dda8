"""Bulk-load mode (``import-incidents --bulk``): the same rows and rollup as a normal import,
and the incident table's indexes and constraints exactly as before, whether it succeeds or
fails. PostgreSQL only (the tests skip on SQLite, except the one that checks the refusal)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from trygg.incidents.actions import IncidentsRefused
from trygg.incidents.imports import ImportFailed, bulk, import_incidents, tables, writer
from trygg.incidents.models import Incident, IncidentRollup

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="bulk mode is PostgreSQL only")
pytestmark = pytest.mark.django_db(transaction=True)
TABLE = Incident._meta.db_table
FIELDS = (
    "category_id", "occurred_at", "occurred_until", "time_unknown", "area_id", "latitude",
    "longitude", "place", "description", "organisation_id", "reported_by_id", "source",
    "external_id", "status", "reviewed_by_id", "reviewed_at",
)  # fmt: skip


@pytest.fixture(autouse=True)
def categories(db):
    """The transactional flush removed the migration's default categories; put them back."""
    from trygg.incidents.defaults import ensure_default_categories
    from trygg.incidents.models import Category

    ensure_default_categories(Category)


def excel_csv(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


HEADER = "Kategori;Tidpunkt;Område;Latitud;Longitud;Plats;Beskrivning;Organisation;Extern_id"
ROWS = (
    "klotter;2023-09-14 21:30;;59,3100;18,0200;Vid tunnelbanan;Nytt klotter;Bostadsbolaget;a-1",
    "Skadegörelse;14/9 2023;Liljeholmen;;;;Krossad ruta 070-123 45 67;Bostadsbolaget;a-2",
    "KLOTTER;2023-03-26 02:30;Hägersten-Älvsjö;;;;;;",  # in the spring gap
    "stold;2023-10-29 02:30;;59.29;18.0;;Cykel;Hägersten-Älvsjö SDF;a-4",  # autumn, twice
    "stold;2023-12-31 23:59;;59.31;18.02;;;;",
    "klotter;2023-09-14T21:30;Liljeholmen;;;;;;a-6",
    "klotter;14.9.2023 kl. 21.30;Liljeholmen;;;;;;a-7",
    'klotter;2024-02-29;Liljeholmen;59,31;18,02;Ute;"Citat ""så""; med semikolon";;',
)
FILE = excel_csv(HEADER, *ROWS)


def incident_rows():
    return sorted(Incident.objects.values_list(*FIELDS), key=repr)


def rollup_rows():
    fields = ("month", "area_id", "category_id", "organisation_id", "source", "status", "count")
    return sorted(IncidentRollup.objects.values_list(*fields), key=repr)


def table_state(using="default"):
    """The incident table's indexes and constraints as the catalogue describes them."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [TABLE]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid), convalidated, condeferrable,"
            " condeferred FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1",
            [TABLE],
        )
        constraints = cursor.fetchall()
    return indexes, constraints


@postgresql_only
def test_bulk_gives_the_same_rows_and_rollup_as_a_normal_import(world):
    normal = import_incidents(FILE, "f.csv", user=world.alice, columnar=True)
    rows, rollup = incident_rows(), rollup_rows()
    assert normal.created == 8 and not normal.bulk
    Incident.objects.all().delete()
    IncidentRollup.objects.all().delete()

    report = import_incidents(FILE, "f.csv", user=world.alice, bulk=True)
    assert report.bulk and report.written and report.created == 8
    assert incident_rows() == rows
    assert rollup_rows() == rollup
    assert sum(c for *_, c in rollup) == 8
    assert Incident.objects.get(place="Ute").area == world.liljeholmen


@postgresql_only
def test_the_indexes_and_foreign_keys_are_dropped_during_the_load_and_all_back_after(
    world, monkeypatch
):
    before = table_state()
    indexes, constraints = before
    assert len(indexes) >= 5 and sum(c[1] == "f" for c in constraints) >= 4
    during = []
    enter = writer.ColumnWriter.__enter__

    def looking(writer):
        during.append((table_state(), locks_held()))  # before the COPY starts
        return enter(writer)

    monkeypatch.setattr(writer.ColumnWriter, "__enter__", looking)
    import_incidents(FILE, "f.csv", user=world.alice, bulk=True)
    # While the rows went in, no index (not even the primary key) and no foreign key were
    # left, and the import held the incident table, the tables it refers to and those that
    # refer to it (reports kept apart) alone.
    (loading_indexes, loading_constraints), locks = during[-1]
    assert loading_indexes == []
    assert not [c for c in loading_constraints if c[1] in "fp"]
    assert {
        TABLE,
        "places_area",
        "incidents_category",
        "accounts_organisation",
        "incidents_keptapart",
    } <= locks
    assert table_state() == before
    assert Incident.objects.count() == 8
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass AND NOT indisvalid",
            [TABLE],
        )
        assert cursor.fetchone()[0] == 0


@postgresql_only
def test_a_key_of_another_table_referring_to_the_incidents_is_dropped_and_validated_again(
    world, monkeypatch
):
    def referrer_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, convalidated FROM pg_constraint"
                " WHERE conrelid = 'bulk_test_referrer'::regclass AND contype = 'f'"
            )
            return cursor.fetchall()

    import_incidents(excel_csv(HEADER, ROWS[0]), "f.csv", user=world.alice)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bulk_test_referrer (incident_id bigint REFERENCES {TABLE} (id))"
        )
        cursor.execute(f"INSERT INTO bulk_test_referrer SELECT id FROM {TABLE}")
    try:
        before, keys = table_state(), referrer_keys()
        assert len(keys) == 1
        during = []
        enter = writer.ColumnWriter.__enter__

        def looking(writer):
            during.append((table_state(), referrer_keys()))
            return enter(writer)

        monkeypatch.setattr(writer.ColumnWriter, "__enter__", looking)
        report = import_incidents(FILE, "f.csv", user=world.alice, bulk=True)
        (loading_indexes, loading_constraints), loading_keys = during[-1]
        assert loading_indexes == [] and loading_keys == []
        assert not [c for c in loading_constraints if c[1] == "p"]
        assert report.bulk and report.created == 7  # the first row was imported before
        assert table_state() == before
        assert referrer_keys() == keys  # back, and validated
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bulk_test_referrer")


def locks_held():
    """The tables this connection holds ACCESS EXCLUSIVE locks on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE l.pid = pg_backend_pid() AND l.mode = 'AccessExclusiveLock'"
            " AND c.relkind = 'r'"
        )
        return {name for (name,) in cursor.fetchall()}


@postgresql_only
def test_a_bulk_import_that_fails_while_loading_leaves_the_table_as_it_was(world):
    import_incidents(excel_csv(HEADER, ROWS[0]), "f.csv", user=world.alice)
    before, rows, rollup = table_state(), incident_rows(), rollup_rows()

    def fail(done, total):
        if done == total:  # every row copied, indexes and foreign keys not yet back
            raise RuntimeError("the import was interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        import_incidents(FILE, "f.csv", user=world.alice, bulk=True, progress=fail)
    assert table_state() == before
    assert incident_rows() == rows and rollup_rows() == rollup


@postgresql_only
def test_a_bulk_import_that_cannot_lock_the_table_fails_at_once_and_changes_nothing(
    world, monkeypatch
):
    monkeypatch.setattr(bulk, "LOCK_TIMEOUT", "200ms")
    before = table_state()
    main = connections["default"]
    reader = type(main)(main.settings_dict.copy(), "default")
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # holds ACCESS SHARE until it ends
        with pytest.raises(ImportFailed, match="200ms"):  # says how long it waited
            import_incidents(FILE, "f.csv", user=world.alice, bulk=True)
        reader.rollback()
    finally:
        reader.close()
    assert table_state() == before
    assert Incident.objects.count() == 0


@postgresql_only
def test_reimporting_in_bulk_adds_nothing_twice(world):
    first = import_incidents(FILE, "f.csv", user=world.alice)
    again = import_incidents(FILE, "f.csv", user=world.alice, bulk=True)
    assert first.created == 8
    assert again.created == 3  # the rows without an external id
    assert again.already_recorded == 5 and again.bulk
    third = import_incidents(FILE, "f.csv", user=world.alice, bulk=True)
    assert third.already_recorded == 5 and third.created == 3
    assert Incident.objects.count() == 14
    assert sum(IncidentRollup.objects.values_list("count", flat=True)) == 14


@postgresql_only
@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ("klotter;2023-09-14;Liljeholmen;;;;Mannen 811228-9874 sågs;;b-1", "beskrivning"),
        ("klotter;2023-09-14;Liljeholmen;;;;;;a-1", "extern_id"),  # the same id twice
        ("okänd;2023-09-14;Liljeholmen;;;;;;b-2", "kategori"),
        ("klotter;31/2 2023;Liljeholmen;;;;;;b-3", "tidpunkt"),
    ],
)
def test_a_bad_row_imports_nothing_in_bulk_mode_either(world, bad_row, column):
    before = table_state()
    with pytest.raises(IncidentsRefused) as refused:
        import_incidents(excel_csv(HEADER, *ROWS, bad_row), "f.csv", user=world.alice, bulk=True)
    assert {p.field for p in refused.value.problems} >= {column}
    assert {p.line for p in refused.value.problems if p.field == column} >= {len(ROWS) + 2}
    assert Incident.objects.count() == 0
    assert table_state() == before


@postgresql_only
def test_the_command_imports_in_bulk(world, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(FILE)
    before = table_state()
    call_command("import-incidents", str(path), "--bulk")
    assert Incident.objects.count() == 8
    assert table_state() == before
    assert "8" in capsys.readouterr().out


@postgresql_only
def test_a_dry_run_in_bulk_mode_neither_writes_nor_locks(world):
    report = import_incidents(FILE, "f.csv", user=world.alice, bulk=True, dry_run=True)
    assert report.dry_run and not report.written and not report.bulk
    assert report.created == 8 and Incident.objects.count() == 0


@pytest.mark.skipif(ON_POSTGRESQL, reason="the refusal is for SQLite")
def test_bulk_mode_is_refused_on_sqlite(world, tmp_path):
    with pytest.raises(ImportFailed, match="PostgreSQL"):
        import_incidents(FILE, "f.csv", bulk=True)
    path = tmp_path / "f.csv"
    path.write_bytes(FILE)
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("import-incidents", str(path), "--bulk")
    assert Incident.objects.count() == 0


@postgresql_only
@pytest.mark.parametrize("in_bulk", [False, True])
def test_a_bad_row_after_chunks_were_sent_takes_them_back(world, monkeypatch, in_bulk):
    """Chunks go to the database while later ones are checked; a bad row in the last chunk
    rolls the sent ones back and is named (or, with skip_invalid, left out of the rest)."""
    monkeypatch.setattr(tables, "CHUNK_ROWS", 2)
    before = table_state()
    data = excel_csv(HEADER, *ROWS, "okänd;2023-09-14;Liljeholmen;;;;;;b-2")
    with pytest.raises(IncidentsRefused) as refused:
        import_incidents(data, "f.csv", user=world.alice, bulk=in_bulk)
    assert {(p.line, p.field) for p in refused.value.problems} == {(len(ROWS) + 2, "kategori")}
    assert Incident.objects.count() == 0 and table_state() == before
    report = import_incidents(data, "f.csv", user=world.alice, bulk=in_bulk, skip_invalid=True)
    assert report.created == 8 and report.bulk == in_bulk  # the good rows, in bulk too
    assert table_state() == before
