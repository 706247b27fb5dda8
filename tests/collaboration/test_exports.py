"""A meeting's agenda and minutes as DOCX and PDF, read back; who may download them; the API's
links (with a token)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trygg.collaboration.actions import carry_over_open_items
from trygg.collaboration.models import AgendaItem, Decision


@pytest.fixture
def held(world, meeting_on, action, agreement):
    """A meeting on 15 September 2023 with an agenda, decisions, minutes and action items."""
    meeting = meeting_on(
        dt.date(2023, 9, 15),
        minutes="Genomgång av lägesbilden.\n\nNästa möte i oktober.",
        contact_name="Maria Sandell",
        contact_phone="070-174 06 51",
    )
    law = AgendaItem.objects.create(meeting=meeting, position=1, title="Ny lag", presenter="Eva")
    AgendaItem.objects.create(
        meeting=meeting, position=2, title="Överenskommelsen", linked=agreement
    )
    Decision.objects.create(meeting=meeting, agenda_item=law, text="Rådet tar del av lagen.")
    Decision.objects.create(meeting=meeting, text="Nästa möte hålls 13 oktober.")
    action(meeting, "Söka medel hos Brå", due_on=dt.date(2023, 11, 30))
    action(
        meeting, "Skicka ut lägesbilden", owner=None, owner_name="Avdelningen för IFO",
        due_on=dt.date(2023, 10, 1), done=True, done_on=dt.date(2023, 9, 20),
    )  # fmt: skip
    return meeting


@pytest.fixture
def next_meeting(held, meeting_on):
    meeting = meeting_on(dt.date(2023, 10, 13))
    AgendaItem.objects.create(meeting=meeting, position=1, title="Mötets öppnande")
    carry_over_open_items(meeting)
    return meeting


def _get(client, meeting, kind, fmt, **headers):
    return client.get(
        reverse("collaboration:meeting_export", args=[meeting.pk, kind, fmt]), **headers
    )


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def _docx(client, meeting, kind):
    response = _get(client, meeting, kind, "docx")
    assert response.status_code == 200
    return Document(io.BytesIO(response.content)), response


def _pdf_text(client, meeting, kind):
    response = _get(client, meeting, kind, "pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_minutes_docx_has_items_decisions_notes_and_action_items(alice, held):
    document, response = _docx(alice, held, "protokoll")
    assert response["Content-Disposition"] == (
        'attachment; filename="protokoll-lokalt-rad-2023-09-15.docx"'
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:2] == ["Lokalt råd", "Minnesanteckningar"]
    assert "När: Fredag 15 september 2023 kl. 09.00–11.00" in paragraphs
    assert "Var: Telefonvägen 30, plan 10, rum Paddan" in paragraphs
    assert "Kontakt: Maria Sandell, 070-174 06 51" in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Kallade",
        "Dagordning",
        "§ 1  Ny lag",
        "§ 2  Överenskommelsen",
        "Anteckningar",
        "Övriga beslut",
        "Åtgärdspunkter",
    ]
    assert sum(p.endswith("– ordförande") for p in paragraphs) == 1
    assert "Extern Person (rektor)" in paragraphs
    law = paragraphs.index("§ 1  Ny lag")
    assert paragraphs[law + 1 : law + 3] == ["Föredras av: Eva", "Beslut: Rådet tar del av lagen."]
    assert "Gäller: Lokal överenskommelse" in paragraphs
    assert "Nästa möte i oktober." in paragraphs and "Nästa möte hålls 13 oktober." in paragraphs
    [table] = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Vad", "Ansvarig", "Senast", "Status"]
    assert rows[1][0] == "Söka medel hos Brå" and rows[1][2:] == ["30 november 2023", "förfallet"]
    assert rows[2] == [
        "Skicka ut lägesbilden",
        "Avdelningen för IFO",
        "1 oktober 2023",
        "klar 20 september 2023",
    ]
    assert "PAGE" in document.sections[0].footer._element.xml


def test_agenda_docx_lists_items_and_carried_over_action_items_without_minutes(alice, next_meeting):
    document, _response = _docx(alice, next_meeting, "dagordning")
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[1] == "Dagordning"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Kallade", "Dagordning", "§ 1  Mötets öppnande"]
    assert any(h.endswith("Söka medel hos Brå") for h in headings)
    assert "Anteckningar" not in headings and "Åtgärdspunkter" not in headings
    assert any(
        p.startswith("Överförd, öppen") and "senast 30 november 2023" in p for p in paragraphs
    )
    assert document.tables == []


def test_minutes_pdf_has_the_same_content(alice, held):
    text = _pdf_text(alice, held, "protokoll")
    for expected in [
        "Lokalt råd",
        "Minnesanteckningar",
        "Fredag 15 september 2023 kl. 09.00–11.00",
        "§ 1 Ny lag",
        "Beslut: Rådet tar del av lagen.",
        "Söka medel hos Brå",
        "30 november 2023",
        "klar 20 september 2023",
        "sida 1 / ",
    ]:
        assert expected in text, expected


def test_agenda_pdf(alice, next_meeting):
    text = _pdf_text(alice, next_meeting, "dagordning")
    assert "Dagordning" in text and "Fredag 13 oktober 2023" in text
    assert "Mötets öppnande" in text and "Åtgärdspunkter" not in text


def test_the_meeting_page_offers_the_downloads(alice, held):
    page = alice.get(held.get_absolute_url()).content.decode()
    for kind in ("dagordning", "protokoll"):
        for fmt in ("docx", "pdf"):
            assert reverse("collaboration:meeting_export", args=[held.pk, kind, fmt]) in page


@pytest.mark.parametrize(("kind", "fmt"), [("kallelse", "pdf"), ("protokoll", "pptx")])
def test_unknown_documents_are_not_found(alice, held, kind, fmt):
    assert _get(alice, held, kind, fmt).status_code == 404


@pytest.mark.parametrize(
    ("actor", "status"), [("bob", 200), ("carol", 200), ("dave", 403), ("erin", 403)]
)
def test_downloads_follow_the_meeting_page(client, world, held, actor, status):
    client.force_login(getattr(world, actor))
    assert client.get(held.get_absolute_url()).status_code == status
    assert _get(client, held, "protokoll", "pdf").status_code == status


def test_anonymous_users_are_sent_to_log_in(client, held):
    response = _get(client, held, "dagordning", "docx")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_api_links_to_the_current_document_and_both_download_with_a_token(
    world, held, next_meeting
):
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.carol)[0].key}"
    )
    meetings = {m["id"]: m for m in api.get("/api/v1/meetings/").json()["results"]}
    base = "http://testserver"
    # Both meetings lie in the past now: their current document is the minutes.
    found = meetings[held.pk]
    assert found["exports"] == {
        fmt: base + reverse("collaboration:meeting_export", args=[held.pk, "protokoll", fmt])
        for fmt in ("docx", "pdf")
    }
    assert found["agenda_exports"]["pdf"] == base + reverse(
        "collaboration:meeting_export", args=[held.pk, "dagordning", "pdf"]
    )
    document = Document(io.BytesIO(api.get(found["exports"]["docx"]).content))
    assert document.paragraphs[1].text == "Minnesanteckningar"
    assert api.get(found["agenda_exports"]["pdf"]).content.startswith(b"%PDF")


def test_the_current_document_is_the_agenda_before_the_meeting(held):
    from trygg.collaboration.exports import Kind, current_kind

    before = held.starts_at - dt.timedelta(days=1)
    held.minutes = ""
    assert current_kind(held, before) == Kind.AGENDA
    assert current_kind(held, held.starts_at + dt.timedelta(hours=3)) == Kind.MINUTES
    held.minutes = "Skrivet i förväg."
    assert current_kind(held, before) == Kind.MINUTES


def test_the_minutes_form_records_who_was_present(client, world, held, council):
    from tests.collaboration.conftest import form_data, formset_data

    client.force_login(world.alice)
    url = reverse("collaboration:meeting_minutes", args=[held.pk])
    page = client.get(url)
    form = page.context["form"]
    assert list(form.fields["attendees"].queryset) == list(council.members.all())
    data = form_data(form)
    data.update(formset_data(page.context["decisions"]))
    data.update(formset_data(page.context["items"]))
    chair, _bob, guest_member = council.members.order_by("-is_chair", "pk")
    data["attendees"] = [str(chair.pk), str(guest_member.pk)]
    data["other_attendees"] = "Nina Karlsson, socialtjänsten\n\n"
    assert client.post(url, data).status_code == 302
    held.refresh_from_db()
    assert set(held.attendees.all()) == {chair, guest_member}
    html = client.get(held.get_absolute_url()).content.decode()
    assert 'id="present-heading"' in html and "Nina Karlsson, socialtjänsten" in html


def test_the_minutes_name_who_was_present_and_the_agenda_who_is_invited(alice, world, held):
    chair = held.forum.members.get(is_chair=True)
    outsider = held.forum.members.get(name="Extern Person")
    held.attendees.set([chair, outsider])
    held.other_attendees = "Nina Karlsson, socialtjänsten"
    held.save(update_fields=["other_attendees"])
    document, _response = _docx(alice, held, "protokoll")
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Närvarande")
    assert paragraphs[start + 1 : start + 4] == [
        f"{chair.display_name} – ordförande",
        "Extern Person (rektor)",
        "Nina Karlsson, socialtjänsten",
    ]
    assert "Kallade" not in paragraphs
    assert "Närvarande" in _pdf_text(alice, held, "protokoll")
    agenda, _response = _docx(alice, held, "dagordning")
    invited = [p.text for p in agenda.paragraphs]
    assert "Kallade" in invited and "Närvarande" not in invited
    assert sum(p.style.name == "List Bullet" for p in agenda.paragraphs) == 3


def test_the_api_lists_who_was_present(world, held):
    held.attendees.set([held.forum.members.get(name="Extern Person")])
    held.other_attendees = "Gäst"
    held.save(update_fields=["other_attendees"])
    api = APIClient()
    api.force_authenticate(world.carol)
    found = api.get(f"/api/v1/meetings/{held.pk}/").json()
    assert found["attendees"] == ["Extern Person", "Gäst"]


def test_a_meeting_without_agenda_or_minutes_still_exports(alice, meeting_on):
    empty = meeting_on(dt.date(2023, 12, 1), online_url="https://meet.example/rum")
    document, _response = _docx(alice, empty, "protokoll")
    paragraphs = [p.text for p in document.paragraphs]
    assert "Ingen dagordning än." in paragraphs and "Inga minnesanteckningar än." in paragraphs
    assert "Inga åtgärdspunkter." in paragraphs
    assert (
        "Var: Telefonvägen 30, plan 10, rum Paddan; delta digitalt: https://meet.example/rum"
        in paragraphs
    )
    assert "Ingen dagordning än." in _pdf_text(alice, empty, "dagordning")
