"""Benchmark: reading under load (issue 18 item 6). Översikt, Analys and the incident list with
20 signed-in readers and 10 API writers at once, against the same pages with one reader.

Usage:  .venv/bin/python bench/load.py [INCIDENTS] [SECONDS]

INCIDENTS 0 (default) is the demo (``trygg demo``) in the database ``trygg_load``; any other
number is ``bench/analysis_data.py``'s synthetic set of that many incidents in
``trygg_load_<INCIDENTS>`` (built through COPY on first use, reused after). SECONDS (default
30) is how long the loaded phase runs.

The server is gunicorn with 4 sync workers as the README deploys it (DEBUG off, a SECRET_KEY,
ALLOWED_HOSTS, collected static files) serving ``bench/timed_wsgi.py`` (``trygg.wsgi`` plus a
``Server-Timing`` header), with the cache in Redis (``CACHE_URL=redis://127.0.0.1:6379/4``;
the README: several workers need a shared cache) and the API's rate limit off (ten writers
on one token would otherwise be throttled, which is not what is measured).

Phases, each printed as median/p95 per page, client-side latency (the server time from the
header in brackets):
  1. one reader: the coordinator GETs each page in turn, 10 rounds, after a warm-up round;
  2. cold stampede: the cache is flushed and 20 readers GET Analys at the same instant (a
     barrier), then Översikt: a figure nobody has computed yet;
  3. load: 20 readers (the coordinator, the analyst and the council member signed in by
     session cookies, cycling through the three pages) and 10 writers (POST
     /api/v1/incidents/ with a token, one new incident each time) for SECONDS.
The machine's load average is printed before and after (the 2 cores are shared).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
INCIDENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 0
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
READERS, WRITERS, WORKERS = 20, 10, 4
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/4")
PAGES = {"Översikt": "/", "Analys": "/analys/", "Händelser": "/handelser/"}
NAME = "trygg_load" if INCIDENTS == 0 else f"trygg_load_{INCIDENTS}"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{NAME}"
os.environ["CACHE_URL"] = CACHE_URL
os.environ.setdefault("STATIC_ROOT", "/tmp/trygg_load_static")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> tuple[list[str], str, dict]:
    """The database ready; session cookies of the readers, a writer token and a create body."""
    if INCIDENTS:
        from analysis_data import ensure

        ensure(INCIDENTS)
    else:
        import psycopg

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
        os.environ.setdefault("SECRET_KEY", "bench-load")
        os.environ.setdefault("DEBUG", "false")
        os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone():
                admin.execute(f'CREATE DATABASE "{NAME}"')
        import django

        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from trygg.accounts.models import User

    if not INCIDENTS and not User.objects.filter(username="samordnare").exists():
        started = time.perf_counter()
        call_command("demo", verbosity=0)
        print(f"build: demo in {time.perf_counter() - started:.0f} s")
    call_command("collectstatic", interactive=False, verbosity=0)

    from django.test import Client
    from rest_framework.authtoken.models import Token

    from trygg.incidents.models import Category, Incident

    names = ["samordnare", "analytiker", "radsmedlem"] if not INCIDENTS else ["samordnare"]
    cookies = []
    for name in names:
        client = Client()
        client.force_login(User.objects.get(username=name))
        cookies.append(client.cookies["sessionid"].value)
    writer = User.objects.get(username="rapportor" if not INCIDENTS else "samordnare")
    token = Token.objects.get_or_create(user=writer)[0].key
    # A point inside an area the writer may report in: the newest incident with a point.
    recent = Incident.objects.filter(latitude__isnull=False).order_by("-id").first()
    assert recent is not None
    point = (59.3098, 18.0227) if not INCIDENTS else (recent.latitude, recent.longitude)
    category = Category.objects.filter(parent__isnull=False, is_active=True).order_by("id").first()
    assert category is not None
    body = {
        "category": category.code,
        "latitude": point[0],
        "longitude": point[1],
        "place": "Lastprov",
        "description": "Skapad av lastprovet",
    }
    print(f"database {NAME}: {Incident.objects.count():,} incidents")
    return cookies, token, body


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trygg.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        # Plain HTTP on localhost: no redirect to HTTPS, no HSTS (production turns both on).
        "SECURE_SSL_REDIRECT": "false",
        "TRYGG_HSTS_SECONDS": "0",
        "CSRF_COOKIE_SECURE": "false",
        "TRYGG_API_USER_RATE": "off",
        "TRYGG_API_ANON_RATE": "off",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--pythonpath",
            f"{ROOT},{ROOT / 'bench'}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "timed_wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.client: dict[str, list[float]] = {}
        self.server: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, label: str, response, elapsed: float, expected: tuple[int, ...]) -> None:
        with self.lock:
            if response.status_code not in expected:
                self.errors.append(f"{label}: {response.status_code}")
                return
            self.client.setdefault(label, []).append(elapsed * 1000)
            timing = response.headers.get("Server-Timing", "")
            if "dur=" in timing:
                self.server.setdefault(label, []).append(float(timing.split("dur=")[1]))

    def print(self, title: str) -> None:
        print(f"\n{title}")
        for label, values in self.client.items():
            a = np.array(values)
            s = np.array(self.server.get(label, [0.0]))
            print(
                f"  {label:10s} p50 {np.median(a):7.0f} ms  p95 {np.percentile(a, 95):7.0f} ms  "
                f"max {a.max():7.0f} ms  (server p50 {np.median(s):6.0f}, "
                f"p95 {np.percentile(s, 95):6.0f})  n={len(a)}"
            )
        if self.errors:
            print(f"  errors: {len(self.errors)} e.g. {self.errors[:3]}")


def session(cookie: str):
    import requests

    s = requests.Session()
    s.headers["Cookie"] = f"sessionid={cookie}"
    return s


def timed_get(s, base: str, label: str, results: Results) -> None:
    started = time.perf_counter()
    response = s.get(base + PAGES[label], timeout=300, allow_redirects=False)
    results.add(label, response, time.perf_counter() - started, (200,))


def one_reader(base: str, cookie: str) -> Results:
    s = session(cookie)
    for path in PAGES.values():
        s.get(base + path, timeout=300)  # warm-up: caches, connections
    results = Results()
    for _ in range(10):
        for label in PAGES:
            timed_get(s, base, label, results)
    return results


def flush_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def stampede(base: str, cookies: list[str]) -> Results:
    results = Results()
    for label in ("Analys", "Översikt"):
        flush_cache()
        barrier = threading.Barrier(READERS)
        sessions = [session(cookies[i % len(cookies)]) for i in range(READERS)]
        for s in sessions:
            s.get(base + "/logga-in/", timeout=60)  # open the keep-alive connection

        def read(s, label=label, barrier=barrier) -> None:
            barrier.wait()
            timed_get(s, base, label, results)

        threads = [threading.Thread(target=read, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results


def under_load(base: str, cookies: list[str], token: str, body: dict) -> Results:
    import requests

    results = Results()
    stop = time.monotonic() + SECONDS
    from datetime import UTC, datetime, timedelta

    def reader(i: int) -> None:
        s = session(cookies[i % len(cookies)])
        labels = list(PAGES)
        rng = random.Random(i)
        while time.monotonic() < stop:
            rng.shuffle(labels)
            for label in labels:
                if time.monotonic() >= stop:
                    return
                timed_get(s, base, label, results)

    def writer(i: int) -> None:
        s = requests.Session()
        s.headers["Authorization"] = f"Token {token}"
        n = 0
        while time.monotonic() < stop:
            n += 1
            when = datetime.now(UTC) - timedelta(minutes=n + 100 * i)
            started = time.perf_counter()
            response = s.post(
                base + "/api/v1/incidents/",
                json={**body, "occurred_at": when.isoformat()},
                timeout=300,
            )
            results.add("create", response, time.perf_counter() - started, (201,))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    threads += [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    cookies, token, body = prepare()
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    print(
        f"gunicorn {WORKERS} workers on {base}, cache {CACHE_URL}, {os.cpu_count()} CPUs; "
        f"load average {load_average()}"
    )
    try:
        one_reader(base, cookies[0]).print("one reader (10 rounds, warm)")
        stampede(base, cookies).print(f"cold stampede: {READERS} readers at once, cache flushed")
        print(f"  load average {load_average()}")
        under_load(base, cookies, token, body).print(
            f"load: {READERS} readers + {WRITERS} writers for {SECONDS:.0f} s"
        )
        print(f"  load average {load_average()}")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
