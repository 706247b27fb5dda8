"""``trygg demo`` on a database that has never been migrated, through the real console script."""

import sqlite3

from tests.test_cli import trygg


def test_demo_on_a_new_sqlite_file_migrates_first_and_builds(tmp_path):
    database = tmp_path / "ny.sqlite3"
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}
    result = trygg("demo", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "databasen är ny" in result.stdout.lower()
    assert "Demon är byggd" in result.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM demo_demobuild").fetchone() == (1,)
        users = {row[0] for row in db.execute("SELECT username FROM accounts_user")}
    assert {"samordnare", "analytiker", "rapportor", "radsmedlem"} <= users


def test_demo_if_empty_on_a_new_sqlite_file_builds_too(tmp_path):
    database = tmp_path / "ny.sqlite3"
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}
    result = trygg("demo", "--if-empty", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM demo_demobuild").fetchone() == (1,)


def test_demo_on_a_database_migrated_in_part_says_to_migrate_in_one_line(tmp_path):
    database = tmp_path / "halv.sqlite3"
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}
    assert trygg("migrate", "contenttypes", "-v0", env=env, tmp_path=tmp_path).returncode == 0
    result = trygg("demo", env=env, tmp_path=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "trygg migrate" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "demo_demobuild" not in tables  # nothing was migrated behind the operator's back
