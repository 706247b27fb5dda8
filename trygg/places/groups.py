"""Comparison groups (e.g. SKR's municipality groups) imported from a CSV/XLSX file.

One row names a group and an area by its official code: ``grupp;kod`` (or ``name;code``),
optionally ``källa``. A group in the file gets exactly the members the file lists (importing
again updates, it does not duplicate); groups the file does not name are left alone. A code
no area has is reported, not refused. Each member that names no comparison group yet is
given the group, so that its rates are compared with it (SKR's grouping puts each
municipality in one group).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from trygg.lib.csvio import TableError, read_table
from trygg.lib.imports import Columns, ImportFailed, Problem, RowsRefused, text_problems
from trygg.places.models import Area, ComparisonGroup
from trygg.places.population import region_key

COLUMNS = Columns(
    names=("grupp", "kod", "källa"),
    required=("grupp", "kod"),
    aliases={
        "name": "grupp",
        "namn": "grupp",
        "group": "grupp",
        "kommungrupp": "grupp",
        "code": "kod",
        "kommunkod": "kod",
        "regionkod": "kod",
        "source": "källa",
        "kalla": "källa",
    },
)


@dataclass
class GroupImportReport:
    rows: int = 0
    groups_created: list[str] = field(default_factory=list)
    groups_updated: list[str] = field(default_factory=list)
    members: int = 0
    assigned: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (line, code)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def import_groups(
    data: bytes, filename: str, *, dry_run: bool = False, is_demo: bool = False
) -> GroupImportReport:
    try:
        table = read_table(data, filename)
    except TableError as error:
        raise ImportFailed(str(error)) from None
    report = GroupImportReport(
        rows=len(table.rows), ignored_columns=COLUMNS.resolve(table.headers), dry_run=dry_run
    )
    by_code: dict[str, list[Area]] = {}
    for area in Area.objects.exclude(code=""):
        by_code.setdefault(region_key(area.code), []).append(area)
    members: dict[str, list[Area]] = {}
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for row in table.rows:
        cells = COLUMNS.row(row.values)
        name, code, source = cells.get("grupp", ""), cells.get("kod", ""), cells.get("källa", "")
        if not name:
            problems.append(Problem(row.line, "grupp", _("a group name is required")))
        if not code:
            problems.append(Problem(row.line, "kod", _("an area code is required")))
        problems += text_problems(name, "grupp", row.line, max_length=200)
        problems += text_problems(source, "källa", row.line, max_length=200)
        if not name or not code:
            continue
        members.setdefault(name, [])
        if source:
            sources[name] = source
        found = by_code.get(region_key(code), [])
        if not found:
            report.unmatched.append((row.line, code))
        for area in found:
            if area not in members[name]:
                members[name].append(area)
    if problems:
        raise RowsRefused(problems)
    with transaction.atomic():
        for name, areas in members.items():
            group = ComparisonGroup.objects.filter(name__iexact=name).first()
            if group is None:
                report.groups_created.append(name)
                if dry_run:
                    continue
                group = ComparisonGroup.objects.create(
                    name=name, source=sources.get(name, ""), is_demo=is_demo
                )
            else:
                report.groups_updated.append(group.name)
            report.members += len(areas)
            if dry_run:
                continue
            if name in sources and group.source != sources[name]:
                group.source = sources[name]
                group.save(update_fields=["source", "updated_at"])
            group.members.set(areas)
            for area in areas:
                if area.comparison_group_id is None:
                    area.comparison_group = group
                    area.save(update_fields=["comparison_group", "updated_at"])
                    report.assigned += 1
    return report
