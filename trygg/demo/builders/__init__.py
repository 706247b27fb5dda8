"""The demo, built by one small builder per domain, in dependency order.

Each builder is a function ``build(demo: DemoContext) -> None`` that adds its domain's part
of the Hägersten-Älvsjö demo and records in ``demo`` what later builders refer to (areas,
organisations, users). A later issue adds its domain by adding a module and listing it here.
"""

from __future__ import annotations

from collections.abc import Callable

from trygg.demo.builders import (
    categories,
    collaboration,
    incidents,
    organisations,
    peers,
    places,
    plans,
    reports,
    statistics,
)
from trygg.demo.builders.context import DEMO_PASSWORD, DEMO_SEED, DemoContext

__all__ = ["BUILDERS", "DEMO_PASSWORD", "DEMO_SEED", "DemoContext"]

BUILDERS: list[Callable[[DemoContext], None]] = [
    places.build,
    categories.build,
    organisations.build,
    incidents.build,
    statistics.build,
    peers.build,
    collaboration.build,
    plans.build,
    reports.build,
]
