"""Find Swedish personal identity numbers in free text.

Free-text fields (incident descriptions, notes in a lägesbild) must not hold personnummer or
samordningsnummer: data minimisation under GDPR says we do not keep what the work does not need,
and an identity number in a crime-prevention record is exactly what it does not need. This
module finds such numbers so that forms can refuse them before they are stored.

A number is only reported when its shape, its date and its Luhn check digit all hold, so that
dates, phone numbers, case numbers and amounts that merely look similar pass through. The one
accepted risk is a bare run of ten or twelve digits that happens to form a valid date and to
pass Luhn (a mobile number such as 0701234567 does so about one time in ten): written without
separators it cannot be told apart from a real personnummer, and missing a real one is the
worse mistake here.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"

# Skatteverket adds 60 to the day of birth to make a samordningsnummer.
_SAMORDNING_DAY_OFFSET = 60

# Only people born in these centuries can hold a number today; "17" would be a typo or a code.
_CENTURIES = ("18", "19", "20")

# The en dash is in the class because word processors and phones turn a typed "-" into one.
_CANDIDATE = re.compile(
    r"""
    (?<![\d+])          # inside a longer number, or after "+" as in "+46..." phone numbers
    (?<!\d[-–+])        # the tail of a longer joined code such as "4500-811228-9874"
    (?P<century>\d{2})?
    (?P<date>\d{6})
    [-–+\ ]?
    (?P<serial>\d{4})
    (?!\d)              # the head of a longer number
    (?![-–+]\d)         # the head of a longer joined code such as "811228-9874-23"
    """,
    re.VERBOSE | re.ASCII,
)


@dataclass(frozen=True)
class Match:
    """One identity number found in a text; ``text`` is ``source[start:end]`` as written."""

    start: int
    end: int
    text: str
    kind: str  # PERSONNUMMER or SAMORDNINGSNUMMER


def luhn_ok(digits: str) -> bool:
    """Whether the last digit of ``digits`` is the Luhn check digit of the ones before it.

    Skatteverket computes the check digit over the ten-digit form only, so callers pass
    YYMMDDNNNC, never the century.
    """
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"expected a string of digits, got {digits!r}")
    total = 0
    # Counting from the right keeps the check digit at weight 1 whatever the length.
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def find_identity_numbers(text: str) -> list[Match]:
    """Every personnummer and samordningsnummer in ``text``, in order of appearance."""
    matches = []
    for candidate in _CANDIDATE.finditer(text):
        kind = _kind(candidate["century"], candidate["date"], candidate["serial"])
        if kind is not None:
            matches.append(
                Match(
                    start=candidate.start(),
                    end=candidate.end(),
                    text=candidate.group(),
                    kind=kind,
                )
            )
    return matches


def contains_identity_number(text: str | None) -> bool:
    """Whether ``text`` holds at least one personnummer or samordningsnummer."""
    if not text:
        return False
    return bool(find_identity_numbers(text))


# Every match of _CANDIDATE contains six ASCII digits, at most one separator and four ASCII
# digits in a row, so a text without this cannot hold an identity number. (RE2's \d is ASCII,
# like _CANDIDATE's re.ASCII.) tests/incidents/test_columnar.py checks it.
IDENTITY_PREFILTER = r"\d{6}[-–+ ]?\d{4}"


def holds_identity_number(column: pa.Array) -> np.ndarray:
    """Which cells of a string column hold a personnummer or samordningsnummer:
    ``contains_identity_number`` applied only to the cells a vectorised prefilter lets through."""
    candidates = np.flatnonzero(
        pc.match_substring_regex(column, IDENTITY_PREFILTER).to_numpy(zero_copy_only=False)
    )
    found = np.zeros(len(column), dtype=bool)
    for i in candidates.tolist():
        found[i] = contains_identity_number(column[i].as_py())
    return found


def _kind(century: str | None, yymmdd: str, serial: str) -> str | None:
    if century is not None and century not in _CENTURIES:
        return None
    if not luhn_ok(yymmdd + serial):
        return None
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    kind = PERSONNUMMER
    if day > _SAMORDNING_DAY_OFFSET:
        day -= _SAMORDNING_DAY_OFFSET
        kind = SAMORDNINGSNUMMER
    # A ten-digit number does not say its century ("+" only says 100 or older, relative to a
    # date we do not know), so either plausible century making a real date is enough.
    centuries = [int(century)] if century is not None else [19, 20]
    if any(_is_date(c * 100 + year, month, day) for c in centuries):
        return kind
    return None


def _is_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
