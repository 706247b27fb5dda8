"""Figures computed once and shared: a cache entry per question, renewed when the data changes,
with one computation at a time per question however many clients ask at once.

An entry holds the data version it was computed at (``overview.data_version``: every write
Trygg makes changes it). A request whose version matches reads the entry. Otherwise one
request takes the question's lock (``cache.add``, atomic in every cache backend) and computes;
the others meanwhile serve the entry they found when there is one (computed before the latest
writes, for at most one computation's time) or, when the question is cold, wait for the
computation and read its result instead of computing the same figure again. A lock whose
holder died expires after ``LOCK_SECONDS``, and a waiter that waited that long computes itself.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.utils.translation import get_language

# How long a computed figure is kept; its key does not hold the data version (the entry
# does), so this bounds only memory and changes made around Django.
FIGURE_SECONDS = 600
# How long one computation may hold a question's lock before others stop waiting for it.
LOCK_SECONDS = 30
POLL_SECONDS = 0.05
_EMPTY = object()


def figure_key(name: str, parts: Hashable) -> str:
    """The cache key of one question: its name, the parts that define it and the language."""
    digest = hashlib.sha256(repr((name, parts, get_language())).encode()).hexdigest()
    return f"trygg:figure:{name}:{digest}"


def shared_figure[T](name: str, parts: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
    """The figure ``compute()`` gives for the question ``(name, parts)`` at data ``version``.

    ``parts`` must identify everything the figure depends on besides the data (a selection,
    options, the user's scope); ``version`` is the data's version now. Computed at most once
    at a time per question; see the module docstring for who waits and who reads what.
    """
    key = figure_key(name, parts)
    entry = cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    lock = key + ":lock"
    if not cache.add(lock, 1, LOCK_SECONDS):
        if entry is not None:
            return entry[1]  # being renewed by another request
        found = _wait(key, lock)
        if found is not _EMPTY:
            return found  # type: ignore[return-value]
        cache.add(lock, 1, LOCK_SECONDS)
    try:
        value = compute()
        cache.set(key, (version, value), FIGURE_SECONDS)
    finally:
        cache.delete(lock)
    return value


def _wait(key: str, lock: str) -> object:
    """The entry another request is computing, once it is there; ``_EMPTY`` when its lock was
    released without one (the computation failed) or held longer than ``LOCK_SECONDS``."""
    deadline = time.monotonic() + LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None:
            return entry[1]
        if cache.get(lock) is None:
            entry = cache.get(key)
            return entry[1] if entry is not None else _EMPTY
    return _EMPTY
