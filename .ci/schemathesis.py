"""Schemathesis against a live Trygg on a fresh demo database on PostgreSQL.

Usage (from the repository root):  .venv/bin/python .ci/schemathesis.py

1. (Re)creates the database SCHEMATHESIS_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/trygg_schemathesis) and builds the demo in it.
2. Collects the static files and starts gunicorn (DEBUG off, as in production) on a free port.
3. Creates an API token for the demo coordinator ("samordnare").
4. Runs ``schemathesis run <url>/api/schema/ --checks all`` with every phase (examples,
   coverage, fuzzing and the stateful phase), bounded by SCHEMATHESIS_MAX_EXAMPLES examples
   per operation and phase (default 15) and SCHEMATHESIS_MAX_TIME seconds in all (default 120,
   which schemathesis fills by repeating the fuzzing and stateful phases with new data).

Settings that a command line cannot give are in .ci/schemathesis.toml (why the incident
writes may answer 400 to generated "valid" data). Fails (exit status 1) on any failure
schemathesis reports. The seed is printed first and in the replay command at the end;
SCHEMATHESIS_SEED=… replays a run (on a fresh demo again, as this script always builds one).
"""

from __future__ import annotations

import os
import random
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DATABASE_URL = os.environ.get(
    "SCHEMATHESIS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trygg_schemathesis"
)
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15")
MAX_TIME = os.environ.get("SCHEMATHESIS_MAX_TIME", "120")
WORKERS = os.environ.get("SCHEMATHESIS_WORKERS", "2")
SEED = os.environ.get("SCHEMATHESIS_SEED") or str(random.SystemRandom().randrange(2**31))


def log(message: str) -> None:
    print(f"[schemathesis.py] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unexpected database name {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def trygg(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "trygg"), *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ended with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"Trygg did not answer {url} within {seconds:.0f} s")


def main() -> int:
    # Stopped (CI timeout, Ctrl-C): end the demo build or the server too, not only this script.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log(f"seed {SEED} (replay: SCHEMATHESIS_SEED={SEED} .venv/bin/python .ci/schemathesis.py)")
    started = time.monotonic()
    var = Path(tempfile.mkdtemp(prefix="trygg-schemathesis-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trygg.settings",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        # Plain HTTP on localhost: no redirect to HTTPS, no HSTS (production turns both on).
        "SECURE_SSL_REDIRECT": "false",
        "TRYGG_HSTS_SECONDS": "0",
        "TRYGG_VAR_DIR": str(var),
        "PYTHONPATH": str(ROOT),
        # One client sends thousands of requests a minute here; rate limits would only slow it.
        "TRYGG_API_USER_RATE": "off",
        "TRYGG_API_ANON_RATE": "off",
        # Django logs every 4xx as a warning; server errors are what the log is for here.
        "LOG_LEVEL": "ERROR",
    }
    env.pop("TRYGG_TEST_DATABASE_URL", None)
    recreate_database(DATABASE_URL)
    log("building the demo …")
    trygg(env, "demo")
    trygg(env, "collectstatic", "--noinput")
    token = trygg(env, "createtoken", "samordnare").strip()
    log(f"demo ready in {time.monotonic() - started:.0f} s")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
            # A long URL's 414 is the front server's answer, not the API's: no line limit here.
            "--limit-request-line",
            "0",
            "--log-level",
            "warning",
            "trygg.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(f"{base}/api/schema/", server)
        command = [
            str(BIN / "schemathesis"),
            "--config-file",
            str(ROOT / ".ci" / "schemathesis.toml"),
            "run",
            f"{base}/api/schema/",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--header",
            f"Authorization: Token {token}",
            "--max-examples",
            MAX_EXAMPLES,
            *(["--max-time", MAX_TIME] if MAX_TIME else []),
            "--seed",
            SEED,
            "--workers",
            WORKERS,
            "--request-timeout",
            "60",
            "--generation-database",
            "none",
            "--no-color",
            *sys.argv[1:],
        ]
        shown = ["Authorization: Token ***" if "Token " in part else part for part in command]
        log(" ".join(shlex.quote(part) for part in shown))
        status = subprocess.run(command, cwd=ROOT).returncode
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    elapsed = time.monotonic() - started
    if status != 0:
        log(
            f"FAILED after {elapsed:.0f} s (exit {status}); replay with "
            f"SCHEMATHESIS_SEED={SEED} .venv/bin/python .ci/schemathesis.py"
        )
        return 1
    log(f"passed in {elapsed:.0f} s (seed {SEED})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
