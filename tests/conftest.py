"""Shared fixtures: the fixture folder and the fixed test world."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: cached page blocks are keyed by data versions
    (newest ids), and ids start over when a test's transaction is rolled back on SQLite."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def world(db):
    """A small installation: Stockholm › Hägersten-Älvsjö › Liljeholmen, and Skärholmen beside it.

    Actors: alice coordinates Hägersten-Älvsjö, bob reports for a housing company there,
    carol is a city-level analyst, dave coordinates Skärholmen, erin has no membership.
    """
    from tests.factories import World

    return World.build()
