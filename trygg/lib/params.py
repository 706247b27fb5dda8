"""Ids, numbers and choices read from a query string: bounded, with Swedish messages.

Every view that reads a parameter from ``request.GET`` (pages) or ``request.query_params``
(the API) reads it through these. An id is a whole number from 1 to the database's largest
integer (a longer one is no row, and handed to the database it overflows its integer: a 500);
a number lies in the range the caller names; a choice is one of its values. A bad value
raises ``BadParameter``, a ``BadRequest``: Django answers it 400 on the pages, and the API's
exception handler answers 400 with ``{name: [message]}``, like any other invalid field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# The largest value of a 64-bit signed integer: BigAutoField's range on every database.
MAX_ID = 2**63 - 1
# Page numbers and similar counters: far more than any list has, far less than an overflow.
MAX_COUNT = 2**31 - 1


class Query(Protocol):
    """What a ``QueryDict`` offers that these read (``request.GET``, ``query_params``)."""

    def get(self, key: str, /) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


class BadParameter(BadRequest):
    """A query parameter could not be read; ``message`` is the user's (Swedish) text."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


# Only spaces and tabs count as padding: other control characters (str.strip's whitespace
# includes \x1c–\x1f) make a value that is not absent, and so is refused.
_PADDING = " \t"


def _text(query: Query, name: str) -> str:
    return (query.get(name) or "").strip(_PADDING)


def parse_id(text: str) -> int | None:
    """``text`` as an id (0 … MAX_ID, plain ASCII digits; 0 is no row, but harmless), or None."""
    text = text.strip(_PADDING)
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def _id_message() -> str:
    return _("An id is a whole number, at most %(maximum)d.") % {"maximum": MAX_ID}


def id_param(query: Query, name: str) -> int | None:
    """The id in ``?name=``, None when absent or empty; BadParameter when it is no id."""
    text = _text(query, name)
    if not text:
        return None
    value = parse_id(text)
    if value is None:
        raise BadParameter(name, _id_message())
    return value


def ids_param(query: Query, name: str) -> list[int] | None:
    """Ids given as repeated parameters (``a=1&a=2``) or a comma list (``a=1,2``); None if none."""
    texts = [part.strip() for value in query.getlist(name) for part in value.split(",")]
    texts = [text for text in texts if text]
    if not texts:
        return None
    values = [parse_id(text) for text in texts]
    if any(value is None for value in values):
        raise BadParameter(name, _id_message())
    return [value for value in values if value is not None]


def int_param(
    query: Query, name: str, *, default: int, minimum: int, maximum: int = MAX_COUNT
) -> int:
    """A whole number from ``minimum`` to ``maximum``; ``default`` when absent or empty."""
    text = _text(query, name)
    if not text:
        return default
    sign, digits = (text[0], text[1:]) if text[0] in "+-" else ("", text)
    value: int | None = None
    if digits.isascii() and digits.isdigit() and len(digits) <= len(str(MAX_ID)):
        value = int(sign + digits)
    if value is None or not minimum <= value <= maximum:
        raise BadParameter(
            name,
            _("A whole number from %(minimum)d to %(maximum)d.")
            % {"minimum": minimum, "maximum": maximum},
        )
    return value


def float_param(
    query: Query,
    name: str,
    *,
    default: float,
    minimum: float,
    maximum: float,
    inclusive: bool = True,
) -> float:
    """A finite number within ``minimum`` … ``maximum`` (the ends excluded unless
    ``inclusive``); ``default`` when absent or empty. A decimal comma is read too."""
    text = _text(query, name)
    if not text:
        return default
    try:
        value = float(text.replace(",", ".")) if len(text) <= 50 else math.nan
    except ValueError:
        value = math.nan
    inside = (
        minimum <= value <= maximum if inclusive else minimum < value < maximum
    ) and math.isfinite(value)
    if not inside:
        template = (
            _("A number from %(minimum)s to %(maximum)s.")
            if inclusive
            else _("A number greater than %(minimum)s and less than %(maximum)s.")
        )
        raise BadParameter(name, template % {"minimum": f"{minimum:g}", "maximum": f"{maximum:g}"})
    return value


def choice_param(
    query: Query, name: str, choices: Sequence[str], *, default: str | None = None
) -> str | None:
    """One of ``choices``; ``default`` when absent or empty."""
    text = _text(query, name)
    if not text:
        return default
    if text not in choices:
        raise BadParameter(name, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return text


def choices_param(query: Query, name: str, choices: Sequence[str]) -> list[str]:
    """Several of ``choices``, repeated or comma-separated; [] when none."""
    texts = [part.strip() for value in query.getlist(name) for part in value.split(",")]
    texts = [text for text in texts if text]
    wrong = [text for text in texts if text not in choices]
    if wrong:
        raise BadParameter(name, _("Choose among: %(choices)s.") % {"choices": ", ".join(choices)})
    return texts


def flag_param(query: Query, name: str) -> bool:
    """A yes/no parameter: 1/true/ja/yes is yes, 0/false/nej/no or absent is no."""
    text = _text(query, name).lower()
    if text in {"", "0", "false", "nej", "no"}:
        return False
    if text in {"1", "true", "ja", "yes"}:
        return True
    raise BadParameter(name, _("Give true or false."))
