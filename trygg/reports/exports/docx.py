"""The lägesbild as a Word document: title page, table of contents, sections, tables, charts,
page numbers."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from trygg.reports.content import BlockView, DocumentView
from trygg.reports.markup import Paragraph


def _field(paragraph, instruction: str, placeholder: str = "") -> None:  # type: ignore[no-untyped-def]
    """A Word field (PAGE, TOC…); Word and LibreOffice compute it when the file opens."""
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


def _update_fields_on_open(document) -> None:  # type: ignore[no-untyped-def]
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _paragraphs(document, items: list[Paragraph]) -> None:  # type: ignore[no-untyped-def]
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


def _table(document, block: BlockView) -> None:  # type: ignore[no-untyped-def]
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
    if len(block.headers) > 8:  # the weekday × hour table: small type so it fits the page
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(6)


def render(doc: DocumentView) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(doc)


def _render(doc: DocumentView) -> bytes:
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
    _field(footer, "PAGE", "1")

    document.add_heading(report.title, level=0)
    document.add_paragraph(str(report.area))
    document.add_paragraph(doc.period_line)
    document.add_paragraph(doc.status_line)
    if report.version > 1:
        document.add_paragraph(_("Version %(version)s") % {"version": report.version})

    document.add_heading(_("Contents"), level=1)
    _field(
        document.add_paragraph(),
        r'TOC \o "1-2" \h \z \u',
        _("The table of contents is updated when the document is opened (or press F9)."),
    )
    _update_fields_on_open(document)
    document.add_page_break()

    for part in doc.sections:
        if not part.blocks:
            continue
        document.add_heading(part.label, level=1)
        for block in part.blocks:
            document.add_heading(block.title, level=2)
            _paragraphs(document, block.paragraphs)
            if block.error:
                document.add_paragraph(block.error).runs[0].italic = True
            if block.png:
                document.add_picture(io.BytesIO(block.png), width=Cm(16))
            if block.figure and block.rows:
                _table(document, block)
            if block.note:
                note = document.add_paragraph(block.note)
                note.runs[0].italic = True
                note.runs[0].font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
