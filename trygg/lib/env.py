"""Typed readers for environment variables that fail loudly on bad values.

Settings call these instead of touching ``os.environ`` so that a typo in a deployment
(``DEBUG=ture``, ``DATABASE_URL=postgress://…``) stops the process with one clear line
instead of silently falling back to a default.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from collections.abc import Mapping
from typing import Any, overload
from urllib.parse import urlsplit

import dj_database_url

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})

SUPPORTED_DATABASE_SCHEMES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
}


class ConfigError(Exception):
    """A setting read from the environment has a value Trygg cannot use."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


@overload
def env_str(
    name: str,
    default: str,
    *,
    required: bool = ...,
    allow_empty: bool = ...,
    environ: Mapping[str, str] | None = ...,
) -> str: ...
@overload
def env_str(
    name: str,
    default: None = None,
    *,
    required: bool = ...,
    allow_empty: bool = ...,
    environ: Mapping[str, str] | None = ...,
) -> str | None: ...
def env_str(
    name: str,
    default: str | None = None,
    *,
    required: bool = False,
    allow_empty: bool = False,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """A string; unset or blank gives ``default``, unless ``allow_empty`` keeps blank as ""."""
    value = _raw(name, environ)
    if allow_empty and value is not None and value.strip() == "":
        return ""
    if value is None or value.strip() == "":
        if required:
            raise ConfigError(f"{name} must be set")
        return default
    return value.strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}={number} must be at least {minimum}")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_timezone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ)
    assert value is not None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name}={value!r} is not a known time zone (e.g. Europe/Stockholm)"
        ) from None
    return value


def env_date(name: str, default: dt.date, *, environ: Mapping[str, str] | None = None) -> dt.date:
    """A calendar date written as ISO 8601 (``1990-01-01``)."""
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a date (YYYY-MM-DD)") from None


def env_choice(
    name: str, default: str, choices: list[str], *, environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ=environ)
    assert value is not None
    if value not in choices:
        raise ConfigError(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


def redact_url(url: str) -> str:
    """The URL with any password replaced, safe to print in an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict[str, Any]:
    """Django's DATABASES entry for a URL, or ConfigError naming what is wrong with it."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        known = ", ".join(sorted(SUPPORTED_DATABASE_SCHEMES))
        raise ConfigError(
            f"{name}={redact_url(url)!r} is not a database URL Trygg supports "
            f"(scheme must be one of: {known}; e.g. postgres://user:password@host:5432/trygg)"
        )
    try:
        config = dict(dj_database_url.parse(url))
    except (ValueError, KeyError) as error:
        raise ConfigError(f"{name}={redact_url(url)!r} cannot be parsed: {error}") from None
    if scheme == "sqlite":
        if not config.get("NAME"):
            raise ConfigError(f"{name}={url!r} names no SQLite file (e.g. sqlite:///var/trygg.db)")
    else:
        if not config.get("NAME"):
            raise ConfigError(f"{name}={redact_url(url)!r} names no database (add /dbname)")
        if not config.get("HOST"):
            raise ConfigError(f"{name}={redact_url(url)!r} names no host")
    config["ENGINE"] = SUPPORTED_DATABASE_SCHEMES[scheme]
    return config


def env_database(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    url = env_str(name, default, environ=environ)
    assert url is not None
    return parse_database_url(url, name=name)


def parse_cache_url(url: str, *, name: str = "CACHE_URL") -> dict[str, Any]:
    """Django's CACHES entry for a URL: ``locmem://`` (one process's memory), ``redis://host:
    6379/0`` or ``rediss://…`` (needs the ``redis`` package) or ``db://table`` (a table made by
    ``trygg createcachetable``); ConfigError for anything else."""
    scheme, _sep, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme in {"redis", "rediss"}:
        if not urlsplit(url).hostname:
            raise ConfigError(f"{name}={redact_url(url)!r} names no host")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "db":
        if not rest.isidentifier():
            raise ConfigError(f"{name}={url!r} names no table (e.g. db://trygg_cache)")
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest}
    raise ConfigError(
        f"{name}={redact_url(url)!r} is not a cache URL Trygg supports "
        "(locmem://, redis://host:6379/0, rediss://…, db://table)"
    )


def env_cache(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    url = env_str(name, default, environ=environ)
    assert url is not None
    return parse_cache_url(url, name=name)


RATE_PERIODS = frozenset({"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"})


def env_rate(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """A request rate as DRF writes it (``60/minute``, ``1000/hour``, ``5/s``), or None when
    the variable is ``off`` (no limit)."""
    value = env_str(name, default, environ=environ)
    assert value is not None
    if value.lower() in {"off", "none", "0"}:
        return None
    count, _sep, period = value.partition("/")
    if not (count.isdigit() and int(count) > 0 and period.lower() in RATE_PERIODS):
        raise ConfigError(
            f"{name}={value!r} is not a rate (e.g. 60/minute, 1000/hour, 10/second; or off)"
        )
    return f"{int(count)}/{period.lower()}"
