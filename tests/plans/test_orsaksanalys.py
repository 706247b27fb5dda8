"""Editing and deleting causes and evidence on the problem page: coordinators only, history
kept."""

from __future__ import annotations

import pytest

from trygg.plans.models import Cause, Evidence


@pytest.fixture
def evidence(cause):
    return Evidence.objects.create(
        cause=cause,
        title="Samlingar kvällstid",
        selection={"area_ids": [], "category_ids": [], "period_kind": "month",
                   "start": "2023-01-01", "end": "2023-06-30"},
    )  # fmt: skip


def test_a_coordinator_edits_a_cause(client, world, cause):
    client.force_login(world.alice)
    url = f"/atgardsplan/orsak/{cause.pk}/andra/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Få vuxna ute kvällstid", "description": "Fältare slutar 21.", "position": 2}
    )
    assert response.status_code == 302 and response["Location"] == cause.problem.get_absolute_url()
    cause.refresh_from_db()
    assert (cause.title, cause.description, cause.position) == (
        "Få vuxna ute kvällstid", "Fältare slutar 21.", 2,
    )  # fmt: skip
    assert cause.history.count() == 2


def test_deleting_a_cause_asks_first_and_says_what_goes_with_it(client, world, measure, evidence):
    cause = evidence.cause
    client.force_login(world.alice)
    url = f"/atgardsplan/orsak/{cause.pk}/ta-bort/"
    page = client.get(url).content.decode()
    assert "Samlingar kvällstid" in page and measure.title in page
    assert Cause.objects.filter(pk=cause.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Cause.objects.filter(pk=cause.pk).exists()
    assert not Evidence.objects.exists()
    assert not measure.causes.exists()
    # The history keeps the deleted cause and its evidence, and the problem page lists them.
    assert Cause.history.filter(id=cause.pk, history_type="-").exists()
    assert Evidence.history.filter(id=evidence.pk, history_type="-").exists()
    problem_page = client.get(cause.problem.get_absolute_url()).content.decode()
    assert "Få vuxna ute på kvällarna" in problem_page  # the cause's name, in the history
    assert problem_page.count("Samlingar kvällstid") == 2  # evidence created and removed


def test_a_coordinator_edits_evidence_and_moves_it_to_the_problem(client, world, evidence):
    problem = evidence.cause.problem
    client.force_login(world.alice)
    url = f"/atgardsplan/underlag/{evidence.pk}/andra/"
    form = client.get(url).content.decode()
    assert 'value="Samlingar kvällstid"' in form and 'value="2023-01-01"' in form
    response = client.post(
        url,
        {"title": "Samlingar, hela året", "areas": [world.liljeholmen.pk],
         "period_kind": "quarter", "start": "2023-01-01", "end": "2023-12-31", "cause": ""},
    )  # fmt: skip
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.title, evidence.problem, evidence.cause) == (
        "Samlingar, hela året", problem, None,
    )  # fmt: skip
    assert evidence.selection["area_ids"] == [world.liljeholmen.pk]
    assert "periodtyp=quarter" in evidence.analysis_url
    assert evidence.history.count() == 2


def test_evidence_cannot_name_a_cause_of_another_problem(client, world, evidence, plan):
    other = plan.problems.create(title="Annat problem")
    elsewhere = Cause.objects.create(problem=other, title="Annan orsak")
    client.force_login(world.alice)
    response = client.post(
        f"/atgardsplan/underlag/{evidence.pk}/andra/",
        {"title": "x", "period_kind": "month", "cause": elsewhere.pk},
    )
    assert response.status_code == 200  # the form again, with the error
    evidence.refresh_from_db()
    assert evidence.cause != elsewhere


def test_a_coordinator_deletes_evidence(client, world, evidence):
    client.force_login(world.alice)
    response = client.post(f"/atgardsplan/underlag/{evidence.pk}/ta-bort/")
    assert response.status_code == 302 and not Evidence.objects.exists()


@pytest.mark.parametrize("actor", ["carol", "bob", "dave"])
@pytest.mark.parametrize(
    "url",
    ["/atgardsplan/orsak/{cause}/andra/", "/atgardsplan/orsak/{cause}/ta-bort/",
     "/atgardsplan/underlag/{evidence}/andra/", "/atgardsplan/underlag/{evidence}/ta-bort/"],
)  # fmt: skip
def test_only_coordinators_change_the_orsaksanalys(client, world, evidence, actor, url):
    client.force_login(getattr(world, actor))
    filled = url.format(cause=evidence.cause_id, evidence=evidence.pk)
    assert client.get(filled).status_code == 403
    assert client.post(filled, {"title": "Nej"}).status_code == 403
    assert Evidence.objects.get().title == "Samlingar kvällstid"
    assert Cause.objects.get().title == "Få vuxna ute på kvällarna"


def test_the_problem_page_offers_edit_links_to_coordinators_only(client, world, evidence):
    problem = evidence.cause.problem
    edit = f"/atgardsplan/orsak/{evidence.cause_id}/andra/"
    client.force_login(world.alice)
    assert edit in client.get(problem.get_absolute_url()).content.decode()
    client.force_login(world.carol)
    assert edit not in client.get(problem.get_absolute_url()).content.decode()
