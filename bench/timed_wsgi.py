"""``trygg.wsgi`` with a ``Server-Timing: app;dur=…`` header: the time Django takes per request.

Used by ``bench/overview.py``: ``gunicorn --pythonpath bench timed_wsgi:application``. The
duration runs from the call into Django until the response body is complete (the page is
rendered before the headers are sent, so the header can carry it); it leaves out only the
socket I/O and gunicorn's own parsing, which the client-side latency includes.
"""

from __future__ import annotations

import time

from trygg.wsgi import application as django_application


def application(environ, start_response):
    started = time.perf_counter()
    captured: dict = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"], captured["exc_info"] = status, headers, exc_info

    result = django_application(environ, capture)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()  # request_finished: Django returns its database connection
    elapsed = (time.perf_counter() - started) * 1000
    headers = [*captured["headers"], ("Server-Timing", f"app;dur={elapsed:.2f}")]
    start_response(captured["status"], headers, captured["exc_info"])
    return [body]
