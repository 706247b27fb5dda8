"""Benchmark: Översikt ("/") for the coordinator over 1,000,000 incidents, 20 clients at once.

Usage:  [DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench_analysis] \
        .venv/bin/python bench/overview.py [REQUESTS_PER_CLIENT] [WORKERS]

The data set is ``bench/analysis_data.py``'s (built on first use). Collects the static files
into STATIC_ROOT (default /tmp/trygg_bench_analysis_static), starts gunicorn on 127.0.0.1 (a
free port; WORKERS sync workers, default 4) with DEBUG=false against the bench database,
serving ``bench/timed_wsgi.py`` (``trygg.wsgi`` plus a ``Server-Timing`` header with the time
Django took). Signs the coordinator in by a session made in this process, then 20 threads
each GET "/" REQUESTS_PER_CLIENT times (default 20) after one warm-up request per client,
each on its own keep-alive connection.

Printed: the server time (from the header) and the client-side latency, median and p95.
The page includes the EST week block (this week per stadsdel and category against the
previous eight, from the raw incidents). Baseline in the same run: the same 20 clients on
``/logga-in/`` (a page without data), which shows what the server and 2 cores give
any page under this load. Target (issue 4): p95 server time under 300 ms.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_data import ROOT, ensure

PER_CLIENT = int(sys.argv[1]) if len(sys.argv) > 1 else 20
WORKERS = int(sys.argv[2]) if len(sys.argv) > 2 else 4
CLIENTS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_clients(url: str, cookie: str | None) -> tuple[list[float], list[float]]:
    import requests

    server: list[float] = []
    client: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []
    barrier = threading.Barrier(CLIENTS)

    def worker() -> None:
        session = requests.Session()
        if cookie:
            session.headers["Cookie"] = f"sessionid={cookie}"
        session.get(url, timeout=60)  # warm-up: connection, worker caches
        barrier.wait()
        for _ in range(PER_CLIENT):
            started = time.perf_counter()
            response = session.get(url, timeout=60, allow_redirects=False)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.headers.get('Location')}")
                return
            dur = float(response.headers["Server-Timing"].split("dur=")[1])
            with lock:
                server.append(dur)
                client.append(elapsed * 1000)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"requests failed: {errors[:3]}")
    return server, client


def line(label: str, values: list[float]) -> str:
    a = np.array(values)
    return (
        f"{label:38s} median {np.median(a):7.1f} ms  p95 {np.percentile(a, 95):7.1f} ms  "
        f"max {a.max():7.1f} ms  (n={len(a)})"
    )


def main() -> None:
    ensure()
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)

    from trygg.accounts.models import User

    user = User.objects.get(username="samordnare")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page = client.get("/")
    assert page.status_code == 200
    assert b"week" in page.content.lower() or b"vecka" in page.content.lower()

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trygg.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--pythonpath",
            str(ROOT / "bench"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            "timed_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        print(
            f"gunicorn: {WORKERS} sync workers on {base}; {CLIENTS} clients × {PER_CLIENT} "
            f"requests; {os.cpu_count()} CPUs"
        )
        login_server, login_client = run_clients(f"{base}/logga-in/", None)
        server_ms, client_ms = run_clients(f"{base}/", cookie)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    print(line("baseline /logga-in/  server", login_server))
    print(line("baseline /logga-in/  client", login_client))
    print(line("Översikt /  server (Server-Timing)", server_ms))
    print(line("Översikt /  client latency", client_ms))
    print(f"\nÖversikt p95 server time {np.percentile(server_ms, 95):.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
