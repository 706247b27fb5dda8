"""Writers racing for real: threads released together by a barrier, each on its own database
connection, through the whole API (PostgreSQL only: SQLite has a single writer, and its
test database lives in one connection's memory).

Each race asserts what issue 18 asks: the counts equal a recount of the raw rows, every 200
matches a row that was stored (and the last one the row as it stands and its newest history
row), one row per external id, and no 500.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.incidents.test_rollup import assert_rollup_is_raw
from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.defaults import ensure_default_categories
from trygg.incidents.models import Category, Incident, Status

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need concurrent writers: run with TRYGG_TEST_DATABASE_URL on PostgreSQL",
    ),
    # The threads' connections must see what the test wrote, so the test commits.
    pytest.mark.django_db(transaction=True),
]
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
URL = "/api/v1/incidents/"
# No thread may wait longer than this at the barrier or for its answer.
TIMEOUT = 30


def race(n: int, request: Callable[[int, APIClient], Any], token: str) -> list[Any]:
    """Run ``request(i, client)`` on n threads at once; returns the answers in thread order.

    Each thread opens its own connection before the barrier (so they start together, not
    one connection set-up apart) and closes it at the end.
    """
    barrier = threading.Barrier(n, timeout=TIMEOUT)
    answers: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            connection.ensure_connection()
            barrier.wait()
            answers[i] = request(i, client)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert not errors, errors
    return answers


@pytest.fixture
def token(world) -> str:
    """alice's token: she coordinates Hägersten-Älvsjö, so she corrects and reviews there."""
    return Token.objects.get_or_create(user=world.alice)[0].key


@pytest.fixture
def world(transactional_db):
    # An earlier transactional test's flush may have removed the categories the migrations
    # create; the world needs them.
    ensure_default_categories(Category)
    from tests.factories import World

    return World.build()


def recorded(world, when: dt.datetime, **fields: Any) -> Incident:
    draft = IncidentDraft(
        category=Category.objects.get(code="klotter"),
        occurred_at=when,
        area=world.liljeholmen,
        organisation=world.housing,
        **fields,
    )
    return record_incidents([draft], source="import").created[0]


def monthly_counts_from_the_api(client: APIClient) -> dict[str, int]:
    response = client.get(
        "/api/v1/analysis/counts/",
        {"group_by": "period", "period": "month", "start": "2022-01-01", "end": "2023-12-31"},
    )
    assert response.status_code == 200, response.content
    return {
        row["period_start"][:7]: row["count"] for row in response.json()["rows"] if row["count"]
    }


def monthly_recount() -> dict[str, int]:
    counts: Counter[str] = Counter()
    for when in Incident.objects.exclude(status=Status.AVVISAD).values_list(
        "occurred_at", flat=True
    ):
        counts[when.astimezone(STOCKHOLM).strftime("%Y-%m")] += 1
    return dict(counts)


def test_concurrent_moves_to_different_months_leave_no_phantom_counts(world, token):
    moved = recorded(world, dt.datetime(2023, 1, 15, 12, tzinfo=STOCKHOLM))
    for month in (3, 6, 9):  # neighbours in months the moves pass through
        recorded(world, dt.datetime(2022, month, 10, 9, tzinfo=STOCKHOLM))
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    for _round in range(4):  # as the trial: four rounds

        def move(i: int, client: APIClient) -> Any:
            when = dt.datetime(2022 + i // 12, i % 12 + 1, 14, 20, tzinfo=STOCKHOLM)
            return client.patch(
                f"{URL}{moved.pk}/", {"occurred_at": when.isoformat()}, format="json"
            )

        answers = race(20, move, token)
        assert [a.status_code for a in answers] == [200] * 20, [a.content for a in answers]
        counts = monthly_counts_from_the_api(reader)
        assert counts == monthly_recount()
        assert sum(counts.values()) == 4  # the moved incident is in one month, once
        assert_rollup_is_raw()
        last = max(answers, key=lambda a: int(a["ETag"].strip('"')))
        moved.refresh_from_db()
        assert dt.datetime.fromisoformat(last.json()["occurred_at"]) == moved.occurred_at


def test_concurrent_status_and_description_changes_keep_the_last_write(world, token):
    incident = recorded(world, dt.datetime(2023, 5, 2, 8, tzinfo=STOCKHOLM))
    statuses = [Status.GRANSKAD, Status.AVVISAD, Status.NY]

    def change(i: int, client: APIClient) -> Any:
        body = {"status": statuses[i % 3], "description": f"Ändrad av klient {i}"}
        return client.patch(f"{URL}{incident.pk}/", body, format="json")

    for _round in range(4):  # as the trial: four rounds
        answers = race(20, change, token)
        assert [a.status_code for a in answers] == [200] * 20, [a.content for a in answers]
        versions = [int(a["ETag"].strip('"')) for a in answers]
        assert len(set(versions)) == 20  # every write saw the one before it
        stored = Incident.objects.get(pk=incident.pk)
        history = {h.version: h for h in stored.history.all()}
        for answer, version in zip(answers, versions, strict=True):
            body = answer.json()
            # What each client was told is what its write stored, as its history row says.
            assert (body["status"], body["description"]) == (
                history[version].status,
                history[version].description,
            )
        last = answers[versions.index(max(versions))].json()
        newest = stored.history.order_by("-history_date", "-history_id").first()
        assert stored.version == max(versions) == newest.version
        assert (last["status"], last["description"]) == (stored.status, stored.description)
        assert (newest.status, newest.description) == (stored.status, stored.description)
        assert (stored.reviewed_by_id is None) == (stored.status == Status.NY)
        assert_rollup_is_raw()


def test_concurrent_creates_with_one_external_id_make_one_row(world, token):
    body = {
        "category": "klotter",
        "occurred_at": dt.datetime(2023, 6, 1, 22, tzinfo=STOCKHOLM).isoformat(),
        "area": world.liljeholmen.pk,
        "organisation": world.sdf.pk,
        "description": "Skickad igen efter timeout",
        "external_id": "system-4711",
    }

    def create(_i: int, client: APIClient) -> Any:
        return client.post(URL, body, format="json")

    answers = race(10, create, token)
    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 1, 200: 9}, [a.content for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a["Location"] for a in answers}) == 1
    assert Incident.objects.filter(external_id="system-4711").count() == 1
    assert Incident.history.filter(external_id="system-4711").count() == 1
    assert_rollup_is_raw()
