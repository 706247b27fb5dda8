"""The lägesbild as a Word document: title page, table of contents, sections, tables, charts,
page numbers."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from lxml import etree

from trygg.lib import word
from trygg.lib.lights import light
from trygg.reports.content import BlockView, DocumentView, Progress
from trygg.reports.markup import Paragraph


def _fld_char(kind: str) -> BaseOxmlElement | etree._Element:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")
    return element


def _toc(document: DocumentObject, doc: DocumentView) -> None:
    """A TOC field whose shown result already lists the sections and blocks.

    Word rebuilds it with page numbers when the file opens (``updateFields``); LibreOffice
    shows the stored result as it is, so the result must be the real contents, not a hint.
    """
    entries = [
        (level, text)
        for part in doc.sections
        if part.blocks
        for level, text in [(1, part.label), *((2, b.title) for b in part.blocks)]
    ]
    entries.append((0, _("Page numbers are filled in when the table of contents is updated.")))
    paragraphs = [document.add_paragraph() for _entry in entries]
    first = paragraphs[0].add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = r'TOC \o "1-2" \h \z \u'
    for element in (_fld_char("begin"), instruction, _fld_char("separate")):
        first._r.append(element)
    for paragraph, (level, text) in zip(paragraphs, entries, strict=True):
        run = paragraph.add_run(text)
        paragraph.paragraph_format.space_after = Pt(2)
        if level == 1:
            run.bold = True
        elif level == 2:
            paragraph.paragraph_format.left_indent = Cm(0.6)
        else:
            run.italic = True
            run.font.size = Pt(9)
            paragraph.paragraph_format.space_before = Pt(6)
    paragraphs[-1].add_run()._r.append(_fld_char("end"))


def _paragraphs(
    document: DocumentObject, items: list[Paragraph], keep_with_next: bool = False
) -> None:
    """The block's text; ``keep_with_next`` keeps it on the page of the chart that follows."""
    for item in items:
        if item.style == "heading":
            paragraph = document.add_heading(level=3)
        elif item.style == "bullet":
            paragraph = document.add_paragraph(style="List Bullet")
        else:
            paragraph = document.add_paragraph()
        for piece in item.runs:
            run = paragraph.add_run(piece.text)
            run.bold = piece.bold or None
            run.italic = piece.italic or None
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True


TEXT_WIDTH = Cm(16.6)  # A4 less the margins


def _widths(table: Table, widths: Sequence[int]) -> None:
    """Fixed column widths, set on the grid and on every cell (Word reads one, LibreOffice
    the other)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for row in table.rows:
        column = 0
        for tc in row._tr.tc_lst:  # a merged cell spans several columns
            tc.width = sum(widths[column : column + tc.grid_span])
            column += tc.grid_span


def _table(document: DocumentObject, block: BlockView) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Light Grid Accent 1"
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=False)):
            cell.text = text
            if i in block.numeric_columns:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    columns = len(block.headers)
    if columns > 8:  # the weekday × hour table: small type and narrow columns to fit the page
        first: int = Cm(1.9)
        _widths(table, [first] + [int((TEXT_WIDTH - first) / (columns - 1))] * (columns - 1))
        for row in table.rows:
            for cell in row.cells:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(6)
                _cell_margins(cell, Cm(0.02))
    elif block.numeric_columns and 0 not in block.numeric_columns and columns > 1:
        # A label and its numbers: room for the label, the numbers share the rest.
        first = min(Cm(7.5), int(TEXT_WIDTH * 0.45))
        _widths(table, [first] + [int((TEXT_WIDTH - first) / (columns - 1))] * (columns - 1))


def _cell_margins(cell: _Cell, margin: int) -> None:
    margins = OxmlElement("w:tcMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(margin / 635)))  # EMU to twentieths of a point
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    cell._tc.get_or_add_tcPr().append(margins)


def _measures_table(document: DocumentObject, block: BlockView) -> None:
    """Priorities as full-width rows, each followed by its measures with coloured lights."""
    headers = block.headers[1:]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(4.6), Cm(4.3), Cm(3.8), Cm(3.9)][: len(headers)]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
        word.shade(cell, "EEF3F8")
    for label, rows in block.groups:
        merged = table.add_row().cells
        merged[0].merge(merged[-1])
        merged[0].text = label
        merged[0].paragraphs[0].runs[0].bold = True
        word.shade(merged[0], "DCE6F1")
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                cell.text = value.text
                if value.status:
                    colours = light(value.status)
                    word.shade(cell, colours.fill)
                    run = cell.paragraphs[0].runs[0]
                    run.bold = True
                    run.font.color.rgb = RGBColor.from_string(colours.text)
    _widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)


def render(doc: DocumentView, progress: Progress | None = None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(doc, progress or (lambda done, total: None))


def _render(doc: DocumentView, progress: Progress) -> bytes:
    report = doc.report
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    document.core_properties.title = report.title
    document.core_properties.language = "sv-SE"
    styles = document.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{report.title} – {_('page')} ")
    word.field(footer, "PAGE", "1")

    document.add_heading(report.title, level=0)
    document.add_paragraph(str(report.area))
    document.add_paragraph(doc.period_line)
    document.add_paragraph(doc.status_line)
    if report.version > 1:
        document.add_paragraph(_("Version %(version)s") % {"version": report.version})

    document.add_paragraph(_("Contents"), style="TOC Heading")
    _toc(document, doc)
    word.update_fields_on_open(document)
    document.add_page_break()

    total, done = len(doc.blocks) + 1, 0
    for part in doc.sections:
        if not part.blocks:
            continue
        document.add_heading(part.label, level=1)
        for block in part.blocks:
            document.add_heading(block.title, level=2)
            _paragraphs(document, block.paragraphs, keep_with_next=bool(block.png))
            if block.error:
                document.add_paragraph(block.error).runs[0].italic = True
            if block.png:
                document.add_picture(io.BytesIO(block.png), width=Cm(16))
            if block.figure and block.rows and block.statuses:
                _measures_table(document, block)
            elif block.figure and block.rows:
                _table(document, block)
            if block.note:
                note = document.add_paragraph(block.note)
                note.runs[0].italic = True
                note.runs[0].font.size = Pt(9)
            done += 1
            progress(done, total)
    buffer = io.BytesIO()
    document.save(buffer)
    progress(total, total)
    return buffer.getvalue()
