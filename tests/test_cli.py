"""The ``trygg`` console script: bad configuration ends with one clear line, not a traceback."""

import json
import os
import subprocess
import sys

import pytest


def trygg(*args, env=None, tmp_path=None):
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "TRYGG_TEST_DATABASE_URL"}
    }
    environ["DJANGO_SETTINGS_MODULE"] = "trygg.settings"
    if tmp_path is not None:
        environ["TRYGG_VAR_DIR"] = str(tmp_path)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "trygg", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )


def test_missing_secret_key_in_production_is_one_line(tmp_path):
    result = trygg("check", env={"DEBUG": "false"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgress://trygg:hemligt@localhost/trygg", "not a database URL Trygg supports"),
        ("postgres://trygg@localhost", "names no database"),
    ],
)
def test_bad_database_url_is_one_line_without_the_password(tmp_path, url, message):
    result = trygg("migrate", env={"DEBUG": "true", "DATABASE_URL": url}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert "hemligt" not in result.stderr


def test_unreachable_database_is_one_line(tmp_path):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    url = "postgres://trygg:hemligt@127.0.0.1:9/trygg"
    result = trygg("migrate", env={"DEBUG": "true", "DATABASE_URL": url}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot use the database postgres://trygg:***@127.0.0.1:9/trygg" in result.stderr


def test_bad_debug_value_is_one_line(tmp_path):
    result = trygg("check", env={"DEBUG": "kanske"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "DEBUG='kanske' is not a boolean" in result.stderr


def test_invalid_geojson_is_one_line_and_writes_nothing(tmp_path):
    env = {"DEBUG": "true"}
    assert trygg("migrate", "-v0", env=env, tmp_path=tmp_path).returncode == 0
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "OK"}, "geometry": {"type": "Polygon", "coordinates": [[[18, 59], [18.1, 59], [18.1, 59.1], [18, 59]]]}},
        {"type": "Feature", "properties": {"name": "TRASIG"}, "geometry": {"type": "LineString", "coordinates": [[18, 59], [18.1, 59]]}},
    ]}))  # fmt: skip
    result = trygg("import-areas", str(bad), "--kind", "kommun", env=env, tmp_path=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "objekt 2 (Trasig)" in result.stderr
    assert "Traceback" not in result.stderr
    count = trygg("shell", "--no-imports", "-c", "from trygg.places.models import Area; print(Area.objects.count())",
                  env=env, tmp_path=tmp_path)  # fmt: skip
    assert count.stdout.strip() == "0"


def test_half_a_single_sign_on_configuration_is_one_line(tmp_path):
    result = trygg(
        "check",
        env={"DEBUG": "true", "TRYGG_OIDC_ISSUER": "https://login.example/tenant/v2.0"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert (
        "single sign-on needs TRYGG_OIDC_CLIENT_ID, TRYGG_OIDC_CLIENT_SECRET too" in result.stderr
    )
    result = trygg(
        "check",
        env={"DEBUG": "true", "TRYGG_OIDC_CLIENT_ID": "a", "TRYGG_OIDC_CLIENT_SECRET": "b"},
        tmp_path=tmp_path,
    )
    assert "TRYGG_OIDC_AUTHORIZATION_ENDPOINT, TRYGG_OIDC_TOKEN_ENDPOINT" in result.stderr
    assert "(or TRYGG_OIDC_ISSUER for the endpoints)" in result.stderr
    result = trygg(
        "check",
        env={
            "DEBUG": "true",
            "TRYGG_OIDC_ISSUER": "https://login.example/tenant/v2.0",
            "TRYGG_OIDC_CLIENT_ID": "a",
            "TRYGG_OIDC_CLIENT_SECRET": "b",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
