from hypothesis import given
from hypothesis import strategies as st

from trygg.lib.text import title_case


def test_title_case_swedish_names():
    assert title_case("HÄGERSTENSÅSEN") == "Hägerstensåsen"
    assert title_case("ÖRBY SLOTT") == "Örby Slott"
    assert title_case("HÄGERSTEN-ÄLVSJÖ") == "Hägersten-Älvsjö"
    assert title_case("  västra   skogen ") == "Västra Skogen"


@given(st.text(alphabet="abcåäöABCÅÄÖ -", max_size=30))
def test_title_case_is_idempotent_and_case_insensitive(name):
    once = title_case(name)
    assert title_case(once) == once
    assert title_case(name.upper()) == once
