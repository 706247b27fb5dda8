"""The åtgärdsplan as a document: DOCX (landscape A4) and PDF (WeasyPrint), in Brå's table.

The plan's facts (decision, review date, lägesbild), then one section per prioritised problem
with its measures in Brå's columns — Orsak | Åtgärd | Operativa mål | När | Vem | Uppföljning —
the follow-up cell in the measure's traffic-light colour with the reason. Measures that work on
no cause of a problem close the document. Both formats render one ``PlanDocument``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt, RGBColor

from trygg.accounts.models import AnyUser
from trygg.analysis.charts import swedish_number
from trygg.lib import documents, lights, word
from trygg.lib.documents import day
from trygg.plans.effects import IndicatorReading, read_indicators
from trygg.plans.models import ActionPlan, Measure


def number(value: Decimal | int | float) -> str:
    """450000 → "450 000", Decimal("12.50") → "12,5"."""
    value = Decimal(str(value)).normalize()
    exponent = value.as_tuple().exponent
    decimals = min(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 0
    return swedish_number(float(value), decimals)


def bra_headers() -> list[str]:
    """Brå's columns, in the plan page's words."""
    return [_("Cause"), _("Measure"), _("Operational goal"), _("When"), _("Who"), _("Follow-up")]


Line = tuple[str, dict[str, object]]  # text and its run style (bold, italic)


@dataclass
class MeasureRow:
    """One measure as a row of Brå's table; each cell a list of lines."""

    measure: Measure
    cells: list[list[Line]]
    light: str

    @property
    def texts(self) -> list[str]:
        return ["\n".join(text for text, _style in lines) for lines in self.cells]


@dataclass
class ProblemSection:
    heading: str
    priority_area: str
    description: str
    rows: list[MeasureRow] = field(default_factory=list)


@dataclass
class PlanDocument:
    plan: ActionPlan
    facts: list[tuple[str, str]]
    tally: str
    sections: list[ProblemSection]
    headers: list[str]


def _when(measure: Measure) -> str:
    if measure.starts_on and measure.ends_on:
        return f"{day(measure.starts_on)} – {day(measure.ends_on)}"
    if measure.starts_on:
        return _("from %(day)s") % {"day": day(measure.starts_on)}
    if measure.ends_on:
        return _("until %(day)s") % {"day": day(measure.ends_on)}
    return "–"


def _value(value: float | None) -> str:
    return "–" if value is None else number(round(value, 2))


def _goal(measure: Measure, readings: dict[int, IndicatorReading]) -> list[Line]:
    lines: list[Line] = []
    if measure.operational_goal:
        lines.append((measure.operational_goal, {}))
    indicator = getattr(measure, "indicator", None)
    if indicator is not None:
        reading = readings[indicator.pk]
        target = _("from %(baseline)s to %(target)s by %(day)s") % {
            "baseline": _value(reading.baseline.value),
            "target": _value(reading.target),
            "day": day(reading.target_on),
        }
        text = _("Measurable target: %(name)s, %(target)s") % {
            "name": indicator.name,
            "target": target,
        }
        if reading.current.value is not None:
            latest = _("latest value %(value)s") % {"value": _value(reading.current.value)}
            text += f"; {latest}"
            if reading.current.on:
                text += f" ({day(reading.current.on)})"
        lines.append((text, {"italic": True}))
    return lines or [("–", {})]


def _measure_lines(measure: Measure) -> list[Line]:
    lines: list[Line] = [(measure.title, {"bold": True})]
    if measure.description:
        lines.append((measure.description, {}))
    lines.append((str(measure.get_kind_display()).capitalize(), {"italic": True}))
    if measure.funding_source or measure.funding_amount:
        funding = ", ".join(
            part
            for part in (
                measure.funding_source,
                f"{number(measure.funding_amount)} kr" if measure.funding_amount else "",
                str(measure.get_funding_state_display()) if measure.funding_state else "",
            )
            if part
        )
        lines.append((_("Funding: %(funding)s") % {"funding": funding}, {}))
    return lines


def _who(measure: Measure) -> list[Line]:
    lines: list[Line] = [(str(measure.responsible_organisation), {"bold": True})]
    lines += [(text, {}) for text in (measure.contact_name, measure.contact_email) if text]
    partners = ", ".join(str(o) for o in measure.partners.all())
    if partners:
        lines.append((_("Partners: %(names)s") % {"names": partners}, {"italic": True}))
    return lines


def _follow_up(measure: Measure, today: dt.date) -> list[Line]:
    lines: list[Line] = [(light_label(measure.status), {"bold": True})]
    if measure.status_reason:
        lines.append((measure.status_reason, {}))
    latest = next(iter(measure.follow_ups.all()), None)
    if latest is not None:
        lines.append((_("Followed up %(day)s") % {"day": day(latest.on)}, {"italic": True}))
    if measure.next_follow_up_on:
        text = _("Next follow-up %(day)s") % {"day": day(measure.next_follow_up_on)}
        if measure.follow_up_overdue(today):
            overdue = _("overdue")
            text += f" ({overdue})"
        lines.append((text, {"italic": True}))
    return lines


def light_label(status: str) -> str:
    """ "Grön – enligt plan": the colour's name, so a black-and-white print still says it."""
    light = lights.light(status)
    return f"{light.colour} – {light.label}"


def _row(
    measure: Measure, causes: list[str], readings: dict[int, IndicatorReading], today: dt.date
) -> MeasureRow:
    return MeasureRow(
        measure,
        [
            [(c, {}) for c in causes] or [("–", {})],
            _measure_lines(measure),
            _goal(measure, readings),
            [(_when(measure), {})],
            _who(measure),
            _follow_up(measure, today),
        ],
        measure.status,
    )


def plan_facts(plan: ActionPlan) -> list[tuple[str, str]]:
    facts = [
        (_("Area"), str(plan.area)),
        (_("Period"), f"{day(plan.period_start)} – {day(plan.period_end)}"),
    ]
    if plan.decided_at:
        decision = _("Decided by %(body)s on %(day)s") % {
            "body": plan.decided_by or "–",
            "day": day(plan.decided_at),
        }
        if plan.is_superseded:
            decision += f" ({plan.get_status_display()})"
    else:
        decision = str(plan.get_status_display()).capitalize()
    facts.append((_("Status"), decision))
    facts.append((_("Review by"), day(plan.review_date)))
    report = plan.situation_report
    if report is not None:
        based = report.title
        if report.approved_at:
            based += " (%s)" % (_("approved %(day)s") % {"day": day(report.approved_at)})
        facts.append((_("Based on the lägesbild"), based))
    elif plan.situation_report_title:
        based = plan.situation_report_title
        if plan.situation_report_date:
            based += f" ({day(plan.situation_report_date)})"
        facts.append((_("Based on the lägesbild"), based))
    facts.append((_("Printed"), day(timezone.localdate())))
    return facts


def _tally(measures: list[Measure]) -> str:
    counts = {light: sum(1 for m in measures if m.status == light.value) for light in lights.LIGHTS}
    return _("%(total)s measures: green %(green)s, yellow %(yellow)s, red %(red)s") % {
        "total": len(measures),
        "green": counts[lights.GRON],
        "yellow": counts[lights.GUL],
        "red": counts[lights.ROD],
    }


def plan_document(plan: ActionPlan, user: AnyUser, today: dt.date | None = None) -> PlanDocument:
    """The plan as it is printed for the user, problem by problem (priority order).

    The user matters for computed indicators: their values need areas the user may analyse.
    """
    today = today or timezone.localdate()
    measures = list(
        plan.measures.select_related("responsible_organisation", "indicator__series")
        .prefetch_related(
            "causes",
            "partners",
            "follow_ups",
            "categories",
            "indicator__areas",
            "indicator__categories",
        )
        .order_by("title")
    )
    indicators = []
    for measure in measures:
        indicator = getattr(measure, "indicator", None)
        if indicator is not None:
            indicator.measure = measure  # its areas and categories default to the measure's
            indicators.append(indicator)
    readings = read_indicators(user, indicators, today)  # as the measure page shows them
    problems = plan.problems.select_related("priority_area").prefetch_related(Prefetch("causes"))
    sections = []
    placed: set[int] = set()
    for number_, problem in enumerate(problems, start=1):
        cause_ids = {c.pk for c in problem.causes.all()}
        section = ProblemSection(
            f"{number_}. {problem.title}",
            problem.priority_area.name
            if problem.priority_area and problem.priority_area.name != problem.title
            else "",
            problem.description,
        )
        for measure in measures:
            causes = [c.title for c in measure.causes.all() if c.pk in cause_ids]
            if causes:
                section.rows.append(_row(measure, causes, readings, today))
                placed.add(measure.pk)
        sections.append(section)
    rest = [m for m in measures if m.pk not in placed]
    if rest:
        sections.append(
            ProblemSection(
                _("Measures not linked to a prioritised problem"),
                "",
                "",
                [_row(m, [], readings, today) for m in rest],
            )
        )
    return PlanDocument(plan, plan_facts(plan), _tally(measures), sections, bra_headers())


# DOCX --------------------------------------------------------------------------------------

# Landscape A4 less 1.6 cm margins: 26.5 cm, shared out by how much each column holds.
COLUMN_WIDTHS = [Cm(3.8), Cm(5.4), Cm(4.8), Cm(3.0), Cm(4.8), Cm(4.7)]


def _docx_table(document: DocumentObject, section: ProblemSection, headers: list[str]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):
        column.width = width  # the grid LibreOffice lays out by
    header = table.rows[0]
    word.repeat_header(header)
    for cell, text, width in zip(header.cells, headers, COLUMN_WIDTHS, strict=True):
        cell.width = width
        word.cell_lines(cell, [(text, {"bold": True})], size=Pt(9.5))
        word.shade(cell, "EEF3F8")
        cell.paragraphs[0].paragraph_format.keep_with_next = True  # not alone at a page's foot
    for row in section.rows:
        cells = table.add_row()
        word.keep_row_together(cells)
        for i, (cell, lines, width) in enumerate(
            zip(cells.cells, row.cells, COLUMN_WIDTHS, strict=True)
        ):
            cell.width = width
            if i == len(row.cells) - 1:
                light = lights.light(row.light)
                word.shade(cell, light.fill)
                ink = RGBColor.from_string(light.text)
                lines = [(t, {**s, "color": ink}) for t, s in lines]
            word.cell_lines(cell, lines, size=Pt(9))


def render_docx(doc: PlanDocument) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render_docx(doc)


def _render_docx(doc: PlanDocument) -> bytes:
    plan = doc.plan
    document = Document()
    word.setup_a4(document, title=plan.title, landscape=True, margin=Cm(1.6), size=Pt(10))
    word.page_footer(document, plan.title, _("page"))
    document.add_heading(plan.title, level=0)
    for label, value in doc.facts:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if plan.summary:
        document.add_paragraph(plan.summary).paragraph_format.space_before = Pt(8)
    document.add_paragraph(doc.tally).runs[0].italic = True
    for section in doc.sections:
        document.add_heading(section.heading, level=1)
        if section.priority_area:
            line = document.add_paragraph(
                _("Agreement priority area: %(name)s") % {"name": section.priority_area}
            )
            line.runs[0].italic = True
            line.paragraph_format.keep_with_next = True
        if section.description:
            document.add_paragraph(section.description).paragraph_format.keep_with_next = True
        if section.rows:
            _docx_table(document, section, doc.headers)
        else:
            document.add_paragraph(_("No measures yet.")).runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# PDF ---------------------------------------------------------------------------------------


def render_pdf(doc: PlanDocument) -> bytes:
    return documents.pdf("plans/print.html", {"doc": doc})


RENDERERS: dict[str, Callable[[PlanDocument], bytes]] = {"docx": render_docx, "pdf": render_pdf}
