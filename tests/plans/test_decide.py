"""Deciding a plan is its own step (the plan page's "Besluta planen"), never a field of the
plan form; deciding supersedes the area's earlier decided plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from trygg.plans.actions import PlanCannotBeDecided, decide_plan
from trygg.plans.models import ActionPlan, PlanStatus


@pytest.fixture
def draft(world):
    return ActionPlan.objects.create(
        title="Åtgärdsplan 2025–2026", area=world.district, period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )  # fmt: skip


def _plan_form(plan, **changes):
    data = {
        "title": plan.title,
        "area": plan.area_id,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
    }
    return {**data, **changes}


def test_deciding_through_the_page_supersedes_the_earlier_decided_plan(client, world, plan, draft):
    client.force_login(world.alice)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f'href="/atgardsplan/{draft.pk}/besluta/"' in page and "Besluta planen" in page

    confirm = client.get(f"/atgardsplan/{draft.pk}/besluta/").content.decode()
    assert plan.title in confirm  # it says which plan the decision supersedes
    response = client.post(
        f"/atgardsplan/{draft.pk}/besluta/",
        {"decided_by": "Stadsdelsnämnden", "decided_at": "2025-02-20"},
    )
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    plan.refresh_from_db()
    assert (draft.status, draft.decided_by, draft.decided_at) == (
        PlanStatus.BESLUTAD, "Stadsdelsnämnden", dt.date(2025, 2, 20),
    )  # fmt: skip
    assert plan.status == PlanStatus.ERSATT
    assert plan.history.first().status == PlanStatus.ERSATT  # the history records it
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(plan.title in message for message in told)


def test_the_decision_needs_the_body_and_the_day(client, world, draft):
    client.force_login(world.alice)
    response = client.post(
        f"/atgardsplan/{draft.pk}/besluta/", {"decided_by": "", "decided_at": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"decided_by", "decided_at"}
    draft.refresh_from_db()
    assert draft.status == PlanStatus.UTKAST


@pytest.mark.parametrize("url", ["/atgardsplan/ny/", "/atgardsplan/{plan}/andra/"])
def test_the_plan_form_cannot_set_the_status(client, world, draft, url):
    client.force_login(world.alice)
    response = client.post(
        url.format(plan=draft.pk),
        _plan_form(draft, status="beslutad", decided_by="Nämnden", decided_at="2025-02-20"),
    )
    assert response.status_code == 302
    for saved in ActionPlan.objects.all():
        assert (saved.status, saved.decided_by, saved.decided_at) == (PlanStatus.UTKAST, "", None)


def test_editing_a_decided_plan_keeps_its_decision(client, world, plan):
    client.force_login(world.alice)
    client.post(
        f"/atgardsplan/{plan.pk}/andra/", _plan_form(plan, title="Ny titel", status="utkast")
    )
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.decided_at) == (
        "Ny titel", PlanStatus.BESLUTAD, dt.date(2023, 2, 16),
    )  # fmt: skip


def test_a_decision_can_be_corrected_without_superseding_anything(client, world, plan):
    client.force_login(world.alice)
    page = client.get(f"/atgardsplan/{plan.pk}/besluta/").content.decode()
    assert "Ändra beslutet" in page and 'value="Stadsdelsnämnden"' in page
    client.post(
        f"/atgardsplan/{plan.pk}/besluta/",
        {"decided_by": "Stadsdelsnämnden", "decided_at": "2023-02-23"},
    )
    plan.refresh_from_db()
    assert (plan.status, plan.decided_at) == (PlanStatus.BESLUTAD, dt.date(2023, 2, 23))


def test_a_superseded_plan_is_not_decided_again(client, world, plan, draft):
    decide_plan(draft, decided_by="Stadsdelsnämnden", decided_at=dt.date(2025, 2, 20))
    plan.refresh_from_db()
    with pytest.raises(PlanCannotBeDecided):
        decide_plan(plan, decided_by="Stadsdelsnämnden", decided_at=dt.date(2025, 3, 1))
    client.force_login(world.alice)
    assert "besluta/" not in client.get(plan.get_absolute_url()).content.decode()
    response = client.post(
        f"/atgardsplan/{plan.pk}/besluta/",
        {"decided_by": "Stadsdelsnämnden", "decided_at": "2025-03-01"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    plan.refresh_from_db()
    assert (plan.status, draft.status) == (PlanStatus.ERSATT, PlanStatus.BESLUTAD)


def test_the_admin_shows_the_decision_but_does_not_change_it(client, world, draft):
    client.force_login(world.alice)
    url = reverse("admin:plans_actionplan_change", args=[draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {**_plan_form(draft, title="Ändrad i admin", status="beslutad", decided_by="Nämnden",
                      decided_at="2025-02-20"), "summary": "", "situation_report_title": "",
         "problems-TOTAL_FORMS": "0", "problems-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.title == "Ändrad i admin"
    assert (draft.status, draft.decided_by, draft.decided_at) == (PlanStatus.UTKAST, "", None)
