"""`trygg check --deploy` is clean with the production settings the README documents."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # Only the variables of README's "Deploying" step 2 (SMTP left at its defaults), nothing
    # inherited from the test run's environment.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "MPLCONFIGDIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trygg.sqlite3'}",
        "ALLOWED_HOSTS": "trygg.example.se",
        "CSRF_TRUSTED_ORIGINS": "https://trygg.example.se",
        "STATIC_ROOT": str(tmp_path / "static"),
        "TRUST_X_FORWARDED_PROTO": "true",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "trygg", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_check_deploy_does_complain_about_an_unsafe_setting(tmp_path):
    # The check is not vacuous: cookies over plain HTTP are reported.
    result = _check_deploy(tmp_path, SESSION_COOKIE_SECURE="false")
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout
