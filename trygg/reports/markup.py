"""The blocks' text: Markdown for authors, sanitised HTML for pages and the PDF.

Authors write a small Markdown (paragraphs, **bold**, *italic*, lists, headings, links); the
HTML that Markdown produces is cleaned by nh3 so no script or style can reach a reader, even if
someone pastes HTML into a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h3", "h4", "h5", "blockquote",
    "a", "code", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
    )
    return mark_safe(cleaned)  # cleaned by nh3 just above


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """One paragraph for DOCX and PPTX: ``style`` is "heading", "bullet" or "body"."""

    runs: tuple[Run, ...]
    style: str = "body"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


_INLINE = re.compile(r"(\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def _runs(line: str) -> tuple[Run, ...]:
    line = _LINK.sub(r"\1", line)
    runs = []
    for piece in _INLINE.split(line):
        if not piece:
            continue
        if piece[:2] in ("**", "__") and piece[-2:] == piece[:2] and len(piece) > 4:
            runs.append(Run(piece[2:-2], bold=True))
        elif piece[0] in "*_" and piece[-1] == piece[0] and len(piece) > 2:
            runs.append(Run(piece[1:-1], italic=True))
        else:
            runs.append(Run(piece))
    return tuple(runs)


def paragraphs(text: str) -> list[Paragraph]:
    """The Markdown as paragraphs for the office formats (which have no HTML)."""
    found: list[Paragraph] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            found.append(Paragraph(_runs(" ".join(buffer))))
            buffer.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            found.append(Paragraph(_runs(line.lstrip("#").strip()), "heading"))
        elif re.match(r"^([-*•]|\d+[.)])\s+", line):
            flush()
            found.append(Paragraph(_runs(re.sub(r"^([-*•]|\d+[.)])\s+", "", line)), "bullet"))
        else:
            buffer.append(line)
    flush()
    return found
