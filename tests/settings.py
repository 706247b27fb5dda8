"""Settings for the test suite: production settings with test-friendly overrides.

The database is SQLite unless ``TRYGG_TEST_DATABASE_URL`` (or ``DATABASE_URL``) names another;
Django creates and drops its own test database either way.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production")
os.environ.setdefault("DEBUG", "false")
os.environ["TRYGG_MAP_TILES_URL"] = ""
if os.environ.get("TRYGG_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TRYGG_TEST_DATABASE_URL"]

from trygg.settings import *  # noqa: F403
from trygg.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Tasks run at once, inside the request or call that enqueues them.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# No rate limits, except in the tests of them (tests/api/test_throttling.py).
TRYGG_API_ANON_RATE = None
TRYGG_API_USER_RATE = None
