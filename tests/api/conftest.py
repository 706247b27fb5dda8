"""API clients signed in as the world's actors, and incidents recorded the way imports do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident, Source


@pytest.fixture
def api(world):
    """``api("bob")`` is a client sending bob's token; ``api(None)`` is anonymous."""

    def client_for(actor: str | None) -> APIClient:
        client = APIClient()
        if actor is not None:
            token, _created = Token.objects.get_or_create(user=getattr(world, actor))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def report(world):
    """Record one incident as a trusted import would, e.g. ``report("liljeholmen", "housing")``."""

    def record(
        area: str,
        organisation: str | None,
        *,
        category: str = "klotter",
        days_ago: float = 1,
        source: str = Source.IMPORT,
        **fields: object,
    ) -> Incident:
        draft = IncidentDraft(
            category=Category.objects.get(code=category),
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            area=getattr(world, area),
            organisation=getattr(world, organisation) if organisation else None,
            **fields,  # type: ignore[arg-type]
        )
        return record_incidents([draft], source=source).created[0]

    return record
