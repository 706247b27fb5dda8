"""Benchmark: rendering the demo lägesbild as DOCX, PPTX and PDF (issue 7: each under 5 s).

Usage:  [DATABASE_URL=sqlite:////tmp/trygg_bench_reports.sqlite3] \
        .venv/bin/python bench/report_exports.py [REPEATS]

Builds the demo into the database if it is empty (``trygg demo --if-empty``), then renders
the approved "Lägesbild 2022 och handlingsplan 2023" (frozen figures) and its draft version 2
(figures computed live) REPEATS times each (default 5) and prints the median and the slowest
time per format, for the content (``document()``: live figures for the draft) and each file.
Baseline in the same run: drawing the report's charts alone as PNG (matplotlib), the part of a
DOCX or PPTX that grows with the report, which is what ``TRYGG_EXPORT_DIRECT_CHARTS`` counts.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/trygg_bench_reports.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
os.environ.setdefault("DEBUG", "true")

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def timed(function, repeats: int = REPEATS) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.core.management import call_command

    from trygg.accounts.models import User
    from trygg.analysis.charts import render
    from trygg.reports.content import document
    from trygg.reports.exports import EXPORTERS
    from trygg.reports.figures import chart_figure
    from trygg.reports.models import SituationReport

    call_command("migrate", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0)
    user = User.objects.get(username="samordnare")
    approved = SituationReport.objects.get(status="godkand")
    draft = SituationReport.objects.get(replaces=approved)
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores)")
    print(f"{REPEATS} runs each; median / slowest, seconds")
    for label, report in (("approved", approved), ("draft v2", draft)):
        doc = document(report, user)
        charts = [b.figure["chart"] for b in doc.blocks if b.has_chart]
        content = timed(lambda report=report: document(report, user))
        baseline = timed(
            lambda charts=charts: [render(chart_figure(c), "png") for c in charts]  # type: ignore[misc]
        )
        print(f"\n{label}: {len(doc.blocks)} blocks, {len(charts)} charts")
        print(f"  content (document)        {content[0]:6.2f} / {content[1]:6.2f}")
        print(f"  baseline: charts as PNG   {baseline[0]:6.2f} / {baseline[1]:6.2f}")
        for fmt, exporter in EXPORTERS.items():
            # A fresh DocumentView each time: charts are drawn again, as in a real export.
            result = timed(
                lambda exporter=exporter, report=report: exporter.export(document(report, user))
            )
            print(f"  {fmt:4} (content + file)     {result[0]:6.2f} / {result[1]:6.2f}")


if __name__ == "__main__":
    main()
