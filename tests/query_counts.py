"""Counting a list's queries with one row and with twenty: a list must not query per row.

``grows_by_rows`` builds one row of a kind, fetches the list, builds nineteen more and fetches
it again; it fails, listing the queries that differ, when the two answers took a different
number of queries. Caches are emptied before each request so that both pay the same.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from tests.factories import World
from tests.listed_rows import BUILDERS, name

FEW, MANY = 1, 20
# A number in a query (an id, a count, a date part) does not make it another query.
NUMBERS = re.compile(r"\b\d+\b")


def fetch(get: Callable[[], HttpResponse]) -> tuple[HttpResponse, list[str]]:
    cache.clear()
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = get()
    return response, [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    return NUMBERS.sub("N", re.sub(r"IN \([^)]*\)", "IN (…)", sql))


def difference(few: list[str], many: list[str]) -> str:
    """The queries one answer made more often than the other, each with how many times more."""
    more = Counter(map(_shape, many)) - Counter(map(_shape, few))
    fewer = Counter(map(_shape, few)) - Counter(map(_shape, many))
    return "\n".join(
        [f"  {n} more with {MANY}: {sql[:400]}" for sql, n in more.most_common()]
        + [f"  {n} more with {FEW}: {sql[:400]}" for sql, n in fewer.most_common()]
    )


def strings(data: Any) -> Iterator[str]:
    """Every string anywhere in a JSON answer."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def shows(response: HttpResponse, kind: str, numbers: range) -> list[str]:
    """The rows' names the answer does not show (JSON strings, or text in a page)."""
    wanted = [name(kind, number) for number in numbers]
    if response["Content-Type"].startswith("application/json"):
        found = set(strings(json.loads(response.content)))
        return [w for w in wanted if w not in found]
    text = response.content.decode()
    return [w for w in wanted if not re.search(re.escape(w) + r"(?!\d)", text)]


def grows_by_rows(
    world: World,
    kind: str,
    get: Callable[[], HttpResponse],
    label: str | None = None,
    shown: int = MANY,
) -> None:
    """Assert that the list answers with as many queries for twenty rows as for one.

    ``label`` is the name the rows carry in the answer (``None``: the answer names no row,
    e.g. the law's checklist, and only the counts are compared); a list that shows only the
    newest ``shown`` rows must show those.
    """
    build = BUILDERS[kind]
    build(world, 1, FEW)
    response, few = fetch(get)
    assert response.status_code == 200, response.content[:500]
    build(world, FEW + 1, MANY - FEW)
    response, many = fetch(get)
    assert response.status_code == 200, response.content[:500]
    if label is not None:
        missing = shows(response, label, range(MANY - shown + 1, MANY + 1))
        assert not missing, f"the list does not show {missing}"
    assert len(many) == len(few), (
        f"{len(few)} queries with {FEW} row, {len(many)} with {MANY}:\n{difference(few, many)}"
    )
