"""Small text helpers shared by importers."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def title_case(name: str) -> str:
    """Swedish place names in title case: "ÖRBY SLOTT" → "Örby Slott".

    Every run of letters is capitalised on its own, so hyphenated names keep both halves
    ("HÄGERSTEN-ÄLVSJÖ" → "Hägersten-Älvsjö"), and runs of whitespace collapse to one space.
    """
    collapsed = " ".join(name.split())
    return _WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), collapsed)
