import pytest

from trygg.lib.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_timezone,
    parse_database_url,
    redact_url,
)


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_reads_true_words(word):
    assert env_bool("DEBUG", False, environ={"DEBUG": word}) is True


@pytest.mark.parametrize("word", ["0", "false", "no", "off", ""])
def test_env_bool_reads_false_words(word):
    assert env_bool("DEBUG", True, environ={"DEBUG": word}) is False


def test_env_bool_refuses_a_typo_naming_the_variable():
    with pytest.raises(ConfigError, match="DEBUG='ture' is not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "ture"})


def test_env_bool_default_when_unset():
    assert env_bool("DEBUG", True, environ={}) is True


def test_env_int_refuses_non_numbers_and_values_below_minimum():
    with pytest.raises(ConfigError, match="not a whole number"):
        env_int("PORT", 1, environ={"PORT": "eighty"})
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("PORT", 1, minimum=1, environ={"PORT": "0"})
    assert env_int("PORT", 1, environ={"PORT": " 25 "}) == 25


def test_env_str_required_and_blank():
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        env_str("SECRET_KEY", required=True, environ={"SECRET_KEY": "  "})
    assert env_str("X", "d", environ={"X": ""}) == "d"
    assert env_str("X", "d", allow_empty=True, environ={"X": ""}) == ""


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env_list("H", [], environ={"H": "a.se, b.se,,"}) == ["a.se", "b.se"]
    assert env_list("H", ["x"], environ={}) == ["x"]


def test_env_timezone_refuses_unknown_zone():
    assert env_timezone("TZ", "Europe/Stockholm", environ={}) == "Europe/Stockholm"
    with pytest.raises(ConfigError, match="not a known time zone"):
        env_timezone("TZ", "Europe/Stockholm", environ={"TZ": "Europe/Stokholm"})


def test_parse_postgres_url():
    config = parse_database_url("postgres://trygg:hemligt@db.example:5432/trygg")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "trygg"
    assert config["HOST"] == "db.example"
    assert config["PORT"] == 5432


def test_parse_sqlite_url():
    config = parse_database_url("sqlite:////tmp/trygg.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/trygg.sqlite3"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgress://u:p@h/db", "not a database URL Trygg supports"),
        ("mysql://u:p@h/db", "not a database URL Trygg supports"),
        ("just-a-path.db", "not a database URL Trygg supports"),
        ("postgres://u:p@h", "names no database"),
        ("postgres:///trygg", "names no host"),
    ],
)
def test_bad_database_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(ConfigError, match=message):
        parse_database_url(url)


def test_database_errors_never_show_the_password():
    with pytest.raises(ConfigError) as caught:
        parse_database_url("mysql://trygg:hemligt@h/db")
    assert "hemligt" not in str(caught.value)
    assert redact_url("postgres://u:hemligt@h/db") == "postgres://u:***@h/db"


def test_cache_urls():
    from trygg.lib.env import env_cache, parse_cache_url

    assert parse_cache_url("locmem://")["BACKEND"].endswith("LocMemCache")
    redis = parse_cache_url("redis://127.0.0.1:6379/2")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
    }
    assert parse_cache_url("db://trygg_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "trygg_cache",
    }
    assert env_cache("CACHE_URL", "locmem://", environ={})["BACKEND"].endswith("LocMemCache")
    with pytest.raises(ConfigError, match="not a cache URL"):
        parse_cache_url("memcached://x")
    with pytest.raises(ConfigError, match="names no table"):
        parse_cache_url("db://")
    with pytest.raises(ConfigError, match="names no host"):
        parse_cache_url("redis://")
    with pytest.raises(ConfigError, match=r"\*\*\*"):
        parse_cache_url("memcached://user:secret@host")


def test_rates():
    from trygg.lib.env import env_rate

    assert env_rate("R", "60/minute", environ={}) == "60/minute"
    assert env_rate("R", "60/minute", environ={"R": "100/Hour"}) == "100/hour"
    assert env_rate("R", "60/minute", environ={"R": "off"}) is None
    for bad in ["60", "x/minute", "60/fortnight", "-1/s", "0/s"]:
        with pytest.raises(ConfigError, match="is not a rate"):
            env_rate("R", "60/minute", environ={"R": bad})
