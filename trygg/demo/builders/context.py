"""What the demo's builders share: the context each adds to and later ones read."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "trygg-demo"
DEMO_SEED = 2023


@dataclass
class DemoContext:
    rng: random.Random
    log: Callable[[str], None]
    areas: dict[str, Any] = field(default_factory=dict)
    organisations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
