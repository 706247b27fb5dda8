"""Word documents with python-docx: A4 page set-up, fields (page numbers, a table of contents)
that Word and LibreOffice compute on opening, footers, shaded table cells and header rows that
repeat on every page.

Shared by every DOCX export (the lägesbild, the åtgärdsplan, meeting agendas and minutes).
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BRAND = RGBColor(0x0B, 0x4F, 0x8A)
A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
MARGIN = Cm(2.2)
BODY_SIZE = Pt(11)


def field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC…); Word and LibreOffice compute it when the file opens."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def update_fields_on_open(document: DocumentObject) -> None:
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def setup_a4(
    document: DocumentObject,
    *,
    title: str,
    landscape: bool = False,
    margin: Any = MARGIN,
    font: str = "Calibri",
    size: Any = BODY_SIZE,
) -> None:
    """A4 (portrait or landscape), Swedish, the body font and the document's title."""
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_LONG, A4_SHORT
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = Cm(2.0)
    document.core_properties.title = title
    document.core_properties.language = "sv-SE"
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = size


def page_footer(document: DocumentObject, text: str, page_word: str) -> None:
    """A centred footer on every page: "<text> – sida N"."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(f"{text} – {page_word} ")
    run.font.size = Pt(9)
    field(footer, "PAGE", "1")


def shade(cell: Any, fill: str) -> None:
    """Fill a table cell with a colour given as hex ("E9F6EC")."""
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def cell_fill(cell: Any) -> str | None:
    """The fill colour of a table cell (hex), or None: what ``shade`` set."""
    shading = cell._tc.get_or_add_tcPr().find(qn("w:shd"))
    return shading.get(qn("w:fill")) if shading is not None else None


def repeat_header(row: Any) -> None:
    """Print the row at the top of every page the table runs over."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def keep_row_together(row: Any) -> None:
    """Do not split the row across pages."""
    properties = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    properties.append(cant)


def cell_lines(cell: Any, lines: list[tuple[str, dict[str, Any]]], size: Any = None) -> None:
    """Write lines into a cell, each its own paragraph, with run options (bold, italic, colour)."""
    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(text)
        run.bold = style.get("bold") or None
        run.italic = style.get("italic") or None
        if style.get("color"):
            run.font.color.rgb = style["color"]
        if size or style.get("size"):
            run.font.size = style.get("size") or size


def keep_table_together(table: Any) -> None:
    """Keep a short table on one page (and with the heading before it)."""
    rows = list(table.rows)
    for row in rows:
        keep_row_together(row)
        if row is rows[-1]:
            continue
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
