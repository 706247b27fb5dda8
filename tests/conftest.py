"""Shared fixtures: the fixture folder and the fixed test world."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
