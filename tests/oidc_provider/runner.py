"""Starting the test OpenID provider (serve.py) from a test: an RS256 key made here, the
provider's people and Trygg's client, a subprocess on a free port; the issuer URL back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "trygg-test"
CLIENT_SECRET = "trygg-test-secret-" + "x" * 20
PASSWORD = "provider-password-1"


@contextmanager
def running_provider(
    folder: Path, people: list[tuple[str, str]], redirect_uris: list[str]
) -> Iterator[str]:
    """The issuer of a provider with ``people`` (username, e-mail; all with PASSWORD) and a
    client for Trygg at ``redirect_uris``, stopped on leaving. Skips the test with the reason
    when the provider cannot start, except in CI, where that fails it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = folder / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    setup = {
        "users": [{"username": u, "email": e, "password": PASSWORD} for u, e in people],
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(ROOT),
        "TRYGG_TEST_OIDC_DB": str(folder / "provider.sqlite3"),
        "TRYGG_TEST_OIDC_KEY_FILE": str(key_file),
        "TRYGG_TEST_OIDC_SETUP": json.dumps(setup),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()  # READY <port>, or nothing when it failed
    if not line.startswith("READY "):
        process.kill()
        error = (process.stderr.read() if process.stderr else "")[-2000:]
        process.wait()
        reason = f"the test OpenID provider did not start: {error or 'no output'}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield f"http://127.0.0.1:{int(line.split()[1])}/o"
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
