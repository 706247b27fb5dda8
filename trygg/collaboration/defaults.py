"""The priority areas every new installation starts with.

They are the ten city-wide priority areas of the seed's samverkansöverenskommelse between the
police and Stockholms stad. Coordinators add their own afterwards; ``ensure_default_priority_areas``
only adds what is missing, by code, and never overwrites edits.
"""

from __future__ import annotations

from typing import Any

# (code, name) in the order the agreement lists them.
DEFAULT_PRIORITY_AREAS: tuple[tuple[str, str], ...] = (
    ("utsatta-omraden", "Riktat arbete mot avgränsade platser och utsatta områden"),
    ("unga-i-risk", "Unga i risk för kriminalitet"),
    ("avhopparverksamhet", "Avhopparverksamhet för kriminella"),
    ("utsatta-brottsoffer", "Särskilt utsatta och sårbara brottsoffer"),
    ("otillaten-paverkan", "Otillåten påverkan"),
    ("skolan-som-brottsplats", "Skolan som brottsplats"),
    ("valdsbejakande-extremism", "Arbetet mot våldsbejakande extremism"),
    ("otillatna-bosattningar", "Otillåtna bosättningar"),
    ("ordningsvakter", "Ordningsvakter"),
    ("kamerabevakning", "Kamerabevakning"),
)


def ensure_default_priority_areas(model: Any) -> int:
    """Add the default priority areas that are missing; works with a migration's model too."""
    existing = set(model.objects.values_list("code", flat=True))
    missing = [
        model(code=code, name=name, sort_order=position, is_default=True)
        for position, (code, name) in enumerate(DEFAULT_PRIORITY_AREAS, start=1)
        if code not in existing
    ]
    model.objects.bulk_create(missing)
    return len(missing)
