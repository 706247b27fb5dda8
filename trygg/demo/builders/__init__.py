"""The demo, built by one small builder per domain, in dependency order.

Each builder is a function ``build(demo: DemoContext) -> None`` that adds its domain's part
of the Hägersten-Älvsjö demo and records in ``demo`` what later builders refer to (areas,
organisations, users). A later issue adds its domain by adding a module and listing it here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trygg.demo.builders import (
    categories,
    collaboration,
    incidents,
    organisations,
    places,
    plans,
    reports,
    statistics,
)

DEMO_PASSWORD = "trygg-demo"
DEMO_SEED = 2023


@dataclass
class DemoContext:
    rng: random.Random
    log: Callable[[str], None]
    areas: dict[str, Any] = field(default_factory=dict)
    organisations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


BUILDERS: list[Callable[[DemoContext], None]] = [
    places.build,
    categories.build,
    organisations.build,
    incidents.build,
    statistics.build,
    collaboration.build,
    plans.build,
    reports.build,
]
