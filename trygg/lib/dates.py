"""The windows of plausible dates: when something a user or a file gives can have happened,
and how far ahead a plan or a meeting can lie.

A year typed as 0059 or 2205 is a mistake, not a record: stored, it gives times Europe/Stockholm
can only answer in local mean time (``+01:12:12``) and periods that make every analysis scan
centuries. So every date or time a user or a file gives is checked against one of two windows,
both starting on ``TRYGG_EARLIEST_DATE`` (1 January 1990 by default):

- the **event window** ends tomorrow (a day's slack for clocks and time zones): incidents,
  follow-ups, decisions, signatures, statistics periods;
- the **planning window** ends ``TRYGG_PLANNING_YEARS`` years ahead (10 by default): meetings,
  plan and agreement periods, due dates and targets.

Days are Stockholm days (``settings.TIME_ZONE``); a time lies in a window when its local day does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.lib.periods import add_years

DateOrTime = dt.date | dt.datetime


@dataclass(frozen=True)
class DateWindow:
    """The days from ``earliest`` to ``latest``, both included."""

    earliest: dt.date
    latest: dt.date

    def first_moment(self) -> dt.datetime:
        """The window's first instant, aware (midnight starting ``earliest`` in Stockholm)."""
        return dt.datetime.combine(self.earliest, dt.time(0), _zone())

    def end_moment(self) -> dt.datetime:
        """The first instant after the window (midnight ending ``latest`` in Stockholm)."""
        return dt.datetime.combine(self.latest + dt.timedelta(days=1), dt.time(0), _zone())

    def __contains__(self, value: object) -> bool:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=_zone())
            # Compared as instants, so that no extreme value is converted (and overflows).
            return self.first_moment() <= value < self.end_moment()
        if isinstance(value, dt.date):
            return self.earliest <= value <= self.latest
        return False

    def message(self) -> str:
        return _("the date must lie between %(earliest)s and %(latest)s") % {
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
        }


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def event_window(today: dt.date | None = None) -> DateWindow:
    """When something that has happened can have happened: the earliest date to tomorrow."""
    today = today or timezone.localdate()
    return DateWindow(settings.TRYGG_EARLIEST_DATE, today + dt.timedelta(days=1))


def planning_window(today: dt.date | None = None) -> DateWindow:
    """When something planned can lie: the earliest date to ``TRYGG_PLANNING_YEARS`` ahead."""
    today = today or timezone.localdate()
    return DateWindow(settings.TRYGG_EARLIEST_DATE, add_years(today, settings.TRYGG_PLANNING_YEARS))


def date_errors(
    *,
    events: Mapping[str, DateOrTime | None] | None = None,
    planned: Mapping[str, DateOrTime | None] | None = None,
) -> dict[str, str]:
    """The message for each named date outside its window (None values are not checked)."""
    errors: dict[str, str] = {}
    for values, window in ((events, event_window), (planned, planning_window)):
        if not values:
            continue
        found = window()
        for name, value in values.items():
            if value is not None and value not in found:
                errors[name] = found.message()
    return errors


def check_dates(
    *,
    events: Mapping[str, DateOrTime | None] | None = None,
    planned: Mapping[str, DateOrTime | None] | None = None,
) -> None:
    """Raise a ValidationError naming each date outside its window (for ``clean`` methods)."""
    errors = date_errors(events=events, planned=planned)
    if errors:
        raise ValidationError(errors)


def validate_event_date(value: DateOrTime | None) -> None:
    """A form field's validator: the value lies in the event window."""
    if value is not None and value not in (window := event_window()):
        raise ValidationError(window.message(), code="implausible_date")


def validate_planned_date(value: DateOrTime | None) -> None:
    """A form field's validator: the value lies in the planning window."""
    if value is not None and value not in (window := planning_window()):
        raise ValidationError(window.message(), code="implausible_date")
