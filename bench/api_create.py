"""Benchmark: creating one incident through the REST API, p50/p95 server time.

Usage:  .venv/bin/python bench/api_create.py [REQUESTS]           (SQLite)
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_bench \
            .venv/bin/python bench/api_create.py                     (PostgreSQL)

Runs in-process through Django's test client with token authentication, so the time is the
server's (middleware, authentication, validation, the personnummer guard, area from point,
insert, serialisation) without network. Baseline in the same run: a bare ORM
``Incident.objects.create`` of an equivalent row. Target: API p95 under 50 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trygg.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases
    from rest_framework.authtoken.models import Token

    old = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("demo", verbosity=0)
        from trygg.accounts.models import User
        from trygg.incidents.models import Category, Incident
        from trygg.places.models import Area

        user = User.objects.get(username="rapportor")
        token = Token.objects.get_or_create(user=user)[0].key
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")
        body = {
            "category": "klotter",
            "occurred_at": "2023-09-14T21:30:00+02:00",
            "latitude": 59.3098,
            "longitude": 18.0227,
            "place": "Vid entrén",
            "description": "Nytt klotter på fasaden",
        }
        api: list[float] = []
        for _ in range(N):
            started = time.perf_counter()
            response = client.post("/api/v1/incidents/", body, content_type="application/json")
            api.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.content
        category = Category.objects.get(code="klotter")
        area = Area.objects.get(name="Liljeholmens centrum")
        orm: list[float] = []
        for _ in range(N):
            started = time.perf_counter()
            Incident.objects.create(
                category=category,
                occurred_at="2023-09-14T21:30:00+02:00",
                area=area,
                latitude=59.3098,
                longitude=18.0227,
                place="Vid entrén",
                description="Nytt klotter på fasaden",
                source="api",
            )
            orm.append((time.perf_counter() - started) * 1000)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"database: {engine}, requests: {N}")
        for name, values in (("baseline ORM create", orm), ("trygg    API create", api)):
            print(
                f"{name}: p50 {statistics.median(values):6.2f} ms   "
                f"p95 {percentile(values, 0.95):6.2f} ms   (target API p95 < 50 ms)"
            )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
