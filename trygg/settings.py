"""Django settings for Trygg, read from the environment through typed helpers.

Every per-deployment value comes from an environment variable; a bad value stops start-up
with one line naming the variable (see ``trygg.lib.env``). Defaults give a development
installation on SQLite under ``var/``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from trygg.lib.env import (
    ConfigError,
    env_bool,
    env_cache,
    env_choice,
    env_database,
    env_date,
    env_int,
    env_list,
    env_rate,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("TRYGG_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ConfigError(
            "SECRET_KEY must be set when DEBUG is off (generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "trygg.accounts",
    "trygg.places",
    "trygg.incidents",
    "trygg.statistics",
    "trygg.analysis",
    "trygg.collaboration",
    "trygg.plans",
    "trygg.compliance",
    "trygg.reports",
    "trygg.front",
    "trygg.demo",
    "trygg.api",
]

MIDDLEWARE = [
    # First, so that a dropped database connection anywhere below is answered 503, not 500.
    "trygg.lib.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trygg.front.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session entered a code from the user's device.
    "django_otp.middleware.OTPMiddleware",
    # Sends a user with a device to the code page (and, where required, one without to set one
    # up) before any other page; API token requests pass untouched.
    "trygg.accounts.two_factor.TwoFactorMiddleware",
    # Logs every file download (exports) in the audit log, after the view signed the user in.
    "trygg.accounts.audit.ExportAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trygg.urls"
WSGI_APPLICATION = "trygg.wsgi.application"
ASGI_APPLICATION = "trygg.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trygg.front.context_processors.navigation",
                "trygg.front.context_processors.map_settings",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'trygg.sqlite3'}"),
}
if env_str("DATABASE_URL") is None:
    # The default SQLite file lives in var/; create the folder so a fresh clone just works.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
# A kept connection is tested before a request (or a worker's loop) uses it again, so one that a
# database restart or fail-over dropped is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: page blocks and the API's rate-limit counts. locmem:// is one process's memory;
# with several workers or servers use one they share (redis://host:6379/0 with the redis
# package, or db://trygg_cache after `trygg createcachetable`), or the limits count per process.
CACHES = {"default": env_cache("CACHE_URL", "locmem://")}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "front:overview"
LOGOUT_REDIRECT_URL = "login"
# django-axes counts failed sign-ins before the password is checked; an API token never
# passes through authenticate(), so token clients are not affected by a lockout.
# Single sign-on (trygg.accounts.oidc) comes last: it answers only the callback from the identity
# provider, which carries no username, so axes (which locks usernames) lets it through, and
# its refusals lock no one out (the provider guards its own passwords).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "trygg.accounts.oidc.Backend",
]
# This many wrong passwords in a row for one username lock that account for
# TRYGG_LOCKOUT_MINUTES (a correct password then resets the count).
TRYGG_LOGIN_FAILURES = env_int("TRYGG_LOGIN_FAILURES", 10, minimum=1)
TRYGG_LOCKOUT_MINUTES = env_int("TRYGG_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = TRYGG_LOGIN_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=TRYGG_LOCKOUT_MINUTES)
# The account is locked, whatever address the attempts come from: a municipality's staff often
# share one outgoing address, so locking addresses would lock out the whole town hall.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that a lock without the address can be dodged by rotating user agents or
# cookies; a lock on the username cannot, so the warning does not apply here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "trygg.accounts.views.locked_out"
AXES_VERBOSE = False
# Two-step verification (TOTP, django-otp): a user with a confirmed device enters a code from it
# after the password. When this is on, coordinators (and superusers) must set one up before any
# other page. Each wrong code doubles the wait before the next try (1, 2, 4, 8 … seconds).
TRYGG_REQUIRE_TOTP_FOR_COORDINATORS = env_bool("TRYGG_REQUIRE_TOTP_FOR_COORDINATORS", False)
OTP_TOTP_ISSUER = "Trygg"
OTP_TOTP_THROTTLE_FACTOR = 1
# Single sign-on with the municipality's identity provider (OpenID Connect: Entra ID, Keycloak,
# …), off until a client and an issuer (or the endpoints) are set. With only the issuer, the
# endpoints come from its /.well-known/openid-configuration (fetched once per process). The
# claim's value is matched to an active user's e-mail address or username; a person with no
# user is refused unless TRYGG_OIDC_CREATE_USERS, which gives them one without memberships.
# A session signed in this way is not asked for a TOTP code: the provider asks for its own.
TRYGG_OIDC_ISSUER = env_str("TRYGG_OIDC_ISSUER", "") or ""
TRYGG_OIDC_AUTHORIZATION_ENDPOINT = env_str("TRYGG_OIDC_AUTHORIZATION_ENDPOINT", "") or ""
TRYGG_OIDC_TOKEN_ENDPOINT = env_str("TRYGG_OIDC_TOKEN_ENDPOINT", "") or ""
TRYGG_OIDC_USERINFO_ENDPOINT = env_str("TRYGG_OIDC_USERINFO_ENDPOINT", "") or ""
TRYGG_OIDC_JWKS_ENDPOINT = env_str("TRYGG_OIDC_JWKS_ENDPOINT", "") or ""
TRYGG_OIDC_CLIENT_ID = env_str("TRYGG_OIDC_CLIENT_ID", "") or ""
TRYGG_OIDC_CLIENT_SECRET = env_str("TRYGG_OIDC_CLIENT_SECRET", "") or ""
TRYGG_OIDC_CLAIM = env_str("TRYGG_OIDC_CLAIM", "email") or "email"
TRYGG_OIDC_SCOPES = env_str("TRYGG_OIDC_SCOPES", "openid email profile") or ""
# Empty: "Logga in med kommunens konto" (translated with the page).
TRYGG_OIDC_BUTTON_TEXT = env_str("TRYGG_OIDC_BUTTON_TEXT", "") or ""
TRYGG_OIDC_CREATE_USERS = env_bool("TRYGG_OIDC_CREATE_USERS", False)
if "openid" not in TRYGG_OIDC_SCOPES.split():
    raise ConfigError(f"TRYGG_OIDC_SCOPES={TRYGG_OIDC_SCOPES!r} must include openid")
_oidc_given = {
    "TRYGG_OIDC_CLIENT_ID": TRYGG_OIDC_CLIENT_ID,
    "TRYGG_OIDC_CLIENT_SECRET": TRYGG_OIDC_CLIENT_SECRET,
    **(
        {}
        if TRYGG_OIDC_ISSUER
        else {
            "TRYGG_OIDC_AUTHORIZATION_ENDPOINT": TRYGG_OIDC_AUTHORIZATION_ENDPOINT,
            "TRYGG_OIDC_TOKEN_ENDPOINT": TRYGG_OIDC_TOKEN_ENDPOINT,
            "TRYGG_OIDC_JWKS_ENDPOINT": TRYGG_OIDC_JWKS_ENDPOINT,
        }
    ),
}
if TRYGG_OIDC_ISSUER or any(_oidc_given.values()):
    # Half a configuration would only hide the button: say what is missing instead.
    _missing = [name for name, value in _oidc_given.items() if not value]
    if _missing:
        raise ConfigError(
            f"single sign-on needs {', '.join(_missing)} too"
            + ("" if TRYGG_OIDC_ISSUER else " (or TRYGG_OIDC_ISSUER for the endpoints)")
        )
# mozilla-django-oidc's own settings; the endpoints and the client are read from the above.
OIDC_RP_SCOPES = TRYGG_OIDC_SCOPES
OIDC_RP_SIGN_ALGO = env_choice(
    "TRYGG_OIDC_SIGN_ALGO", "RS256", ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
)
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("TRYGG_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "sv")
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ConfigError(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of: sv, en")
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")) or VAR_DIR / "static")
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")
MEDIA_URL = "media/"

# E-mail (reminders, password resets): the console in development, SMTP in production.
MAILERS: dict[str, dict[str, Any]]
if env_bool("EMAIL_TO_CONSOLE", DEBUG):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "trygg@localhost")

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
)

# HTTPS only, in production: HSTS for TRYGG_HSTS_SECONDS (0 turns it off, e.g. while trying
# HTTPS out), plain HTTP redirected unless a proxy in front does it (SECURE_SSL_REDIRECT=false).
SECURE_HSTS_SECONDS = env_int("TRYGG_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
# Subdomains of Trygg's host are covered too, and browsers may preload the rule; turn these
# off if a subdomain of the host still serves plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TRYGG_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("TRYGG_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends this many minutes after the last request (each request renews it) and when the
# browser closes.
TRYGG_SESSION_MINUTES = env_int("TRYGG_SESSION_MINUTES", 480, minimum=1)
SESSION_COOKIE_AGE = TRYGG_SESSION_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Map tiles for Leaflet. Empty means no background tiles (boundaries are drawn on a blank
# canvas), which is what tests and closed networks want.
TRYGG_MAP_TILES_URL = env_str(
    "TRYGG_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", allow_empty=True
)
TRYGG_MAP_TILES_ATTRIBUTION = env_str(
    "TRYGG_MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)


def _tile_origin(url: str | None) -> list[str]:
    """The map tiles' origin for the Content-Security-Policy's img-src ({s} → any subdomain)."""
    if not url or "://" not in url:
        return []
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    return [f"{scheme}://{host.replace('{s}', '*')}"]


# Content-Security-Policy (Django's own middleware): scripts only from Trygg's own static files
# (no inline script, no eval); images also from the map tile server; no plugins, no framing.
# Inline style attributes stay allowed (Leaflet and the print layouts set widths that way).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *_tile_origin(TRYGG_MAP_TILES_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Review intervals for the law's duties (trygg.compliance): the agreement's annex of priority
# areas is reviewed at least every fourth year; lägesbild and åtgärdsplan at least every second.
TRYGG_AGREEMENT_REVIEW_YEARS = env_int("TRYGG_AGREEMENT_REVIEW_YEARS", 4, minimum=1)
TRYGG_LAGESBILD_REVIEW_MONTHS = env_int("TRYGG_LAGESBILD_REVIEW_MONTHS", 24, minimum=1)
# An åtgärdsplan is reviewed this many years after its decision unless it names a date.
TRYGG_ACTION_PLAN_REVIEW_YEARS = env_int("TRYGG_ACTION_PLAN_REVIEW_YEARS", 2, minimum=1)
# Plausible dates (trygg.lib.dates): every date a user or a file gives lies on or after this
# day; events up to tomorrow, plans, meetings and due dates up to this many years ahead.
TRYGG_EARLIEST_DATE = env_date("TRYGG_EARLIEST_DATE", dt.date(1990, 1, 1))
TRYGG_PLANNING_YEARS = env_int("TRYGG_PLANNING_YEARS", 10, minimum=1)
# Analys without a chosen start covers the reporting year of the latest data and this many
# before it (enough for its comparison with the mean of three).
TRYGG_ANALYSIS_DEFAULT_YEARS = env_int("TRYGG_ANALYSIS_DEFAULT_YEARS", 3, minimum=1)
# Side of the square grid cells in hotspot analyses, in metres.
TRYGG_HOTSPOT_CELL_M = env_int("TRYGG_HOTSPOT_CELL_M", 200, minimum=25)
# Monte Carlo permutations of the times in the Knox test of near repeats.
TRYGG_NEAR_REPEAT_PERMUTATIONS = env_int("TRYGG_NEAR_REPEAT_PERMUTATIONS", 99, minimum=9)
# Crime harm: the unit every category's harm weight is given in (one unit for all).
TRYGG_HARM_UNIT = env_str("TRYGG_HARM_UNIT", "") or "dagar fängelse"
# Possible duplicates: reports of the same category from different reporters within this
# distance (metres) and this time (minutes) of each other are offered for merging.
TRYGG_DUPLICATE_METRES = env_int("TRYGG_DUPLICATE_METRES", 50, minimum=1)
TRYGG_DUPLICATE_MINUTES = env_int("TRYGG_DUPLICATE_MINUTES", 120, minimum=1)
# A lägesbild DOCX/PPTX drawing more charts than this is made by the task worker (a PDF always).
TRYGG_EXPORT_DIRECT_CHARTS = env_int("TRYGG_EXPORT_DIRECT_CHARTS", 4, minimum=0)
# A running job renews a heartbeat; one silent for this long (its task worker was killed or
# lost) is marked failed and can be started again. An interrupted job keeps its upload this
# many hours for that, then the upload (which may hold personal data) is deleted.
TRYGG_JOB_STALE_SECONDS = env_int("TRYGG_JOB_STALE_SECONDS", 300, minimum=1)
TRYGG_JOB_KEEP_UPLOAD_HOURS = env_int("TRYGG_JOB_KEEP_UPLOAD_HOURS", 24, minimum=0)
# Retention of free text (``trygg purge-text``, run from cron): text older than this many days
# is replaced by a marker while counts, categories and places stay; 0 keeps text for ever.
# One setting for every kind, and one per kind (incidents' description and place, measure and
# promise follow-ups, lägesbild comments) that overrides it when set.
TRYGG_TEXT_RETENTION_DAYS = env_int("TRYGG_TEXT_RETENTION_DAYS", 0, minimum=0)
TRYGG_INCIDENT_TEXT_RETENTION_DAYS = env_int(
    "TRYGG_INCIDENT_TEXT_RETENTION_DAYS", TRYGG_TEXT_RETENTION_DAYS, minimum=0
)
TRYGG_FOLLOW_UP_TEXT_RETENTION_DAYS = env_int(
    "TRYGG_FOLLOW_UP_TEXT_RETENTION_DAYS", TRYGG_TEXT_RETENTION_DAYS, minimum=0
)
TRYGG_COMMENT_TEXT_RETENTION_DAYS = env_int(
    "TRYGG_COMMENT_TEXT_RETENTION_DAYS", TRYGG_TEXT_RETENTION_DAYS, minimum=0
)
# The installation's address, for links in e-mail sent from cron (e.g. the weekly digest).
TRYGG_BASE_URL = env_str("TRYGG_BASE_URL", "") or ""
# Open311 (trygg.incidents.open311): reading service requests needs an api_key unless this
# opens a public view of them without free text, reporter or exact place.
TRYGG_OPEN311_PUBLIC_REQUESTS = env_bool("TRYGG_OPEN311_PUBLIC_REQUESTS", False)
# Who integrators ask about the Open311 endpoint, shown in its discovery document.
TRYGG_OPEN311_CONTACT = env_str("TRYGG_OPEN311_CONTACT", "") or ""
# The police's live events feed (``trygg sync-polisen``, from cron). The API's rules: at least
# 10 s between calls and at most 60 calls an hour (kept across runs, in the database), and a
# User-Agent saying who calls, with a contact (TRYGG_POLISEN_CONTACT, else TRYGG_BASE_URL).
TRYGG_POLISEN_URL = env_str("TRYGG_POLISEN_URL", "https://polisen.se/api/events") or ""
# The API's locationname filter, e.g. "Stockholm;Solna" (empty: the whole country).
TRYGG_POLISEN_LOCATION = env_str("TRYGG_POLISEN_LOCATION", "") or ""
TRYGG_POLISEN_CONTACT = env_str("TRYGG_POLISEN_CONTACT", "") or ""
TRYGG_POLISEN_MIN_INTERVAL_SECONDS = env_int("TRYGG_POLISEN_MIN_INTERVAL_SECONDS", 10, minimum=10)
TRYGG_POLISEN_MAX_CALLS_PER_HOUR = env_int("TRYGG_POLISEN_MAX_CALLS_PER_HOUR", 60, minimum=1)
if TRYGG_POLISEN_MAX_CALLS_PER_HOUR > 60:
    raise ConfigError("TRYGG_POLISEN_MAX_CALLS_PER_HOUR must be at most 60 (the API's rule)")
TRYGG_POLISEN_TIMEOUT_SECONDS = env_int("TRYGG_POLISEN_TIMEOUT_SECONDS", 30, minimum=1)
# Answers 429/503 are tried again (Retry-After honoured, else waiting twice as long each time,
# at most this long); after TRYGG_POLISEN_TRIES calls in all the run gives up.
TRYGG_POLISEN_MAX_BACKOFF_SECONDS = env_int("TRYGG_POLISEN_MAX_BACKOFF_SECONDS", 300, minimum=1)
TRYGG_POLISEN_TRIES = env_int("TRYGG_POLISEN_TRIES", 4, minimum=1)

# The REST API (trygg.api): token or session sign-in, scoped like the pages, paginated.
REST_FRAMEWORK = {
    # Token first, so that a request without credentials is answered 401 with
    # "WWW-Authenticate: Token" rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only (the schema's media type): a form cannot say null or a nested value,
    # so other media types answer 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "trygg.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, documenting every operation's error responses too.
    "DEFAULT_SCHEMA_CLASS": "trygg.api.schema.AutoSchema",
    # JSON bodies with Swedish messages for every error (trygg.api.errors).
    "EXCEPTION_HANDLER": "trygg.api.errors.exception_handler",
    # Rates per client (trygg.api.throttling), counted in the default cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "trygg.api.throttling.AnonThrottle",
        "trygg.api.throttling.UserThrottle",
    ],
    # How many proxies in front set X-Forwarded-For: the client's address is read from it only
    # then; with 0 it is REMOTE_ADDR, and a client cannot pick its own by sending the header.
    "NUM_PROXIES": env_int("TRYGG_NUM_PROXIES", 0, minimum=0),
}
# Requests per client and period (DRF's notation: 60/minute, 1000/hour; "off" for no limit).
TRYGG_API_ANON_RATE = env_rate("TRYGG_API_ANON_RATE", "60/minute")
TRYGG_API_USER_RATE = env_rate("TRYGG_API_USER_RATE", "1200/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Trygg API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Areas, organisations, the category taxonomy and incidents of a Trygg installation. "
        "Sign in with a token (`Authorization: Token …`, printed by `trygg createtoken USERNAME`) "
        "or a browser session; every list is limited to what the user may see on the pages."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get names of their own (not a hash).
    "ENUM_NAME_OVERRIDES": {
        "TrafficLightEnum": "trygg.plans.models.TrafficLight",
        "MeasureKindEnum": "trygg.plans.models.MeasureKind",
        "IndicatorKindEnum": "trygg.plans.models.IndicatorKind",
    },
}

# Background tasks (django.tasks): large imports run in `trygg db_worker`, which django-tasks-db
# feeds from a queue table in the same database; `make run` starts it beside the web server.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
