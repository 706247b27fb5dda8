"""``trygg sync-polisen`` against a local HTTP server that replays answers of the police's
events API made from real events (tests/fixtures/polisen-api-events.json: the feed's 700
latest events of 2025, newest first, as the live API answers them).

The server runs in a thread on a free port; each test queues the answers it gives and reads
the requests it saw (path and User-Agent). The API's limits are set tiny so nothing waits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from trygg.incidents.imports.police import POLICE_NON_EVENTS
from trygg.incidents.imports.police_sync import SyncFailed, feed_url, sync_police_feed
from trygg.incidents.models import (
    Category,
    Incident,
    PoliceFeedCall,
    PoliceFeedSync,
    Source,
)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    user_agent: str


class Replay:
    """Answers queued by the test, in order (the last one is repeated)."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()

    def next(self) -> Answer:
        with self.lock:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def feed(settings) -> Iterator[tuple[Replay, str]]:
    replay = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            replay.seen.append(Seen(self.path, self.headers.get("User-Agent", "")))
            answer = replay.next()
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            # The client may have given up (the timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/events"
    settings.TRYGG_POLISEN_URL = url
    settings.TRYGG_POLISEN_LOCATION = ""
    settings.TRYGG_POLISEN_CONTACT = "trygg@kommun.example.se"
    settings.TRYGG_BASE_URL = "https://trygg.kommun.example.se"
    settings.TRYGG_POLISEN_MIN_INTERVAL_SECONDS = 0.01
    settings.TRYGG_POLISEN_MAX_CALLS_PER_HOUR = 60
    settings.TRYGG_POLISEN_TIMEOUT_SECONDS = 5
    settings.TRYGG_POLISEN_MAX_BACKOFF_SECONDS = 5
    settings.TRYGG_POLISEN_TRIES = 3
    try:
        yield replay, url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def events(fixtures_dir) -> list[dict]:
    return json.loads((fixtures_dir / "polisen-api-events.json").read_text(encoding="utf-8"))


def answer(events: list[dict]) -> Answer:
    return Answer(body=json.dumps(events, ensure_ascii=False).encode())


def imported_from(events: list[dict]) -> set[str]:
    """The ids of the events the importer keeps: a type mapped to a category, no summary."""
    mapped = {t.lower() for c in Category.objects.all() for t in c.police_event_types}
    return {
        str(e["id"])
        for e in events
        if e["type"].strip().lower() in mapped
        and not e["type"].strip().lower().startswith(POLICE_NON_EVENTS)
    }


def sync(**kwargs) -> str:
    out = StringIO()
    call_command("sync-polisen", stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


def police_ids() -> set[str]:
    return set(Incident.objects.filter(source=Source.POLISEN).values_list("external_id", flat=True))


def test_first_run_imports_the_events_and_a_repeat_imports_nothing(db, feed, events):
    replay, _url = feed
    older = events[200:]  # the feed's 500 events as a run an hour ago saw them
    replay.answers = [answer(older)]
    expected = imported_from(older)
    assert len(expected) > 100

    out = sync()
    assert police_ids() == expected
    first = PoliceFeedSync.objects.get()
    assert first.status == PoliceFeedSync.Status.DONE
    assert (first.fetched, first.new, first.known) == (500, len(expected), 0)
    assert first.skipped + first.new + first.refused == 500
    assert first.newest_event_id == older[0]["id"]
    assert not first.gap_reported
    assert f"500 hämtade, {len(expected)} nya, 0 redan importerade" in out
    assert "Ingen lucka" in out

    # The same answer again writes nothing.
    out = sync()
    assert police_ids() == expected
    second = PoliceFeedSync.objects.first()
    assert (second.fetched, second.new, second.known) == (500, 0, len(expected))
    assert not second.gap_reported
    assert f"0 nya, {len(expected)} redan importerade" in out

    # Every call named Trygg and the contact.
    assert len(replay.seen) == 2
    for seen in replay.seen:
        assert seen.path == "/api/events"
        assert seen.user_agent.startswith("Trygg/")
        assert "trygg@kommun.example.se" in seen.user_agent
        assert "https://trygg.kommun.example.se" in seen.user_agent
    assert PoliceFeedCall.objects.filter(status_code=200).count() == 2


def test_an_answer_that_overlaps_the_previous_run_imports_the_newer_events_without_a_gap(
    db, feed, events
):
    replay, _url = feed
    replay.answers = [answer(events[200:])]
    sync()
    replay.answers = [answer(events[:500])]  # 200 newer events; 300 seen before
    out = sync()
    assert police_ids() == imported_from(events)
    latest = PoliceFeedSync.objects.first()
    assert latest.new == len(imported_from(events[:200]))
    assert not latest.gap_reported and "Ingen lucka" in out


def test_an_answer_without_overlap_reports_a_possible_gap(db, feed, events, caplog):
    replay, _url = feed
    replay.answers = [answer(events[200:])]
    sync()
    # Only events newer than everything the previous run saw: those in between are lost.
    replay.answers = [answer(events[:150])]
    with caplog.at_level(logging.WARNING, logger="trygg.incidents.imports.police_sync"):
        out = sync()
    latest = PoliceFeedSync.objects.first()
    assert latest.status == PoliceFeedSync.Status.DONE and latest.gap_reported
    assert "Möjlig lucka" in latest.message
    assert "Möjlig lucka" in out and "2025-12-28" in out  # the previous run's newest day
    assert any("lucka" in record.getMessage() for record in caplog.records)
    # The events it did get are imported.
    assert imported_from(events[:150]) <= police_ids()
    # The next run that overlaps this one reports no gap again.
    replay.answers = [answer(events[:300])]
    out = sync()
    assert not PoliceFeedSync.objects.first().gap_reported and "Ingen lucka" in out


def test_429_with_retry_after_is_honoured_and_retried(db, feed, events):
    replay, _url = feed
    replay.answers = [
        Answer(status=429, body=b'{"message": "Too many requests"}', headers={"Retry-After": "3"}),
        answer(events[:50]),
    ]
    slept: list[float] = []
    outcome = sync_police_feed(sleep=slept.append)
    assert 3.0 in slept  # waited as long as the server asked, not less
    assert outcome.sync.status == PoliceFeedSync.Status.DONE
    assert outcome.sync.new == len(imported_from(events[:50]))
    assert [c.status_code for c in PoliceFeedCall.objects.order_by("at", "id")] == [429, 200]
    assert len(replay.seen) == 2
    assert all(s.user_agent.startswith("Trygg/") for s in replay.seen)


def test_repeated_429_backs_off_exponentially_and_gives_up_with_nothing_written(
    db, feed, events, settings
):
    replay, _url = feed
    settings.TRYGG_POLISEN_MIN_INTERVAL_SECONDS = 0.5
    settings.TRYGG_POLISEN_TRIES = 4
    replay.answers = [Answer(status=429, body=b"busy")]
    slept: list[float] = []
    with pytest.raises(SyncFailed, match="efter 4 anrop"):
        sync_police_feed(sleep=slept.append)
    backoffs = [s for s in slept if s >= 0.5]
    assert backoffs == [0.5, 1.0, 2.0]  # twice as long each time (capped at 5 s)
    assert len(replay.seen) == 4
    assert Incident.objects.count() == 0
    failed = PoliceFeedSync.objects.get()
    assert failed.status == PoliceFeedSync.Status.FAILED and "4 anrop" in failed.message

    # Through the command: one line and a non-zero exit.
    settings.TRYGG_POLISEN_MIN_INTERVAL_SECONDS = 0.01
    with pytest.raises(CommandError) as raised:
        sync()
    assert raised.value.returncode != 0
    assert "\n" not in str(raised.value)


def test_a_retry_after_longer_than_the_cap_gives_up_at_once(db, feed, settings):
    replay, _url = feed
    replay.answers = [Answer(status=429, headers={"Retry-After": "3600"})]
    slept: list[float] = []
    with pytest.raises(SyncFailed, match="3600 s"):
        sync_police_feed(sleep=slept.append)
    assert len(replay.seen) == 1 and not [s for s in slept if s > 1]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html><body>Underh\xc3\xa5ll</body></html>", "inte är JSON"),
        (b'{"error": "maintenance"}', "inte är en lista"),
        (b'[{"id": 1, "type": "Ran"}, "x"]', "nummer 2"),
        (b'[{"id": 6', "inte är JSON"),
    ],
)
def test_a_malformed_body_fails_cleanly_with_nothing_written(db, feed, events, body, words):
    replay, _url = feed
    replay.answers = [Answer(body=body)]
    with pytest.raises(CommandError, match=words):
        sync()
    assert Incident.objects.count() == 0
    failed = PoliceFeedSync.objects.get()
    assert failed.status == PoliceFeedSync.Status.FAILED and words in failed.message
    assert failed.new == 0 and failed.newest_event_id is None


def test_a_failed_run_is_not_the_previous_run_of_the_gap_check(db, feed, events):
    replay, _url = feed
    replay.answers = [answer(events[200:])]
    sync()
    replay.answers = [Answer(body=b"not json")]
    with pytest.raises(CommandError):
        sync()
    replay.answers = [answer(events[:500])]
    out = sync()
    assert "Ingen lucka" in out


def test_the_hourly_limit_is_enforced_across_runs(db, feed, events, settings):
    replay, _url = feed
    settings.TRYGG_POLISEN_MAX_CALLS_PER_HOUR = 3
    replay.answers = [answer(events[:20])]
    for _run in range(3):
        sync()
    with pytest.raises(CommandError, match="3 anrop i timmen"):
        sync()
    assert len(replay.seen) == 3  # the fourth run made no call
    assert PoliceFeedSync.objects.first().status == PoliceFeedSync.Status.FAILED
    # Calls older than an hour no longer count.
    PoliceFeedCall.objects.update(at=PoliceFeedCall.objects.first().at.replace(year=2024))
    sync()
    assert len(replay.seen) == 4


def test_retries_count_towards_the_hourly_limit(db, feed, settings):
    replay, _url = feed
    settings.TRYGG_POLISEN_MAX_CALLS_PER_HOUR = 2
    settings.TRYGG_POLISEN_TRIES = 4
    replay.answers = [Answer(status=429, headers={"Retry-After": "0"})]
    with pytest.raises(SyncFailed, match="2 anrop i timmen"):
        sync_police_feed(sleep=lambda s: None)
    assert len(replay.seen) == 2


def test_a_run_waits_for_the_minimum_interval_since_the_last_call(db, feed, events, settings):
    replay, _url = feed
    replay.answers = [answer(events[:20])]
    sync()
    settings.TRYGG_POLISEN_MIN_INTERVAL_SECONDS = 10
    slept: list[float] = []
    sync_police_feed(sleep=slept.append)
    assert len(slept) == 1 and 8 < slept[0] <= 10  # the rest of the 10 s since the last call
    calls = list(PoliceFeedCall.objects.order_by("at"))
    assert len(calls) == 2


def test_a_network_error_is_one_line_and_writes_nothing(db, feed, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TRYGG_POLISEN_URL = f"http://127.0.0.1:{port}/api/events"
    with pytest.raises(CommandError) as raised:
        sync()
    message = str(raised.value)
    assert message.startswith("Kunde inte nå polisens API") and "\n" not in message
    assert Incident.objects.count() == 0
    assert PoliceFeedSync.objects.get().status == PoliceFeedSync.Status.FAILED


def test_a_slow_answer_times_out(db, feed, events, settings):
    replay, _url = feed
    settings.TRYGG_POLISEN_TIMEOUT_SECONDS = 0.3
    replay.answers = [Answer(body=answer(events[:5]).body, delay=1.5)]
    with pytest.raises(CommandError, match="svarade inte inom"):
        sync()
    assert Incident.objects.count() == 0


def test_an_http_error_fails_with_its_status(db, feed):
    replay, _url = feed
    replay.answers = [Answer(status=500, body=b"oops")]
    with pytest.raises(CommandError, match="HTTP 500"):
        sync()
    assert len(replay.seen) == 1  # a server error is not tried again at once


def test_without_a_contact_no_call_is_made(db, feed, settings):
    replay, _url = feed
    settings.TRYGG_POLISEN_CONTACT = ""
    settings.TRYGG_BASE_URL = ""
    with pytest.raises(CommandError, match="TRYGG_POLISEN_CONTACT"):
        sync()
    assert replay.seen == [] and not PoliceFeedSync.objects.exists()


def test_another_running_sync_is_not_overlapped(db, feed):
    replay, _url = feed
    PoliceFeedSync.objects.create(url="x")
    with pytest.raises(CommandError, match="pågår"):
        sync()
    assert replay.seen == []


def test_the_location_filter_is_sent(db, feed, events, settings):
    replay, url = feed
    settings.TRYGG_POLISEN_LOCATION = "Stockholm;Malmö"
    assert feed_url() == url + "?locationname=Stockholm;Malm%C3%B6"
    replay.answers = [answer([e for e in events if e["location"]["name"] == "Malmö"])]
    sync()
    assert replay.seen[0].path == "/api/events?locationname=Stockholm;Malm%C3%B6"


def test_the_import_page_shows_the_feed_status_to_importers(client, world, feed, events):
    replay, _url = feed
    client.force_login(world.alice)
    page = client.get(reverse("incidents:import")).content.decode()
    assert "Polisens händelser" not in page  # never synced: nothing to say
    replay.answers = [answer(events[200:])]
    sync()
    new = PoliceFeedSync.objects.get().new
    page = client.get(reverse("incidents:import")).content.decode()
    assert "Polisens händelser" in page
    assert f"500 händelser, {new} nya, 0 redan importerade" in page
    assert "Ingen lucka" in page
    replay.answers = [answer(events[:150])]
    sync()
    page = client.get(reverse("incidents:import")).content.decode()
    assert "Möjlig lucka" in page
    replay.answers = [Answer(body=b"<html>")]
    with pytest.raises(CommandError):
        sync()
    page = client.get(reverse("incidents:import")).content.decode()
    assert "Senaste försöket" in page and "misslyckades" in page and "inte är JSON" in page
    assert "Möjlig lucka" in page  # the latest good run is still shown
