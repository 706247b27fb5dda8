"""Files as Swedish offices save them, and values put in place the way imports do."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from trygg.incidents.models import Category
from trygg.lib.periods import parse_period
from trygg.statistics.models import StatisticSeries, StatisticValue, Unit

HEADER = "serie;område;kategori;period;värde;enhet;källa;anteckning"


def excel_csv(*lines: str) -> bytes:
    """A CSV as Swedish Excel saves "CSV UTF-8": BOM, semicolons, CRLF."""
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def workbook(*rows: list[object]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def crimes(db):
    return StatisticSeries.objects.create(
        name="Anmälda brott (Polisen)",
        code="anmalda-brott",
        source="Polisen, anmälda brott",
        unit=Unit.ANTAL,
    )


@pytest.fixture
def survey(db):
    return StatisticSeries.objects.create(
        name="Otrygghet sen kväll", code="otrygghet", unit=Unit.ANDEL, is_demo=True
    )


@pytest.fixture
def value():
    """``value(series, area, "2021/22", 12, category="narkotikabrott")`` stores one figure."""

    def make(series, area, period, number, category=None, note=""):
        p = parse_period(period)
        return StatisticValue.objects.create(
            series=series,
            area=area,
            category=Category.objects.get(code=category) if category else None,
            period_kind=p.kind,
            period_start=p.start,
            period_end=p.end,
            value=Decimal(str(number)),
            note=note,
        )

    return make
