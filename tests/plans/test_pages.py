"""The Åtgärdsplan pages through the test client: coordinators write, members read."""

from __future__ import annotations

import datetime as dt

import pytest

from trygg.plans.models import ActionPlan, Cause, Evidence, FollowUp, Measure, Problem


def test_a_coordinator_creates_a_plan_a_problem_a_cause_a_measure_and_a_follow_up(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/atgardsplan/ny/",
        {
            "title": "Åtgärdsplan 2024–2025",
            "area": world.district.pk,
            "period_start": "2024-01-01",
            "period_end": "2025-12-31",
        },
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    response = client.post(
        f"/atgardsplan/{plan.pk}/besluta/",
        {"decided_by": "Stadsdelsnämnden", "decided_at": "2024-02-15"},
    )
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2026, 2, 15)

    response = client.post(
        f"/atgardsplan/{plan.pk}/problem/ny/",
        {"title": "Unga i risk", "priority": 1, "areas": [world.liljeholmen.pk]},
    )
    problem = Problem.objects.get()
    assert response["Location"] == problem.get_absolute_url()

    client.post(problem.get_absolute_url(), {"cause-title": "Rekrytering via sociala medier"})
    cause = Cause.objects.get()
    assert cause.problem == problem
    client.post(
        problem.get_absolute_url(),
        {
            "evidence-title": "Samlingar i Liljeholmen",
            "evidence-areas": [world.liljeholmen.pk],
            "evidence-period_kind": "month",
            "evidence-start": "2023-01-01",
            "evidence-end": "2023-12-31",
            "evidence-cause": cause.pk,
        },
    )
    evidence = Evidence.objects.get()
    assert evidence.cause == cause
    assert f"omrade={world.liljeholmen.pk}" in evidence.analysis_url

    response = client.post(
        f"/atgardsplan/{plan.pk}/atgard/ny/",
        {
            "title": "Fältassistenter kvällstid",
            "causes": [cause.pk],
            "kind": "ordinarie",
            "responsible_organisation": world.sdf.pk,
            "contact_name": "Alex",
            "contact_email": "alex@sdf.example",
            "starts_on": "2024-03-01",
            "status": "gron",
            "next_follow_up_on": "2024-06-01",
        },
    )
    measure = Measure.objects.get()
    assert response["Location"] == measure.get_absolute_url()
    assert list(measure.causes.all()) == [cause]

    client.post(
        measure.get_absolute_url(),
        {"follow-on": "2024-06-03", "follow-status": "gul", "follow-text": "Färre pass.",
         "follow-next_follow_up_on": "2024-09-01"},
    )  # fmt: skip
    measure.refresh_from_db()
    assert measure.status == "gul" and measure.next_follow_up_on == dt.date(2024, 9, 1)
    assert FollowUp.objects.get().author == world.alice

    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert "Fältassistenter kvällstid" in page.content.decode()


def test_the_plan_page_shows_brå_columns_and_flags_overdue_follow_ups(client, world, measure):
    client.force_login(world.bob)
    page = client.get(measure.plan.get_absolute_url()).content.decode()
    for column in ("Orsak", "Åtgärd", "Operativa mål", "När", "Vem", "Uppföljning"):
        assert f">{column}</th>" in page
    assert "status--forfallet" in page  # next follow-up 2023-06-01 is past


def test_the_plan_table_filters_by_status(client, world, measure):
    client.force_login(world.alice)
    assert (
        measure.title
        in client.get(measure.plan.get_absolute_url() + "?status=gron").content.decode()
    )
    assert (
        measure.title
        not in client.get(measure.plan.get_absolute_url() + "?status=rod").content.decode()
    )


@pytest.mark.parametrize(
    "url",
    ["/atgardsplan/{plan}/andra/", "/atgardsplan/{plan}/besluta/",
     "/atgardsplan/{plan}/problem/ny/", "/atgardsplan/{plan}/atgard/ny/",
     "/atgardsplan/problem/{problem}/andra/", "/atgardsplan/atgard/{measure}/andra/"],
)  # fmt: skip
def test_a_reader_cannot_edit(client, world, measure, url):
    client.force_login(world.carol)  # analyst: reads the plan
    problem = measure.causes.get().problem
    assert client.get(measure.plan.get_absolute_url()).status_code == 200
    filled = url.format(plan=measure.plan.pk, problem=problem.pk, measure=measure.pk)
    assert client.get(filled).status_code == 403
    assert client.post(filled, {"title": "x"}).status_code == 403


def test_a_reader_cannot_add_causes(client, world, problem):
    client.force_login(world.carol)
    response = client.post(problem.get_absolute_url(), {"cause-title": "Nej"})
    assert response.status_code == 403 and not problem.causes.exists()


def test_the_responsible_organisation_may_add_follow_ups(client, world, measure):
    client.force_login(world.bob)  # member of the housing company that runs the measure
    response = client.post(
        measure.get_absolute_url(),
        {"follow-on": "2023-06-02", "follow-status": "rod", "follow-text": "Inga vandrare."},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "rod" and measure.next_follow_up_on is None


def test_others_may_not_add_follow_ups(client, world, measure):
    client.force_login(world.carol)
    response = client.post(
        measure.get_absolute_url(),
        {"follow-on": "2023-06-02", "follow-status": "rod", "follow-text": "Nej."},
    )
    assert response.status_code == 403 and not measure.follow_ups.exists()


def test_outsiders_see_nothing(client, world, plan):
    client.force_login(world.dave)  # coordinator of Skärholmen
    assert client.get(plan.get_absolute_url()).status_code == 403
    assert plan.title not in client.get("/atgardsplan/").content.decode()
    client.force_login(world.erin)
    assert client.get("/atgardsplan/").status_code == 403


def test_a_measure_without_area_says_how_to_evaluate_it(client, world, measure):
    client.force_login(world.alice)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert 'id="evaluation-heading"' in page
    assert "start" in page.lower()


def test_overview_lists_overdue_measures(client, world, measure):
    client.force_login(world.alice)
    page = client.get("/").content.decode()
    assert 'id="overdue-measures-heading"' in page and measure.title in page
    client.force_login(world.dave)
    assert measure.title not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Ring förälder 19121212-1212 om eleven.", "personnummer"),
        ("x" * 100_000, "som mest 10000 tecken"),
    ],
)
def test_a_follow_up_with_a_personnummer_or_too_long_is_refused_and_kept_in_the_form(
    client, world, measure, text, message
):
    client.force_login(world.bob)
    response = client.post(
        measure.get_absolute_url(),
        {"follow-on": "2023-06-02", "follow-status": "rod", "follow-text": text},
    )
    assert response.status_code == 200 and not measure.follow_ups.exists()
    page = response.content.decode()
    assert message in page
    assert text[:30] in page  # nothing the user typed is lost


def _follow_up(client, world, measure, on, status, text):
    client.force_login(world.bob)
    client.post(
        measure.get_absolute_url(),
        {"follow-on": on, "follow-status": status, "follow-text": text},
    )
    return measure.follow_ups.get(text=text)


def test_the_author_corrects_a_follow_up_and_the_measure_takes_its_light(client, world, measure):
    first = _follow_up(client, world, measure, "2023-05-02", "gul", "Få vandrare.")
    latest = _follow_up(client, world, measure, "2023-06-02", "rod", "Inga vandrare.")
    page = client.get(measure.get_absolute_url()).content.decode()
    assert f"/atgardsplan/uppfoljning/{latest.pk}/" in page
    response = client.post(
        f"/atgardsplan/uppfoljning/{latest.pk}/",
        {"on": "2023-06-02", "status": "gron", "text": "Vandrare varje kväll."},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "gron" and measure.status_reason == "Vandrare varje kväll."
    assert latest.history.count() == 2 and latest.history.earliest().text == "Inga vandrare."
    # A personnummer is refused here too, and the row keeps what it had.
    response = client.post(
        f"/atgardsplan/uppfoljning/{first.pk}/",
        {"on": "2023-05-02", "status": "gul", "text": "Ring 19121212-1212."},
    )
    assert response.status_code == 200 and "personnummer" in response.content.decode()
    first.refresh_from_db()
    assert first.text == "Få vandrare."


def test_removing_the_latest_follow_up_asks_first_and_gives_the_light_back(client, world, measure):
    _follow_up(client, world, measure, "2023-05-02", "gul", "Få vandrare.")
    latest = _follow_up(client, world, measure, "2023-06-02", "rod", "Inga vandrare.")
    url = f"/atgardsplan/uppfoljning/{latest.pk}/ta-bort/"
    page = client.get(url).content.decode()
    assert "Inga vandrare." in page and "den senaste uppföljningen" in page
    assert measure.follow_ups.count() == 2
    assert client.post(url).status_code == 302
    measure.refresh_from_db()
    assert measure.status == "gul" and measure.follow_ups.count() == 1


def test_others_neither_correct_nor_remove_a_follow_up(client, world, measure):
    follow_up = _follow_up(client, world, measure, "2023-05-02", "gul", "Få vandrare.")
    client.force_login(world.carol)
    assert client.get(f"/atgardsplan/uppfoljning/{follow_up.pk}/").status_code == 403
    assert client.post(f"/atgardsplan/uppfoljning/{follow_up.pk}/ta-bort/").status_code == 403
    assert measure.follow_ups.count() == 1
    client.force_login(world.alice)  # the plan's coordinator
    assert client.get(f"/atgardsplan/uppfoljning/{follow_up.pk}/").status_code == 200
