"""read_columns gives the same headers, cells and line numbers as read_table, or says the file
needs the row reader."""

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from trygg.lib.csvio import NotColumnar, TableError, read_columns, read_table


def same_table(data: bytes, filename: str = "f.csv") -> bool:
    """Whether read_columns agrees with read_table; False when it leaves the file to it."""
    try:
        rows = read_table(data, filename)
    except TableError as error:
        with pytest.raises(TableError) as caught:
            read_columns(data, filename)
        assert str(caught.value) == str(error)
        return True
    try:
        columns = read_columns(data, filename)
    except NotColumnar:
        return False
    assert columns.headers == rows.headers
    assert columns.lines.tolist() == [r.line for r in rows.rows]
    for header in rows.headers:
        assert columns.columns[header].to_pylist() == [r.values[header] for r in rows.rows]
    return True


_cell = st.one_of(
    st.text(alphabet="ab;,\"' \t\u00a0\u2003\x1cåÖ€", max_size=6),
    st.sampled_from(["", " ", "2023-09-14", "59,31", '"quoted; cell"', '"a""b"']),
)


@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(
        st.sampled_from(["kategori", "Tid punkt", " x ", "y"]), min_size=1, max_size=4, unique=True
    ),  # fmt: skip
    rows=st.lists(st.lists(_cell, min_size=0, max_size=5), max_size=6),
    delimiter=st.sampled_from([";", ","]),
    newline=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    lead=st.sampled_from(["", "\n", "sep=;\n", " ; \n"]),
)
def test_columns_equal_rows(header, rows, delimiter, newline, encoding, lead):
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = lead + newline.join(lines) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    event("columnar" if same_table(data) else "left to the row reader")


@pytest.mark.parametrize(
    "text",
    [
        "a;b\r\n1;2\r\n\r\n;\r\n3;4\r\n",  # blank and empty-celled rows keep their line numbers
        "\r\n\r\na;b;;\r\n1;2;;\r\n",  # Excel's trailing empty columns
        "a;b\r\n",  # no rows
        'a,b\n"x, y",2\n',
    ],
)
def test_known_layouts_are_read_columnwise(text):
    assert same_table(text.encode("utf-8"))


@pytest.mark.parametrize(
    "text", ['a;b\r\n"two\r\nlines";2\r\n', "a;b\r\n1;2;3\r\n", "a;b\r\n1\r\n", "a;b\r1;2\r"]
)
def test_layouts_for_the_row_reader(text):
    with pytest.raises(NotColumnar):
        read_columns(text.encode("utf-8"), "f.csv")
    read_table(text.encode("utf-8"), "f.csv")


def test_unreadable_files_fail_alike():
    for data, name in [(b"", "f.csv"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "f.xls"),
                       (b"x", "f.xlsx"), (b"\n \n", "f.csv")]:  # fmt: skip
        assert same_table(data, name)
