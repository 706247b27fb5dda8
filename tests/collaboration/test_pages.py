"""The Samverkan pages through real HTTP: lists, details, forms with formsets, documents."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.collaboration.conftest import PDF, form_data, formset_data
from trygg.collaboration.links import choice_key
from trygg.collaboration.models import (
    ActionItem,
    Agreement,
    AgreementDocument,
    CitizenPromise,
    Decision,
    Forum,
    Meeting,
)

pytestmark = pytest.mark.django_db


def page_urls(agreement, council, meeting, promise):
    return {
        "index": reverse("collaboration:index"),
        "agreements": reverse("collaboration:agreement_list"),
        "agreement": reverse("collaboration:agreement_detail", args=[agreement.pk]),
        "promises": reverse("collaboration:promise_list"),
        "promise": reverse("collaboration:promise_detail", args=[promise.pk]),
        "forums": reverse("collaboration:forum_list"),
        "forum": reverse("collaboration:forum_detail", args=[council.pk]),
        "meeting": reverse("collaboration:meeting_detail", args=[meeting.pk]),
        "calendar": reverse("collaboration:calendar"),
        "checklist": reverse("compliance:checklist"),
    }


def edit_urls(agreement, council, meeting, promise):
    return {
        "agreement_create": reverse("collaboration:agreement_create"),
        "agreement_edit": reverse("collaboration:agreement_edit", args=[agreement.pk]),
        "promise_create": reverse("collaboration:promise_create"),
        "promise_edit": reverse("collaboration:promise_edit", args=[promise.pk]),
        "forum_create": reverse("collaboration:forum_create"),
        "forum_edit": reverse("collaboration:forum_edit", args=[council.pk]),
        "meeting_create": reverse("collaboration:meeting_create", args=[council.pk]),
        "meeting_edit": reverse("collaboration:meeting_edit", args=[meeting.pk]),
        "minutes": reverse("collaboration:meeting_minutes", args=[meeting.pk]),
    }


@pytest.fixture
def promise(world):
    found = CitizenPromise.objects.create(
        title="Medborgarlöfte", promise="Vi lovar", area=world.liljeholmen,
        starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 12, 31),
    )  # fmt: skip
    found.parties.set([world.police])
    return found


@pytest.fixture
def everything(agreement, council, meeting_on, promise):
    return agreement, council, meeting_on(dt.date(2023, 10, 13)), promise


@pytest.mark.parametrize("actor", ["alice", "bob", "carol"])
def test_members_read_every_page(client, world, everything, actor):
    client.force_login(getattr(world, actor))
    for name, url in page_urls(*everything).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert '<html lang="sv">' in response.content.decode()


def test_pages_need_a_membership_and_a_sign_in(client, world, everything):
    for name, url in page_urls(*everything).items():
        assert client.get(url).status_code == 302, name
    client.force_login(world.erin)
    for name, url in page_urls(*everything).items():
        assert client.get(url).status_code in (403, 404), name


def test_another_districts_coordinator_sees_none_of_it(client, world, everything):
    agreement, council, meeting, promise = everything
    client.force_login(world.dave)
    for obj in (agreement, council, meeting, promise):
        assert client.get(obj.get_absolute_url()).status_code == 403
    assert "Lokalt råd" not in client.get(reverse("collaboration:index")).content.decode()


@pytest.mark.parametrize("actor", ["bob", "carol", "dave"])
def test_only_the_areas_coordinator_edits(client, world, everything, actor):
    client.force_login(getattr(world, actor))
    for name, url in edit_urls(*everything).items():
        if actor == "dave" and name in ("agreement_create", "promise_create", "forum_create"):
            continue  # dave coordinates Skärholmen and may create there
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name


def test_coordinator_opens_every_form(client, world, everything):
    client.force_login(world.alice)
    for name, url in edit_urls(*everything).items():
        assert client.get(url).status_code == 200, name


def test_navigation_has_a_collaboration_section(client, world):
    client.force_login(world.bob)
    html = client.get(reverse("front:overview")).content.decode()
    assert f'href="{reverse("collaboration:index")}"' in html
    assert ">Samverkan<" in html


def test_overview_lists_upcoming_meetings(client, world, council, meeting_on):
    meeting_on(dt.date.today() - dt.timedelta(days=3), title="Förra mötet")
    meeting_on(dt.date.today() + dt.timedelta(days=10), title="Nästa råd")
    client.force_login(world.bob)
    html = client.get(reverse("front:overview")).content.decode()
    assert "Kommande möten" in html
    assert "Nästa råd" in html
    assert "Förra mötet" not in html


def test_coordinator_creates_an_agreement_with_signatories(client, world, priority_areas):
    client.force_login(world.alice)
    url = reverse("collaboration:agreement_create")
    form = client.get(url).context["signatories"]
    data = formset_data(form)
    data.update({
        "title": "Lokal samverkansöverenskommelse", "scope": "lokal", "area": world.district.pk,
        "parties": [world.police.pk, world.sdf.pk], "signed_on": "2019-11-20",
        "sign-0-name": "Anna Andersson", "sign-0-title": "stadsdelsdirektör",
        "sign-0-organisation": world.sdf.pk,
    })  # fmt: skip
    response = client.post(url, data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.annex_review_due == dt.date(2023, 11, 20)
    assert set(agreement.parties.all()) == {world.police, world.sdf}
    assert agreement.signatories.get().name == "Anna Andersson"
    assert agreement.priorities.count() == 10
    page = client.get(response["Location"]).content.decode()
    assert "20 november 2023" in page
    assert "Kamerabevakning" in page


def test_a_coordinator_cannot_place_an_agreement_outside_their_areas(client, world, priority_areas):
    client.force_login(world.alice)
    url = reverse("collaboration:agreement_create")
    data = formset_data(client.get(url).context["signatories"])
    data.update({"title": "X", "scope": "lokal", "area": world.skarholmen.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_coordinator_prioritises_an_area_locally_with_a_reason(client, world, agreement):
    client.force_login(world.alice)
    url = reverse("collaboration:agreement_edit", args=[agreement.pk])
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["signatories"]))
    data.update(formset_data(page.context["priorities"]))
    unga = next(
        f for f in page.context["priorities"].forms
        if f.instance.pk and f.instance.priority_area.code == "unga-i-risk"
    )  # fmt: skip
    data[unga.add_prefix("is_prioritised")] = "on"
    data[unga.add_prefix("reason")] = "Utifrån den lokala lägesbilden"
    data[unga.add_prefix("status_note")] = "Hanteras löpande i verksamheten"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    priority = agreement.priorities.get(priority_area__code="unga-i-risk")
    assert priority.is_prioritised
    assert priority.status_note == "Hanteras löpande i verksamheten"
    assert agreement.priorities.filter(is_prioritised=True).count() == 1


def test_a_pdf_is_attached_stored_under_media_and_served_to_readers(
    client, world, agreement, media
):
    client.force_login(world.alice)
    upload = SimpleUploadedFile("avtal.pdf", PDF, content_type="application/pdf")
    response = client.post(agreement.get_absolute_url(), {"title": "Bilaga 1", "file": upload})
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    assert document.file.path.startswith(str(media))
    assert "avtal" not in document.file.name  # the uploader's name never reaches the disk
    client.force_login(world.bob)
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    client.force_login(world.dave)
    assert client.get(document.get_absolute_url()).status_code == 403
    client.logout()
    assert client.get(document.get_absolute_url()).status_code == 302


@pytest.mark.parametrize(
    "content",
    [b"Hej, det h\xe4r \xe4r ingen PDF", b"%PDF-1.4 but cut off", b"PK\x03\x04 docx"],
)
def test_only_real_pdfs_are_accepted(client, world, agreement, content):
    client.force_login(world.alice)
    upload = SimpleUploadedFile("avtal.pdf", content, content_type="application/pdf")
    response = client.post(agreement.get_absolute_url(), {"title": "X", "file": upload})
    assert response.status_code == 200
    assert "Filen är inte ett PDF-dokument." in response.content.decode()
    assert not AgreementDocument.objects.exists()


def test_readers_cannot_attach_or_remove_documents(client, world, agreement):
    client.force_login(world.alice)
    client.post(agreement.get_absolute_url(),
                {"title": "B", "file": SimpleUploadedFile("a.pdf", PDF)})  # fmt: skip
    document = AgreementDocument.objects.get()
    client.force_login(world.bob)
    upload = SimpleUploadedFile("b.pdf", PDF)
    assert client.post(agreement.get_absolute_url(), {"file": upload}).status_code == 403
    remove = reverse("collaboration:document_delete", args=[agreement.pk, document.pk])
    assert client.post(remove).status_code == 403
    client.force_login(world.alice)
    assert client.post(remove).status_code == 302
    assert not AgreementDocument.objects.exists()


def test_coordinator_writes_a_citizen_promise_with_follow_ups(client, world):
    client.force_login(world.alice)
    url = reverse("collaboration:promise_create")
    data = formset_data(client.get(url).context["follow_ups"])
    data.update({
        "title": "Tryggare Liljeholmen", "promise": "Fler kvällsvandringar", "area": world.liljeholmen.pk,
        "parties": [world.police.pk], "starts_on": "2023-01-01", "ends_on": "2023-12-31",
        "dialogue": "Trygghetsvandring", "follow-0-due_on": "2023-06-30", "follow-0-status": "gul",
    })  # fmt: skip
    response = client.post(url, data)
    promise = CitizenPromise.objects.get()
    assert response["Location"] == promise.get_absolute_url()
    assert promise.follow_ups.get().due_on == dt.date(2023, 6, 30)
    assert "Fler kvällsvandringar" in client.get(response["Location"]).content.decode()


def test_coordinator_creates_a_forum_with_members_and_a_chair(client, world):
    client.force_login(world.alice)
    url = reverse("collaboration:forum_create")
    data = formset_data(client.get(url).context["members"])
    data.update({
        "name": "Beredningsgrupp", "kind": "beredningsgrupp", "area": world.district.pk,
        "rhythm": "manadsvis", "is_active": "on",
        "member-0-user": world.alice.pk, "member-0-is_chair": "on",
        "member-1-name": "Kim Rektor", "member-1-title": "rektor",
    })  # fmt: skip
    response = client.post(url, data)
    forum = Forum.objects.get()
    assert response["Location"] == forum.get_absolute_url()
    assert forum.chair.user == world.alice
    assert {m.display_name for m in forum.members.all()} == {"alice", "Kim Rektor"}
    page = client.get(forum.get_absolute_url()).content.decode()
    assert "Kim Rektor" in page and "ordförande" in page


def test_a_forum_form_refuses_two_chairs(client, world):
    client.force_login(world.alice)
    url = reverse("collaboration:forum_create")
    data = formset_data(client.get(url).context["members"])
    data.update({
        "name": "Råd", "kind": "lokalt_rad", "area": world.district.pk,
        "member-0-user": world.alice.pk, "member-0-is_chair": "on",
        "member-1-name": "Kim", "member-1-is_chair": "on",
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ett forum har en ordförande." in response.content.decode()
    assert not Forum.objects.exists()


def test_the_chair_can_move_to_another_member_in_one_save(client, world, council):
    client.force_login(world.alice)
    url = reverse("collaboration:forum_edit", args=[council.pk])
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["members"]))
    forms = page.context["members"].forms
    del data[forms[0].add_prefix("is_chair")]
    data[forms[1].add_prefix("is_chair")] = "on"
    assert client.post(url, data).status_code == 302
    assert Forum.objects.get().chair.user == world.bob


def test_a_meeting_is_planned_then_its_agenda_links_an_agreement(client, world, council, agreement):
    client.force_login(world.alice)
    url = reverse("collaboration:meeting_create", args=[council.pk])
    response = client.post(url, {
        "date": "2034-10-13", "start": "09:00", "end": "11:00", "address": "Telefonvägen 30",
        "room": "plan 10, rum Paddan", "contact_name": "Kim Kontakt",
        "contact_email": "kim@example.org",
    })  # fmt: skip
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("collaboration:meeting_edit", args=[meeting.pk])
    assert meeting.starts_at.isoformat() == "2034-10-13T07:00:00+00:00"  # 09.00 in Stockholm
    page = client.get(response["Location"])
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["agenda"]))
    data.update({
        "agenda-0-position": "1", "agenda-0-title": "Översyn av bilagan",
        "agenda-0-link": choice_key(agreement),
    })  # fmt: skip
    assert client.post(response["Location"], data).status_code == 302
    item = meeting.agenda_items.get()
    assert item.linked == agreement
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{agreement.get_absolute_url()}"' in detail
    assert "Fredag 13 oktober 2034" in detail
    assert "09.00–11.00" in detail
    assert "Telefonvägen 30, plan 10, rum Paddan" in detail


def test_an_agenda_item_cannot_link_to_a_record_the_user_cannot_see(
    client, world, council, meeting_on, priority_areas
):
    from trygg.collaboration.actions import save_agreement

    hidden = save_agreement(Agreement(title="Skärholmen", scope="lokal", area=world.skarholmen))
    meeting = meeting_on(dt.date(2031, 1, 10))
    client.force_login(world.alice)
    url = reverse("collaboration:meeting_edit", args=[meeting.pk])
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["agenda"]))
    data.update({"agenda-0-title": "X", "agenda-0-link": choice_key(hidden)})
    response = client.post(url, data)
    assert response.status_code == 200
    assert not meeting.agenda_items.exists()


def test_an_end_before_the_start_is_refused(client, world, council):
    client.force_login(world.alice)
    url = reverse("collaboration:meeting_create", args=[council.pk])
    response = client.post(url, {"date": "2034-10-13", "start": "11:00", "end": "09:00"})
    assert response.status_code == 200
    assert "Mötet måste sluta efter att det börjar." in response.content.decode()
    assert not Meeting.objects.exists()


def test_minutes_record_decisions_and_action_items(client, world, council, meeting_on):
    meeting = meeting_on(dt.date(2023, 9, 15))
    client.force_login(world.alice)
    url = reverse("collaboration:meeting_minutes", args=[meeting.pk])
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["decisions"]))
    data.update(formset_data(page.context["items"]))
    data.update({
        "minutes": "1. Ny lag\nGenomgång av lagen.",
        "decision-0-text": "Rådet beslutar att söka pengar hos Brå.",
        "action-0-title": "Ansöka hos Brå", "action-0-owner": world.bob.pk,
        "action-0-due_on": "2023-11-30",
        "action-1-title": "Redan klart", "action-1-owner_name": "Extern", "action-1-done": "on",
    })  # fmt: skip
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes.startswith("1. Ny lag")
    assert meeting.decisions.get().text == "Rådet beslutar att söka pengar hos Brå."
    open_item = meeting.action_items.get(title="Ansöka hos Brå")
    assert open_item.owner == world.bob and not open_item.done
    assert meeting.action_items.get(title="Redan klart").done_on is not None
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Rådet beslutar att söka pengar hos Brå." in html
    assert "Genomgång av lagen." in html


def test_the_owner_marks_an_action_item_done_and_reopens_it(
    client, world, council, meeting_on, action
):
    item = action(meeting_on(dt.date(2023, 9, 15)), owner=world.bob)
    url = reverse("collaboration:action_item_done", args=[item.pk])
    client.force_login(world.carol)
    assert client.post(url, {"done": "1"}).status_code == 403
    client.force_login(world.bob)
    assert client.get(url).status_code == 405
    response = client.post(url, {"done": "1", "next": "https://evil.example/"})
    assert response["Location"] == item.meeting.get_absolute_url()
    item.refresh_from_db()
    assert item.done and item.done_on is not None
    client.post(url, {"done": "0"})
    item.refresh_from_db()
    assert not item.done and item.done_on is None
    assert ActionItem.objects.count() == 1


def test_minutes_with_a_personnummer_are_refused_and_kept_in_the_form(
    client, world, council, meeting_on
):
    meeting = meeting_on(dt.date(2023, 9, 15))
    client.force_login(world.alice)
    url = reverse("collaboration:meeting_minutes", args=[meeting.pk])
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["decisions"]))
    data.update(formset_data(page.context["items"]))
    data.update({
        "minutes": "Eleven 19121212-1212 togs upp.",
        "decision-0-text": "Beslut om 701063-2391.",
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("personnummer") >= 2
    assert "Eleven 19121212-1212 togs upp." in html
    meeting.refresh_from_db()
    assert meeting.minutes == "" and not meeting.decisions.exists()


def test_removing_a_decision_in_the_minutes_asks_first_and_history_keeps_it(
    client, world, council, meeting_on
):
    meeting = meeting_on(dt.date(2023, 9, 15), minutes="Protokoll.")
    decision = Decision.objects.create(meeting=meeting, text="Rådet söker medel hos Brå.")
    client.force_login(world.alice)
    url = reverse("collaboration:meeting_minutes", args=[meeting.pk])
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(formset_data(page.context["decisions"]))
    data.update(formset_data(page.context["items"]))
    data["decision-0-DELETE"] = "on"
    data["minutes"] = "Protokoll, ändrat."
    asked = client.post(url, data)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Att spara tar bort 1 rad" in html and 'name="bekrafta-borttagning"' in html
    meeting.refresh_from_db()
    assert meeting.minutes == "Protokoll." and Decision.objects.filter(pk=decision.pk).exists()
    data["bekrafta-borttagning"] = "1"
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Protokoll, ändrat."
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert Decision.history.filter(id=decision.pk, history_type="-").get().text == (
        "Rådet söker medel hos Brå."
    )
