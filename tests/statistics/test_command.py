"""``trygg import-statistics FILE [--series NAME] [--dry-run]``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.statistics.conftest import HEADER, excel_csv
from trygg.statistics.models import StatisticSeries, StatisticValue

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import-statistics", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_file_and_again_changes_nothing(world, tmp_path):
    path = tmp_path / "otrygghet.csv"
    path.write_bytes(
        excel_csv(
            HEADER + ";Kommentar från SCB",
            "Otrygghet;Liljeholmen;;2021;23,5;andel;Stockholms stad;;x",
            "Otrygghet;Liljeholmen;;2023;..;andel;;;",
        )
    )
    out, _err = run(path)
    assert "Otrygghet" in out
    assert "kommentar från scb" in out
    assert StatisticValue.objects.count() == 1
    out, _err = run(path)
    assert StatisticValue.objects.count() == 1
    assert StatisticSeries.objects.count() == 1


def test_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(excel_csv(HEADER, "Otrygghet;Liljeholmen;;2021;23,5;andel;;"))
    run(path, "--dry-run")
    assert not StatisticSeries.objects.exists()


def test_series_by_name_or_code(world, survey, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(excel_csv("område;period;värde", "Liljeholmen;2021;23,5"))
    run(path, "--series", "OTRYGGHET")
    assert StatisticValue.objects.get().series == survey
    with pytest.raises(CommandError, match="Finns inte"):
        run(path, "--series", "Finns inte")


def test_problems_are_listed_and_the_command_fails(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(
        excel_csv(HEADER, "Otrygghet;Atlantis;;2021;23,5;andel;;", "Otrygghet;Liljeholmen;;då;1;;;")
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2"):
        call_command("import-statistics", str(path), stdout=StringIO(), stderr=err)
    assert "Atlantis" in err.getvalue()
    assert "3" in err.getvalue() and "period" in err.getvalue()
    assert not StatisticSeries.objects.exists()


def test_unreadable_files_fail_with_one_message(world, tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "saknas.csv")
    path = tmp_path / "gammal.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(CommandError, match="xlsx"):
        run(path)


def test_the_trygg_console_script_knows_the_command():
    from trygg.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["trygg", "import-statistics", "--help"])
    assert exited.value.code == 0
