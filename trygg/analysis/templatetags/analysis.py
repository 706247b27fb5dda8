"""Template helpers for analysis tables: Swedish numbers and dates in cells."""

from __future__ import annotations

from datetime import date

from django import template

from trygg.analysis.charts import swedish_number

register = template.Library()


@register.filter
def cell(value: object) -> str:
    """A table cell as a Swedish reader expects it: "1 234", "12,5", "2023-09-01", "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return swedish_number(value)
    if isinstance(value, float):
        return swedish_number(value, 0 if value.is_integer() and abs(value) >= 100 else 1)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.filter
def p_value(value: float | None) -> str:
    """A p-value as the tables write it ("< 0,001", "0,042"); "–" for none."""
    from trygg.analysis.tables import p_text

    return "–" if value is None else p_text(value)


@register.filter
def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.inclusion_tag("analysis/_week.html", takes_context=True)
def week_at_a_glance(context: template.Context) -> dict[str, object]:
    """Översikt's EST block: this week against the previous eight, and what stands out."""
    from trygg.analysis.overview import overview_week

    request = context["request"]
    return {"week": overview_week(request.user), "request": request}
