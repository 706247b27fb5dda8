"""Rate limits for the API: anonymous clients per address, signed-in users per account.

The rates are ``TRYGG_API_ANON_RATE`` and ``TRYGG_API_USER_RATE`` (settings, from the
environment), read on every request rather than once at import as DRF's own classes do, so a
changed setting (a test's, say) takes effect at once; None means no limit. The counts live in
Django's default cache: ``CACHE_URL`` must name one the app servers share (Redis or a database
table) for the limits to hold across processes. Over the limit is a 429 with ``Retry-After``
and a Swedish message (``trygg.api.errors``).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        rate: str | None = settings.TRYGG_API_ANON_RATE
        return rate


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        rate: str | None = settings.TRYGG_API_USER_RATE
        return rate
