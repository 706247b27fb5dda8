from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygg.lib.personnummer import (
    Match,
    contains_identity_number,
    find_identity_numbers,
    luhn_ok,
)

SEPARATORS = ["-", "+", "", " ", "–"]


def check_digit(nine: str) -> str:
    """Skatteverket's check digit, written out independently of the module under test."""
    weighted = [int(d) * w for d, w in zip(nine, [2, 1, 2, 1, 2, 1, 2, 1, 2], strict=True)]
    total = sum(sum(int(x) for x in str(product)) for product in weighted)
    return str((10 - total % 10) % 10)


def wrong_check_digit(nine: str) -> str:
    return str((int(check_digit(nine)) + 1) % 10)


def number(yymmdd: str, serial: str, sep: str = "-", century: str = "") -> str:
    """A number with the right check digit for the date and the three-digit serial."""
    return f"{century}{yymmdd}{sep}{serial}{check_digit(yymmdd + serial)}"


def found(text: str) -> list[str]:
    return [m.text for m in find_identity_numbers(text)]


# --- the helper itself and well-known test numbers ---------------------------------------------


@pytest.mark.parametrize("known", ["811228-9874", "670919-9530", "701063-2391"])
def test_well_known_test_numbers_carry_the_right_check_digit(known):
    digits = known.replace("-", "")
    assert digits[-1] == check_digit(digits[:9])


@pytest.mark.parametrize(
    ("digits", "ok"),
    [("8112289874", True), ("8112289875", False), ("0", True), ("79927398713", True)],
)
def test_luhn_ok(digits, ok):
    assert luhn_ok(digits) is ok


def test_luhn_ok_refuses_non_digits():
    with pytest.raises(ValueError):
        luhn_ok("811228-9874")


# --- what must be found -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pnr",
    [
        "811228-9874",
        "811228+9874",
        "8112289874",
        "811228 9874",
        "811228–9874",
        "19811228-9874",
        "198112289874",
        "19811228 9874",
        "670919-9530",
        number("000229", "123"),  # 2000 was a leap year
        number("040229", "123", century="19"),
        number("991231", "999", century="18", sep="+"),
        number("250101", "001", century="20"),
    ],
)
def test_personnummer_is_found_in_every_format(pnr):
    assert find_identity_numbers(pnr) == [Match(0, len(pnr), pnr, "personnummer")]


@pytest.mark.parametrize(
    "snr", ["701063-2391", "197010632391", number("801291", "456"), number("000289", "123")]
)
def test_samordningsnummer_is_found_and_named(snr):
    assert find_identity_numbers(snr) == [Match(0, len(snr), snr, "samordningsnummer")]


def test_numbers_are_found_inside_swedish_sentences_with_their_positions():
    text = "Mannen med pnr 811228-9874 sågs vid busshållplatsen, kvinnan (19670919-9530) sprang."
    matches = find_identity_numbers(text)
    assert [m.text for m in matches] == ["811228-9874", "19670919-9530"]
    assert all(text[m.start : m.end] == m.text for m in matches)


@pytest.mark.parametrize(
    "text",
    [
        "pnr:811228-9874.",
        "Personnummer 8112289874, inte känd sedan tidigare.",
        "Samordningsnr 701063-2391 enligt Migrationsverket",
        "Uppgift: pnr811228-9874",
        "(811228-9874)",
    ],
)
def test_contains_identity_number_in_sentences(text):
    assert contains_identity_number(text)


@pytest.mark.parametrize("text", [None, "", "Klotter på skolans gavel, anmält till polisen."])
def test_contains_identity_number_is_false_without_one(text):
    assert not contains_identity_number(text)


# --- what must not be found ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        number("811228", "987")[:-1] + wrong_check_digit("811228987"),
        "19811228-" + "987" + wrong_check_digit("811228987"),
        number("990230", "123"),  # 30 February
        number("010229", "123"),  # 2001 and 1901 were not leap years
        number("811300", "123"),  # month 13
        number("811200", "123"),  # day 0
        number("811232", "123"),  # day 32
        number("811292", "123"),  # samordningsnummer day 32
        number("811260", "123"),  # samordningsnummer day 0
        number("811228", "987", century="17"),
        number("811228", "987", century="21"),
    ],
)
def test_invalid_numbers_are_not_found(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # Dates.
        "Händelsen inträffade 2023-09-14 kl. 22.30.",
        "Rapport 20230914",
        "Möte 230914 i stadshuset",
        # Phone numbers, including one whose digits are a valid personnummer in phone grouping.
        "Ring 08-508 23 326 för mer information",
        "Mobil 070-123 45 67",
        "Växel +46 8 508 233 26",
        "Tel 0850823326",
        "Tel 811-228 98 74",
        "Tel 0811-22 89 87 4",
        # "+" before a digit run means an international phone number.
        "+" + number("461012", "345", sep=""),
        # Police case numbers.
        "Polisens diarienummer 5000-K123456-23",
        "Ärende K123456-23",
        # Order and invoice numbers that embed a valid number in a longer code.
        "Order 4500-811228-9874",
        "Faktura 811228-9874-01",
        "Referens 811228-9874+2",
        # Longer digit runs.
        "Kortnummer 4111198112289874",
        "4111 1981 1228 9874",
        "Löpnummer 1811228-9874",
        "Löpnummer 81122898741",
        "Löpnummer 0198112289874",
        # Amounts.
        "Skadan uppskattas till 1 234 567 kr",
        "Kostnad 811 228 987,40 kr",
    ],
)
def test_lookalikes_are_not_found(text):
    assert found(text) == []


# --- properties ---------------------------------------------------------------------------------


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A valid personnummer in a random format, with its date-and-serial digits."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    serial = f"{draw(st.integers(0, 999)):03d}"
    sep = draw(st.sampled_from(SEPARATORS))
    century = f"{born.year // 100}" if draw(st.booleans()) else ""
    nine = born.strftime("%y%m%d") + serial
    return f"{century}{nine[:6]}{sep}{serial}{check_digit(nine)}", nine


non_digit_text = st.text(st.characters(exclude_categories=("Nd",)), max_size=20)


@given(valid_numbers(), non_digit_text.filter(lambda s: not s.endswith("+")), non_digit_text)
def test_any_valid_number_between_non_digit_text_is_found(generated, before, after):
    formatted, _ = generated
    text = before + formatted + after
    assert find_identity_numbers(text) == [
        Match(len(before), len(before) + len(formatted), formatted, "personnummer")
    ]


@given(valid_numbers(), st.integers(1, 9), non_digit_text, non_digit_text)
def test_a_wrong_check_digit_is_never_found(generated, offset, before, after):
    formatted, _ = generated
    wrong = str((int(formatted[-1]) + offset) % 10)
    assert found(before + formatted[:-1] + wrong + after) == []


@given(
    valid_numbers(),
    st.sampled_from(["", "-", "+"]),
    st.text("0123456789", min_size=3, max_size=8),
    st.sampled_from(["", "-", "+"]),
    st.text("0123456789", min_size=1, max_size=8),
    st.booleans(),
)
def test_a_valid_number_inside_a_longer_digit_code_is_not_found(
    generated, before_joiner, before_digits, after_joiner, after_digits, extend_after
):
    # Two digits glued straight in front of a ten-digit number would make a genuine twelve-digit
    # one, so the prefix is at least three digits long.
    formatted, _ = generated
    if extend_after:
        text = formatted + after_joiner + after_digits
    else:
        text = before_digits + before_joiner + formatted
    assert found(text) == []


@given(st.text("0123456789", min_size=1, max_size=30).filter(lambda s: len(s) not in (10, 12)))
def test_digit_runs_of_other_lengths_are_never_found(run):
    assert found(f"nr {run} ") == []


@given(
    st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%y%m%d", "%Y-%m-%d %H:%M", "%d/%m/%Y"]),
    non_digit_text,
)
def test_dates_are_never_found(day, fmt, after):
    assert found(f"den {day.strftime(fmt)}{after}") == []
