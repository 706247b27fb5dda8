"""What every file import has in common: problems named by line and column, the failures, the
template's columns, name lookups, the report and the management command.

Incidents (``trygg.incidents.imports``) and official statistics (``trygg.statistics.importers``)
both read CSV/XLSX files through ``trygg.lib.csvio`` and then check every row before writing
anything. They share this module so that a user meets the same words, the same column handling
and the same command-line behaviour whichever file they import:

- ``Problem``: why a row (or a form's field) was refused, ``line N, column: reason``;
- ``ImportFailed``: the file cannot be imported at all (unreadable, wrong format, a column missing);
- ``RowsRefused``: rows had problems and nothing was written; ``problems`` lists them all;
- ``Columns``: the template's columns, the header spellings people use for them, the required ones;
- ``NameIndex``: names (case-insensitive) to the objects they may mean, with "unknown" and
  "ambiguous" told apart;
- ``text_problems``: the personal-identity-number guard and the length limit for a free text;
- ``ImportReport``: the figures every import reports; ``ImportCommand``: the ``trygg import-*``
  commands' reading of the file, progress bar and listing of problems.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from trygg.lib.personnummer import contains_identity_number
from trygg.lib.safetext import identity_number_message

# ``progress(done, total)``: called as rows are checked and written.
Progress = Callable[[int, int], None]
# How many problems a command prints before it says how many more there are.
MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """Why something was refused: the line it came from (if any), the field and the reason."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)s") % {"line": self.line} if self.line is not None else ""
        label = f"{where}, {self.field}" if where else self.field
        return f"{label}: {self.message}"

    @property
    def order(self) -> tuple[int, str]:
        """Problems are listed by line, then by column."""
        return (self.line or 0, self.field)


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, by line and then column."""
    return sorted(set(problems), key=lambda p: p.order)


class ImportFailed(Exception):
    """The file cannot be imported at all (unreadable, wrong format, missing columns)."""


class RowsRefused(Exception):
    """Rows had problems and nothing was written; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]))


def text_problems(
    value: str, field_name: str, line: int | None = None, *, max_length: int | None = None
) -> list[Problem]:
    """The guard every free text of an import or a write passes: no personnummer or
    samordningsnummer, and (with ``max_length``) no more characters than the field holds."""
    problems = []
    if max_length is not None and len(value) > max_length:
        problems.append(Problem(line, field_name, too_long_message(max_length)))
    if value and contains_identity_number(value):
        problems.append(Problem(line, field_name, identity_number_message()))
    return problems


def too_long_message(max_length: int) -> str:
    return _("the text is longer than %(max)s characters") % {"max": max_length}


@dataclass(frozen=True)
class Columns:
    """A file template's columns: their names, the headers people write for them, the required.

    Headers are compared after ``csvio.normalise_header`` (lower case, single spaces).
    """

    names: Sequence[str]
    required: Sequence[str] = ()
    aliases: dict[str, str] = field(default_factory=dict)

    def name(self, header: str) -> str:
        """The template's name for a header as written (itself when it is no alias)."""
        return self.aliases.get(header, header)

    def resolve(
        self, headers: Sequence[str], *, required: Sequence[str] | None = None
    ) -> list[str]:
        """The headers that are not template columns (ignored); ImportFailed naming the
        required columns the headers lack."""
        given = {self.name(h) for h in headers}
        needed = self.required if required is None else required
        missing = [c for c in needed if c not in given]
        if missing:
            raise ImportFailed(
                _(
                    "The file lacks the column(s) %(cols)s. Download the template to see the "
                    "columns."
                )
                % {"cols": ", ".join(missing)}
            )
        return [h for h in headers if self.name(h) not in self.names]

    def row(self, values: dict[str, str]) -> dict[str, str]:
        """A row's cells by template name; of two headers for one column the later wins."""
        return {self.name(k): v for k, v in values.items()}


class NameIndex[T]:
    """Names to the objects they may mean, case-insensitively: a code, a name, a short name.

    ``add`` keys an object under a name; ``unique`` keys objects under names only where the
    name is theirs alone (two categories called "Övrigt" must be given by code).
    """

    def __init__(self) -> None:
        self._by_key: dict[str, list[T]] = {}

    def add(self, name: str, item: T) -> None:
        if name:
            found = self._by_key.setdefault(name.strip().lower(), [])
            if item not in found:
                found.append(item)

    def add_first(self, name: str, item: T) -> None:
        """Key ``item`` under ``name`` unless the name already means something."""
        if name and name.strip().lower() not in self._by_key:
            self.add(name, item)

    def unique(self, items: Iterable[tuple[str, T]]) -> set[str]:
        """Key each item under its name where no other item has that name; returns the names
        that are shared (ambiguous) and were therefore not keyed."""
        pairs = [(name.strip().lower(), item) for name, item in items if name]
        counts: dict[str, int] = {}
        for key, _item in pairs:
            counts[key] = counts.get(key, 0) + 1
        for key, item in pairs:
            if counts[key] == 1:
                self.add_first(key, item)
        return {key for key, n in counts.items() if n > 1}

    def get(self, name: str) -> list[T]:
        """Every object the name may mean (none, one, or several when it is ambiguous)."""
        return self._by_key.get(name.strip().lower(), [])

    def one(self, name: str) -> T | None:
        """The object the name means, if it means exactly one."""
        found = self.get(name)
        return found[0] if len(found) == 1 else None


@dataclass
class ImportReport:
    """What every import reports; each kind of import adds its own figures."""

    format: str
    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


class ImportCommand(BaseCommand):
    """A ``trygg import-*`` command: reads FILE, imports it, and lists problems on stderr.

    Subclasses add their options (``add_options``) and do the import in ``run(data, name,
    options)``, returning its report. When rows are refused their problems are listed and
    ``refused_message`` is the last line.
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        self.add_options(parser)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def add_options(self, parser: CommandParser) -> None:
        """The command's own options."""

    def run(self, data: bytes, name: str, options: dict[str, Any]) -> Any:
        raise NotImplementedError

    def refused_message(self, count: int, options: dict[str, Any]) -> str:
        return _("%(n)s problems; nothing was imported.") % {"n": count}

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(err)s") % {"path": path, "err": error.strerror}
            ) from None
        try:
            report = self.run(data, path.name, options)
        except ImportFailed as error:
            raise CommandError(str(error)) from None
        except RowsRefused as refused:
            self.list_problems(refused.problems)
            raise CommandError(self.refused_message(len(refused.problems), options)) from None
        self.finish_progress()
        self.summarise(report, options)

    def summarise(self, report: Any, options: dict[str, Any]) -> None:
        """Print what the import did; subclasses say their figures with ``done``."""
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(cols)s") % {"cols": ", ".join(report.ignored_columns)}
            )

    def done(self, report: ImportReport, message: str) -> None:
        prefix = _("Dry run, nothing written: ") if report.dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + message))

    def list_problems(self, problems: Sequence[Problem]) -> None:
        for problem in problems[:MAX_LISTED]:
            self.stderr.write(f"  {problem}")
        if len(problems) > MAX_LISTED:
            self.stderr.write(_("  … and %(n)s more") % {"n": len(problems) - MAX_LISTED})

    def progress(self, done: int, total: int) -> None:
        """A progress bar on a terminal (and for large files in logs)."""
        if not sys.stdout.isatty() and total < 10000:
            return
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stdout.flush()
        self._progress_shown = True

    def finish_progress(self) -> None:
        if getattr(self, "_progress_shown", False):
            self.stdout.write("")
