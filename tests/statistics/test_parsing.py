"""Whatever a cell holds, reading it gives a value or a message — never a crash."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.statistics.conftest import excel_csv
from trygg.lib.periods import PeriodError, PeriodKind
from trygg.statistics.importers import (
    StatisticsRefused,
    import_statistics,
    parse_statistics_period,
    parse_unit,
    parse_value,
)
from trygg.statistics.models import StatisticValue, Unit

UNITS = st.sampled_from([None, *Unit.values])
# Cell text as people type it: digits, separators, signs, letters, spaces of several kinds.
CELL = st.text(alphabet=st.sampled_from("0123456789 ,.-−+%eE/QWTqwt\u00a0…–x"), max_size=14)


@given(text=st.one_of(st.text(max_size=20), CELL), unit=UNITS)
def test_a_value_is_read_or_refused_with_a_message(text, unit):
    try:
        value = parse_value(text, unit)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(value, Decimal)
        assert value >= 0
        assert value == value.quantize(Decimal("0.0001"))
        if unit == Unit.ANDEL:
            assert value <= 100


@given(number=st.decimals(min_value=0, max_value=10**9, places=4))
def test_a_written_number_reads_back_exactly(number):
    swedish = format(number, "f").replace(".", ",")
    assert parse_value(swedish) == number
    assert parse_value(format(number, "f")) == number


@given(text=st.one_of(st.text(max_size=25), CELL))
def test_a_period_is_read_or_refused_with_a_message(text):
    try:
        period = parse_statistics_period(text)
    except PeriodError as error:
        assert str(error)
    else:
        assert period.start <= period.end


@given(year=st.integers(min_value=1900, max_value=2100))
def test_the_ways_of_writing_a_reporting_year_agree(year):
    forms = [f"{year}/{(year + 1) % 100:02d}", f"{year}/{year + 1}", f"{year}-{year + 1}",
             f"{year} – {year + 1}"]  # fmt: skip
    periods = {parse_statistics_period(form) for form in forms}
    assert len(periods) == 1
    (period,) = periods
    assert period.kind == PeriodKind.REPORTING_YEAR
    assert (period.start.month, period.start.day) == (9, 1)


@given(text=st.text(max_size=20))
def test_a_unit_is_read_or_refused_with_a_message(text):
    try:
        unit = parse_unit(text)
    except ValueError as error:
        assert str(error)
    else:
        assert unit is None or unit in Unit.values


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    period=st.one_of(
        st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=12),
        CELL,
    ),
    value=CELL,
)
def test_a_row_is_imported_or_every_problem_names_its_line_and_column(world, period, value):
    # What breaks the CSV itself (NUL, quotes, separators) is csvio's business and tests.
    clean = [c.replace(";", "").replace('"', "").replace("\r", "").replace("\n", "")
             for c in (period, value)]  # fmt: skip
    data = excel_csv(
        "serie;område;period;värde;enhet", f"Serie;Liljeholmen;{clean[0]};{clean[1]};antal"
    )
    StatisticValue.objects.all().delete()
    try:
        report = import_statistics(data, "a.csv", user=world.alice, dry_run=True)
    except StatisticsRefused as refused:
        assert refused.problems
        for problem in refused.problems:
            assert problem.line == 2
            assert problem.field in {"period", "värde"}
            assert problem.message
    else:
        assert report.created + len(report.not_published) == 1
