"""Figures shared between requests (trygg.analysis.cache): renewed after writes, computed once
when many clients ask the same cold question at the same time."""

import threading
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from trygg.analysis.cache import figure_key, shared_figure


class Counter:
    def __init__(self, value: object = "figure", pause: float = 0.0) -> None:
        self.calls = 0
        self.value = value
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self) -> object:
        with self.lock:
            self.calls += 1
        time.sleep(self.pause)
        return self.value


def test_twenty_clients_asking_a_cold_figure_compute_it_once():
    compute = Counter(value={"total": 42}, pause=0.3)
    barrier = threading.Barrier(20)
    results: list[object] = []

    def client() -> None:
        barrier.wait()
        results.append(shared_figure("test-cold", ("same",), ("v1",), compute))

    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert compute.calls == 1
    assert results == [{"total": 42}] * 20


def test_a_new_data_version_computes_again_and_the_same_version_reads_the_cache():
    compute = Counter()
    assert shared_figure("test-version", (1,), ("v1",), compute) == "figure"
    assert shared_figure("test-version", (1,), ("v1",), compute) == "figure"
    assert compute.calls == 1
    compute.value = "renewed"
    assert shared_figure("test-version", (1,), ("v2",), compute) == "renewed"
    assert compute.calls == 2
    # Another question (parts) is its own entry.
    assert shared_figure("test-version", (2,), ("v2",), compute) == "renewed"
    assert compute.calls == 3


def test_while_one_request_renews_a_figure_the_others_serve_the_previous_one():
    compute = Counter()
    shared_figure("test-stale", (1,), ("v1",), compute)
    cache.add(figure_key("test-stale", (1,)) + ":lock", 1, 30)  # another request computes
    compute.value = "renewed"
    assert shared_figure("test-stale", (1,), ("v2",), compute) == "figure"
    assert compute.calls == 1
    cache.delete(figure_key("test-stale", (1,)) + ":lock")
    assert shared_figure("test-stale", (1,), ("v2",), compute) == "renewed"


def test_a_failed_computation_releases_the_lock():
    def failing() -> object:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        shared_figure("test-fail", (1,), ("v1",), failing)
    assert cache.get(figure_key("test-fail", (1,)) + ":lock") is None
    assert shared_figure("test-fail", (1,), ("v1",), Counter()) == "figure"


def test_analysis_page_figures_are_renewed_by_a_new_incident(world, incidents, client):
    from trygg.incidents.actions import IncidentDraft, record_incidents
    from trygg.incidents.models import Category, Source

    client.force_login(world.carol)
    query = {"omrade": world.district.pk, "fran": "2021-09-01", "till": "2023-08-31"}
    first = client.get(reverse("analysis:index"), query).context["by_category"].total
    assert client.get(reverse("analysis:index"), query).context["by_category"].total == first
    category = Category.objects.filter(children__isnull=True).order_by("id").first()
    from datetime import UTC, datetime

    record_incidents(
        [
            IncidentDraft(
                category=category,
                occurred_at=datetime(2022, 3, 14, 12, tzinfo=UTC),
                area=world.liljeholmen,
            )
        ],
        source=Source.WEBB,
    )
    assert client.get(reverse("analysis:index"), query).context["by_category"].total == first + 1
