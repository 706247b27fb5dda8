"""The council deck (16:9): a title slide, one slide per block, charts as pictures with their
numbers in the speaker notes."""

from __future__ import annotations

import io
import struct

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationObject
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.util import Emu, Inches, Length, Pt

from trygg.lib.lights import light
from trygg.reports.content import BlockView, Cell, DocumentView, Progress

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
BRAND = RGBColor(0x0B, 0x4F, 0x8A)
TITLE_ONLY = 5
MAX_TABLE_ROWS = 14
MEASURE_ROW = Inches(0.28)  # one line of 11 pt in a table cell
WIDE_CHART = 2.2  # charts wider than this (width / height) go under the text


def _title(slide: Slide, text: str) -> None:
    shape = slide.shapes.title
    assert shape is not None  # the layouts used have a title
    shape.left, shape.top, shape.width, shape.height = (
        MARGIN,
        Inches(0.35),
        Emu(WIDTH - 2 * MARGIN),
        Inches(1.0),
    )
    shape.text = text
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.font.size = Pt(30)
    paragraph.font.bold = True
    paragraph.font.color.rgb = BRAND


def _text(
    slide: Slide,
    block: BlockView,
    left: float,
    top: float,
    width: float,
    height: float,
    size: Length | None = None,
) -> None:
    # The box's place in EMU as python-pptx's Lengths (whole EMU, as its XML writes them).
    place = (Emu(int(left)), Emu(int(top)), Emu(int(width)), Emu(int(height)))
    frame = slide.shapes.add_textbox(*place).text_frame
    frame.word_wrap = True
    if size is None:
        words = sum(len(p.text.split()) for p in block.paragraphs)
        size = Pt(20 if words < 90 else 16 if words < 180 else 12)
    first = True
    for item in block.paragraphs:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        prefix = "• " if item.style == "bullet" else ""
        for i, piece in enumerate(item.runs):
            run = paragraph.add_run()
            run.text = (prefix if i == 0 else "") + piece.text
            run.font.size = size
            run.font.bold = piece.bold or item.style == "heading" or None
            run.font.italic = piece.italic or None
        paragraph.space_after = Pt(6)


def _table_pages(rows: list[list[str]], first: int, others: int) -> list[list[list[str]]]:
    """The rows of a table per slide: ``first`` on the block's slide, ``others`` on each
    following one, so that no row is left out."""
    pages = [rows[:first]]
    for start in range(first, len(rows), others):
        pages.append(rows[start : start + others])
    return pages


def _table(
    slide: Slide, block: BlockView, rows: list[list[str]], left: int, top: int, width: int
) -> None:
    shape = slide.shapes.add_table(
        len(rows) + 1, len(block.headers), Emu(left), Emu(top), Emu(width), Inches(0.4)
    )
    table = shape.table
    size = Pt(14 if len(block.headers) <= 5 else 10)
    for j, header in enumerate(block.headers):
        table.cell(0, j).text = header
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row[: len(block.headers)]):
            table.cell(i, j).text = text
    for cell in (table.cell(i, j) for i in range(len(rows) + 1) for j in range(len(block.headers))):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = size


def _aspect(png: bytes) -> float:
    """Width over height of a PNG (from its header)."""
    width, height = struct.unpack(">II", png[16:24])
    return width / height if height else 1.0


def _fill(cell: _Cell, hex_colour: str) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(hex_colour)


def _measure_pages(
    block: BlockView, first: int, others: int
) -> list[list[tuple[str, list[Cell] | None]]]:
    """The measures as table rows per slide (``first`` rows fit on the block's slide,
    ``others`` on each following one): ("priority", None) starts a group; a group that goes on
    to the next slide is named again there."""
    pages: list[list[tuple[str, list[Cell] | None]]] = [[]]

    def room() -> int:
        return (first if len(pages) == 1 else others) - len(pages[-1])

    for label, rows in block.groups:
        if room() < 2:
            pages.append([])
        pages[-1].append((label, None))
        for row in rows:
            if room() < 1:
                pages.append([(label, None)])
            pages[-1].append((label, row))
    return pages


def _measures_table(
    slide: Slide,
    block: BlockView,
    rows: list[tuple[str, list[Cell] | None]],
    left: int,
    top: int,
    width: int,
) -> None:
    """Measure | Responsible | Status, under full-width priority rows; each light is a
    coloured dot and word in a tinted cell."""
    headers = block.headers[1:4]
    shape = slide.shapes.add_table(
        len(rows) + 1, len(headers), Emu(left), Emu(top), Emu(width), Inches(0.3)
    )
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    shares = (0.46, 0.30, 0.24)
    for j, share in enumerate(shares[: len(headers)]):
        table.columns[j].width = int(width * share)
    size = Pt(11)
    for j, header in enumerate(headers):
        table.cell(0, j).text = header
    table.rows[0].height = MEASURE_ROW
    for i, (label, row) in enumerate(rows, start=1):
        table.rows[i].height = MEASURE_ROW
        if row is None:
            first = table.cell(i, 0)
            first.merge(table.cell(i, len(headers) - 1))
            first.text = label
            first.text_frame.paragraphs[0].font.bold = True
            _fill(first, "DCE6F1")
            continue
        for j, cell in enumerate(row[: len(headers)]):
            target = table.cell(i, j)
            _fill(target, "FFFFFF")
            if cell.status:
                colours = light(cell.status)
                _fill(target, colours.fill)
                paragraph = target.text_frame.paragraphs[0]
                dot = paragraph.add_run()
                dot.text = "● "
                dot.font.color.rgb = RGBColor.from_string(colours.text)
                word = paragraph.add_run()
                word.text = cell.text
                word.font.bold = True
                word.font.color.rgb = RGBColor.from_string(colours.text)
            else:
                target.text = cell.text
    for i in range(len(rows) + 1):
        for j in range(len(headers)):
            table.cell(i, j).margin_top = table.cell(i, j).margin_bottom = Inches(0.03)
            for paragraph in table.cell(i, j).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size
    shape.height = sum(row.height for row in table.rows)


def _cover(deck: PresentationObject, doc: DocumentView) -> None:
    """The title slide: the title in the brand colour above a rule, then area, period and
    approval, placed for 16:9 (the default layout's placeholders are drawn for 4:3)."""
    report = doc.report
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    title = cover.shapes.title
    title.left, title.top, title.width, title.height = (
        MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(2.2),
    )  # fmt: skip
    title.text = report.title
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.font.size = Pt(40)
        paragraph.font.bold = True
        paragraph.font.color.rgb = BRAND
    rule = cover.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, MARGIN, Inches(3.95), WIDTH - 2 * MARGIN, Inches(0.06)
    )
    rule.fill.solid()
    rule.fill.fore_color.rgb = BRAND
    rule.line.fill.background()
    subtitle = cover.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN, Inches(4.2), WIDTH - 2 * MARGIN, Inches(2.4),
    )  # fmt: skip
    lines = [str(report.area), doc.period_line, doc.status_line]
    if report.version > 1:
        lines.append(_("Version %(version)s") % {"version": report.version})
    subtitle.text = "\n".join(lines)
    subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    for paragraph in subtitle.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.font.size = Pt(20)
        paragraph.font.color.rgb = RGBColor(0x33, 0x33, 0x33)


def render(doc: DocumentView, progress: Progress | None = None) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(doc, progress or (lambda done, total: None))


def _render(doc: DocumentView, progress: Progress) -> bytes:
    report = doc.report
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = report.title
    deck.core_properties.language = "sv-SE"

    _cover(deck, doc)

    body_top: int = Inches(1.45)
    body_height = HEIGHT - body_top - Inches(0.4)
    body_width = WIDTH - 2 * MARGIN
    total, done = len(doc.blocks) + 1, 0
    for part in doc.sections:
        for block in part.blocks:
            slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
            _title(slide, block.title)
            notes = [part.label]
            has_text = bool(block.paragraphs)
            if block.figure and block.rows and block.statuses:
                first, top = slide, body_top
                if has_text:
                    _text(slide, block, MARGIN, body_top, body_width, Inches(0.8), Pt(14))
                    top = body_top + Inches(0.85)
                bottom = HEIGHT - Inches(0.3)
                pages = _measure_pages(
                    block,
                    int((bottom - top) / MEASURE_ROW) - 1,
                    int((bottom - body_top) / MEASURE_ROW) - 1,
                )
                for number, rows in enumerate(pages):
                    if number:
                        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
                        _title(slide, _("%(title)s (continued)") % {"title": block.title})
                        slide.notes_slide.notes_text_frame.text = block.notes
                        top = body_top
                    _measures_table(slide, block, rows, MARGIN, top, body_width)
                slide = first  # the notes below go under the block's first slide
            elif block.png and has_text and _aspect(block.png) > WIDE_CHART:
                # A wide chart (many categories) under the text, across the slide.
                _text(slide, block, MARGIN, body_top, body_width, Inches(1.0), Pt(16))
                top = body_top + Inches(1.1)
                picture = slide.shapes.add_picture(
                    io.BytesIO(block.png), MARGIN, top, width=int(body_width)
                )
                room = HEIGHT - top - Inches(0.3)
                if picture.height > room:
                    ratio = room / picture.height
                    picture.height = int(room)
                    picture.width = int(picture.width * ratio)
            elif block.png:
                picture_width = body_width * (0.62 if has_text else 1)
                picture = slide.shapes.add_picture(
                    io.BytesIO(block.png), MARGIN, body_top, width=int(picture_width)
                )
                if picture.height > body_height:  # keep the whole chart on the slide
                    ratio = body_height / picture.height
                    picture.height = int(body_height)
                    picture.width = int(picture.width * ratio)
                if has_text:
                    left = MARGIN + picture_width + Inches(0.3)
                    _text(slide, block, left, body_top, WIDTH - left - MARGIN, body_height)
            elif block.figure and block.rows:
                first = slide
                if has_text:
                    _text(slide, block, MARGIN, body_top, body_width, Inches(1.5))
                table_pages = _table_pages(
                    block.rows, MAX_TABLE_ROWS - (5 if has_text else 0), MAX_TABLE_ROWS
                )
                for number, table_rows in enumerate(table_pages):
                    top = body_top + (Inches(1.6) if has_text else 0)
                    if number:  # a long table goes on over more slides, as the measures do
                        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
                        _title(slide, _("%(title)s (continued)") % {"title": block.title})
                        slide.notes_slide.notes_text_frame.text = block.notes
                        top = body_top
                    _table(slide, block, table_rows, MARGIN, top, body_width)
                slide = first  # the notes below go under the block's first slide
            else:
                _text(slide, block, MARGIN, body_top, body_width, body_height)
            if block.error:
                notes.append(block.error)
            if block.figure:
                notes.append(block.notes)
            slide.notes_slide.notes_text_frame.text = "\n".join(notes)
            done += 1
            progress(done, total)
    buffer = io.BytesIO()
    deck.save(buffer)
    progress(total, total)
    return buffer.getvalue()
