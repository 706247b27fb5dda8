"""The police's live events feed (polisen.se/api/events) fetched and imported, for cron.

``sync_police_feed`` makes one call to the API (more only when it is told to wait: 429 or
503), checks that the answer is the feed, and imports it through ``import_police_feed`` with
the event ids as external ids, so events already imported are counted, never written twice.

The API's published rules are kept across runs, in the database: at least
``TRYGG_POLISEN_MIN_INTERVAL_SECONDS`` between calls (a run waits for it) and at most
``TRYGG_POLISEN_MAX_CALLS_PER_HOUR`` calls in any hour (a run that would break it stops with a
message); every call names Trygg and a contact in its User-Agent. The feed holds only the
latest 500 events, so a run whose oldest event is newer than the previous run's newest (no
overlap) reports a possible gap.

Every failure (no answer, an HTTP error, a body that is not the feed, the limits) raises
``SyncFailed`` with one line for the operator; nothing is imported then, and the run is kept
as failed with that line.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.incidents.imports.police import import_police_feed, parse_police_datetime
from trygg.incidents.imports.report import IncidentImportReport
from trygg.incidents.models import PoliceFeedCall, PoliceFeedSync
from trygg.lib.imports import ImportFailed

logger = logging.getLogger(__name__)

# The feed is about 500 events (some hundred kB); a far larger answer is not the feed.
MAX_BODY_BYTES = 20 * 1024 * 1024
# Runs are kept this long (the latest good one always: the next run's overlap is checked
# against it).
KEEP_SYNCS = dt.timedelta(days=90)
# Answers that ask to wait and try again.
RETRY_STATUSES = (429, 503)


class SyncFailed(Exception):
    """The run failed; the message is one line for the operator. Nothing was imported."""


@dataclass
class SyncOutcome:
    sync: PoliceFeedSync
    report: IncidentImportReport
    gap_message: str = ""


Sleep = Callable[[float], None]
Clock = Callable[[], dt.datetime]


def feed_url() -> str:
    """``TRYGG_POLISEN_URL`` with ``TRYGG_POLISEN_LOCATION`` as its ``locationname`` filter."""
    url: str = settings.TRYGG_POLISEN_URL
    location: str = settings.TRYGG_POLISEN_LOCATION.strip()
    if not location:
        return url
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k.lower() != "locationname"]
    query.append(("locationname", location))
    # The API separates several places with ";", which it reads unencoded.
    encoded = urllib.parse.urlencode(query, quote_via=urllib.parse.quote, safe=";")
    return urllib.parse.urlunsplit(parts._replace(query=encoded))


def user_agent() -> str:
    """Trygg, its version, the installation and who to ask about the calls (ASCII, as HTTP
    headers must be)."""
    contact = settings.TRYGG_POLISEN_CONTACT.strip()
    base = settings.TRYGG_BASE_URL.strip()
    if not contact and not base:
        raise SyncFailed(
            _(
                "Set TRYGG_POLISEN_CONTACT (an e-mail address) or TRYGG_BASE_URL: the police's "
                "API asks every caller to say who they are."
            )
        )
    try:
        version = metadata.version("trygg")
    except metadata.PackageNotFoundError:
        version = "0"
    about = "; ".join(
        part for part in ("crime prevention for a Swedish municipality", base, contact) if part
    )
    text = f"Trygg/{version} ({about})"
    return " ".join(text.encode("ascii", "replace").decode("ascii").split())


def _calls_since(moment: dt.datetime) -> int:
    return PoliceFeedCall.objects.filter(at__gt=moment).count()


def _last_call() -> dt.datetime | None:
    last: dt.datetime | None = PoliceFeedCall.objects.aggregate(last=Max("at"))["last"]
    return last


def _stale_after() -> dt.timedelta:
    """A run still marked running after this long was interrupted (killed, its machine lost)."""
    per_call = (
        settings.TRYGG_POLISEN_MAX_BACKOFF_SECONDS
        + settings.TRYGG_POLISEN_TIMEOUT_SECONDS
        + settings.TRYGG_POLISEN_MIN_INTERVAL_SECONDS
    )
    return dt.timedelta(seconds=settings.TRYGG_POLISEN_TRIES * per_call + 300)


def _retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class _Answer:
    events: list[dict[str, Any]]
    body: bytes


def _check_body(body: bytes) -> _Answer:
    """The live feed's answer: a JSON array of events, each an object with a whole-number id."""
    try:
        events = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SyncFailed(_("The police's API answered with something that is not text.")) from None
    except json.JSONDecodeError as error:
        raise SyncFailed(
            _(
                "The police's API answered with something that is not JSON (line %(line)s, "
                "column %(col)s); nothing was imported."
            )
            % {"line": error.lineno, "col": error.colno}
        ) from None
    if not isinstance(events, list):
        raise SyncFailed(
            _(
                "The police's API answered with JSON that is not a list of events; nothing was "
                "imported."
            )
        )
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict) or not isinstance(event.get("id"), int):
            raise SyncFailed(
                _(
                    "The police's API answered with something that is not an event (number "
                    "%(n)s in the list); nothing was imported."
                )
                % {"n": number}
            )
    return _Answer(events=events, body=body)


def _fetch(sync: PoliceFeedSync, url: str, *, sleep: Sleep, now: Clock) -> bytes:
    """The answer's body, calling within the API's limits and trying again when told to wait."""
    agent = user_agent()
    tries: int = settings.TRYGG_POLISEN_TRIES
    interval = float(settings.TRYGG_POLISEN_MIN_INTERVAL_SECONDS)
    per_hour: int = settings.TRYGG_POLISEN_MAX_CALLS_PER_HOUR
    cap = float(settings.TRYGG_POLISEN_MAX_BACKOFF_SECONDS)
    timeout = float(settings.TRYGG_POLISEN_TIMEOUT_SECONDS)
    backoff = interval
    for attempt in range(1, tries + 1):
        moment = now()
        hour_ago = moment - dt.timedelta(hours=1)
        if _calls_since(hour_ago) >= per_hour:
            oldest = PoliceFeedCall.objects.filter(at__gt=hour_ago).order_by("at").first()
            next_allowed = (oldest.at if oldest else moment) + dt.timedelta(hours=1)
            raise SyncFailed(
                _(
                    "The police's API allows %(n)s calls an hour and they have been made; the "
                    "next call may be made after %(time)s."
                )
                % {"n": per_hour, "time": _local(next_allowed)}
            )
        last = _last_call()
        if last is not None:
            wait = interval - (moment - last).total_seconds()
            if wait > 0:
                sleep(wait)
        call = PoliceFeedCall.objects.create(sync=sync, at=now())
        request = urllib.request.Request(
            url, headers={"User-Agent": agent, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                call.status_code = response.status
                call.save(update_fields=["status_code"])
                body: bytes = response.read(MAX_BODY_BYTES + 1)
        except urllib.error.HTTPError as error:
            call.status_code = error.code
            call.save(update_fields=["status_code"])
            if error.code not in RETRY_STATUSES:
                raise SyncFailed(
                    _("The police's API answered HTTP %(code)s (%(url)s); nothing was imported.")
                    % {"code": error.code, "url": url}
                ) from None
            asked = _retry_after(error.headers.get("Retry-After"), now())
            if attempt == tries:
                break
            delay = max(asked if asked is not None else backoff, interval)
            if delay > cap:
                raise SyncFailed(
                    _(
                        "The police's API asks to wait %(s)s s (HTTP %(code)s), longer than "
                        "TRYGG_POLISEN_MAX_BACKOFF_SECONDS; try again after %(time)s."
                    )
                    % {
                        "s": round(delay),
                        "code": error.code,
                        "time": _local(now() + dt.timedelta(seconds=delay)),
                    }
                ) from None
            logger.warning(
                "police feed: HTTP %s, trying again in %.1f s (call %s of %s)",
                error.code,
                delay,
                attempt,
                tries,
            )
            sleep(delay)
            backoff = min(backoff * 2, cap)
            continue
        except TimeoutError:
            raise SyncFailed(
                _("The police's API did not answer within %(s)s s (%(url)s).")
                % {"s": round(timeout), "url": url}
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise SyncFailed(
                    _("The police's API did not answer within %(s)s s (%(url)s).")
                    % {"s": round(timeout), "url": url}
                ) from None
            raise SyncFailed(
                _("Could not reach the police's API (%(url)s): %(reason)s")
                % {"url": url, "reason": reason}
            ) from None
        except (OSError, ValueError) as error:
            # A connection reset mid-answer, an address urllib cannot use.
            raise SyncFailed(
                _("Could not reach the police's API (%(url)s): %(reason)s")
                % {"url": url, "reason": error}
            ) from None
        if len(body) > MAX_BODY_BYTES:
            raise SyncFailed(
                _("The police's API answered with more than %(mb)s MB; nothing was imported.")
                % {"mb": MAX_BODY_BYTES // (1024 * 1024)}
            )
        return body
    raise SyncFailed(
        _("The police's API still asks to wait after %(n)s calls; gave up, nothing was imported.")
        % {"n": tries}
    )


def _event_times(events: list[dict[str, Any]]) -> list[dt.datetime]:
    times = []
    for event in events:
        try:
            times.append(parse_police_datetime(str(event.get("datetime", ""))))
        except ValueError:
            continue
    return times


def _gap(
    sync: PoliceFeedSync, previous: PoliceFeedSync | None, events: list[dict[str, Any]]
) -> str:
    """The possible-gap message ("" for none): this answer does not reach back to the
    previous good run's newest event."""
    if previous is None or previous.newest_event_at is None or not events:
        return ""
    if previous.newest_event_id in {event["id"] for event in events}:
        return ""
    if sync.oldest_event_at is None or sync.oldest_event_at <= previous.newest_event_at:
        return ""
    return _(
        "Possible gap: the oldest event fetched (%(oldest)s) is newer than the newest one of "
        "the previous run (%(previous)s); the feed keeps only its latest 500 events, so events "
        "in between may be missing. Run the sync more often, or import them from a file."
    ) % {"oldest": _local(sync.oldest_event_at), "previous": _local(previous.newest_event_at)}


def _claim_run(url: str, moment: dt.datetime) -> PoliceFeedSync:
    """A new run, unless another is running; runs silent for too long are marked failed."""
    stale = moment - _stale_after()
    running = PoliceFeedSync.objects.filter(status=PoliceFeedSync.Status.RUNNING)
    running.filter(started_at__lt=stale).update(
        status=PoliceFeedSync.Status.FAILED,
        finished_at=moment,
        message=_("Interrupted (the run stopped before it ended)."),
    )
    other = running.filter(started_at__gte=stale).first()
    if other is not None:
        raise SyncFailed(
            _("Another sync of the police feed has been running since %(time)s; not starting.")
            % {"time": _local(other.started_at)}
        )
    return PoliceFeedSync.objects.create(url=url, started_at=moment)


def _prune(moment: dt.datetime, keep: PoliceFeedSync) -> None:
    old = PoliceFeedSync.objects.filter(started_at__lt=moment - KEEP_SYNCS).exclude(pk=keep.pk)
    latest_done = PoliceFeedSync.objects.filter(status=PoliceFeedSync.Status.DONE).first()
    if latest_done is not None:
        old = old.exclude(pk=latest_done.pk)
    old.delete()


def sync_police_feed(
    *,
    sleep: Sleep = time.sleep,
    now: Clock = timezone.now,
) -> SyncOutcome:
    """Fetch the feed once and import its new events. Raises SyncFailed (nothing imported).

    ``sleep`` and ``now`` are the waits and the clock (the tests give their own).
    """
    url = feed_url()
    user_agent()  # the contact is checked before anything is recorded
    sync = _claim_run(url, now())
    try:
        answer = _check_body(_fetch(sync, url, sleep=sleep, now=now))
        times = _event_times(answer.events)
        previous = (
            PoliceFeedSync.objects.filter(status=PoliceFeedSync.Status.DONE, url=url)
            .exclude(pk=sync.pk)
            .first()
        )
        sync.fetched = len(answer.events)
        sync.oldest_event_at = min(times) if times else None
        newest = max(answer.events, key=lambda e: e["id"], default=None)
        sync.newest_event_id = newest["id"] if newest else None
        sync.newest_event_at = max(times) if times else None
        gap_message = _gap(sync, previous, answer.events)
        # An empty or older answer keeps the newest event seen, for the next overlap check.
        if (
            previous is not None
            and previous.newest_event_at is not None
            and (sync.newest_event_at is None or previous.newest_event_at > sync.newest_event_at)
        ):
            sync.newest_event_at = previous.newest_event_at
            sync.newest_event_id = previous.newest_event_id
        with transaction.atomic():
            try:
                report = import_police_feed(answer.body, skip_invalid=True)
            except ImportFailed as error:
                raise SyncFailed(str(error)) from None
            sync.new = report.created
            sync.known = report.already_recorded
            sync.skipped = sum(report.skipped_types.values())
            # Events with problems (an unknown place, a date out of range) are left out.
            sync.refused = max(0, report.rows - report.created - report.already_recorded)
            sync.gap_reported = bool(gap_message)
            sync.message = gap_message
            sync.status = PoliceFeedSync.Status.DONE
            sync.finished_at = now()
            sync.save()
    except BaseException as error:
        # SyncFailed says what went wrong; anything else (a bug, Ctrl-C) is kept by its name.
        sync.status = PoliceFeedSync.Status.FAILED
        sync.finished_at = now()
        sync.message = str(error) if isinstance(error, SyncFailed) else repr(error)[:1000]
        sync.new = sync.known = sync.skipped = sync.refused = 0
        sync.newest_event_id = sync.newest_event_at = sync.oldest_event_at = None
        sync.gap_reported = False
        sync.save()
        raise
    if gap_message:
        logger.warning("police feed: %s", gap_message)
    _prune(now(), sync)
    return SyncOutcome(sync=sync, report=report, gap_message=gap_message)


def latest_status() -> dict[str, Any] | None:
    """The import page's line about the live feed: the latest run and the latest good one."""
    latest = PoliceFeedSync.objects.first()
    if latest is None:
        return None
    done = (
        latest
        if latest.status == PoliceFeedSync.Status.DONE
        else PoliceFeedSync.objects.filter(status=PoliceFeedSync.Status.DONE).first()
    )
    return {"latest": latest, "done": done}
