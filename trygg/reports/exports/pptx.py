"""The council deck (16:9): a title slide, one slide per block, charts as pictures with their
numbers in the speaker notes."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from trygg.reports.content import BlockView, DocumentView

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
BRAND = RGBColor(0x0B, 0x4F, 0x8A)
TITLE_ONLY = 5
MAX_TABLE_ROWS = 14


def _title(slide, text: str) -> None:  # type: ignore[no-untyped-def]
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = (
        MARGIN,
        Inches(0.35),
        WIDTH - 2 * MARGIN,
        Inches(1.0),
    )
    shape.text = text
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.font.size = Pt(30)
    paragraph.font.bold = True
    paragraph.font.color.rgb = BRAND


def _text(slide, block: BlockView, left: Emu, top: Emu, width: Emu, height: Emu) -> None:  # type: ignore[no-untyped-def]
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
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


def _table(slide, block: BlockView, left: Emu, top: Emu, width: Emu) -> None:  # type: ignore[no-untyped-def]
    rows = block.rows[:MAX_TABLE_ROWS]
    shape = slide.shapes.add_table(len(rows) + 1, len(block.headers), left, top, width, Inches(0.4))
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


def render(doc: DocumentView) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(doc)


def _render(doc: DocumentView) -> bytes:
    report = doc.report
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = report.title
    deck.core_properties.language = "sv-SE"

    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = report.title
    cover.shapes.title.width = WIDTH - 2 * MARGIN
    cover.shapes.title.left = MARGIN
    subtitle = cover.placeholders[1]
    subtitle.left, subtitle.width = MARGIN, WIDTH - 2 * MARGIN
    subtitle.text = f"{report.area}\n{doc.period_line}\n{doc.status_line}"

    body_top = Inches(1.45)
    body_height = HEIGHT - body_top - Inches(0.4)
    body_width = WIDTH - 2 * MARGIN
    for part in doc.sections:
        for block in part.blocks:
            slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
            _title(slide, block.title)
            notes = [part.label]
            has_text = bool(block.paragraphs)
            if block.png:
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
                if has_text:
                    _text(slide, block, MARGIN, body_top, body_width, Inches(1.5))
                _table(
                    slide, block, MARGIN, body_top + (Inches(1.6) if has_text else 0), body_width
                )
            else:
                _text(slide, block, MARGIN, body_top, body_width, body_height)
            if block.error:
                notes.append(block.error)
            if block.figure:
                notes.append(block.notes)
            slide.notes_slide.notes_text_frame.text = "\n".join(notes)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
