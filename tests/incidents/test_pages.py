"""The incident pages through real HTTP: report, receipt, list, filters, review, export, import."""

import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest
from django.urls import reverse

from trygg.incidents.actions import IncidentDraft, record_incidents
from trygg.incidents.models import Category, Incident, Status

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def add(world, *, organisation=None, area=None, code="klotter", when=None, description=""):
    draft = IncidentDraft(
        category=Category.objects.get(code=code),
        occurred_at=when or dt.datetime(2023, 9, 14, 21, 30, tzinfo=STOCKHOLM),
        area=area or world.liljeholmen,
        organisation=organisation or world.housing,
        description=description,
    )
    return record_incidents([draft], source="webb").created[0]


def report_data(world, **overrides):
    data = {
        "category": Category.objects.get(code="klotter").pk,
        "date": "2023-09-14",
        "time": "21:30",
        "latitude": "59.31",
        "longitude": "18.02",
        "area": "",
        "place": "Vid entrén",
        "description": "Nytt klotter",
    }
    data.update(overrides)
    return data


def test_reporter_reports_with_a_point_and_gets_a_receipt(client, world):
    client.force_login(world.bob)
    page = client.get(reverse("incidents:report"))
    assert page.status_code == 200
    assert 'data-mode="pick"' in page.content.decode()
    response = client.post(reverse("incidents:report"), report_data(world))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:receipt", args=[incident.pk])
    assert incident.area == world.liljeholmen
    assert incident.organisation == world.housing  # the reporter's only organisation
    assert incident.reported_by == world.bob
    assert incident.source == "webb"
    receipt = client.get(response["Location"]).content.decode()
    assert incident.reference in receipt


def test_reporter_can_choose_an_area_instead_of_a_point_and_omit_the_time(client, world):
    client.force_login(world.bob)
    client.post(
        reverse("incidents:report"),
        report_data(world, latitude="", longitude="", area=world.district.pk, time=""),
    )
    incident = Incident.objects.get()
    assert incident.area == world.district
    assert incident.time_unknown
    assert incident.occurred_at == dt.datetime(2023, 9, 14, tzinfo=STOCKHOLM)


def test_personnummer_in_the_description_is_refused_and_nothing_lost(client, world):
    client.force_login(world.bob)
    response = client.post(
        reverse("incidents:report"), report_data(world, description="Pojken 811228-9874 sågs")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "personnummer" in html
    assert "Pojken 811228-9874 sågs" in html  # the text is kept for the user to correct
    assert not Incident.objects.exists()


def test_report_without_place_is_refused(client, world):
    client.force_login(world.bob)
    response = client.post(
        reverse("incidents:report"), report_data(world, latitude="", longitude="")
    )
    assert response.status_code == 200
    assert not Incident.objects.exists()


def test_council_member_cannot_report(client, world):
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=world.erin, organisation=world.sdf, role="radsmedlem", area=world.district
    )
    client.force_login(world.erin)
    assert client.get(reverse("incidents:report")).status_code == 403


def test_reporter_sees_only_their_own_organisations_reports(client, world):
    own = add(world, organisation=world.housing)
    other = add(world, organisation=world.sdf)
    client.force_login(world.bob)
    html = client.get(reverse("incidents:list")).content.decode()
    assert own.reference in html
    assert other.reference not in html
    assert client.get(reverse("incidents:detail", args=[other.pk])).status_code == 403


def test_reporter_corrects_own_report(client, world):
    incident = add(world, organisation=world.housing)
    client.force_login(world.bob)
    data = report_data(world, description="Rättad text")
    response = client.post(reverse("incidents:detail", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.description == "Rättad text"
    assert incident.history.count() >= 2


def test_coordinator_filters_by_area_category_and_period(client, world):
    a = add(world, code="klotter", when=dt.datetime(2023, 1, 5, 12, tzinfo=STOCKHOLM))
    b = add(
        world,
        code="personran",
        area=world.district,
        when=dt.datetime(2023, 6, 1, 12, tzinfo=STOCKHOLM),
    )
    client.force_login(world.alice)
    url = reverse("incidents:list")

    def refs(**params):
        html = client.get(url, params).content.decode()
        return {i.reference for i in (a, b) if i.reference in html}

    assert refs() == {a.reference, b.reference}
    assert refs(omrade=world.liljeholmen.pk) == {a.reference}
    assert refs(omrade=world.district.pk) == {a.reference, b.reference}  # sub-areas included
    assert refs(kategori=Category.objects.get(code="ran").pk) == {b.reference}  # sub-categories
    assert refs(fran="2023-03-01", till="2023-12-31") == {b.reference}
    assert refs(q="ingenting sådant") == set()


def test_coordinator_reviews_in_bulk_and_history_records_it(client, world):
    a, b = add(world), add(world)
    client.force_login(world.alice)
    response = client.post(reverse("incidents:list"), {"ids": [a.pk, b.pk], "action": "granskad"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.GRANSKAD
    assert a.reviewed_by == world.alice
    assert a.history.first().history_user == world.alice


def test_reporter_cannot_review(client, world):
    a = add(world)
    client.force_login(world.bob)
    client.post(reverse("incidents:list"), {"ids": [a.pk], "action": "granskad"})
    a.refresh_from_db()
    assert a.status == Status.NY


def test_export_csv_opens_in_swedish_excel(client, world):
    add(world, description="Text; med semikolon")
    client.force_login(world.alice)
    response = client.get(reverse("incidents:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("kategori;tidpunkt;område;latitud;longitud")
    assert '"Text; med semikolon"' in text


def test_export_xlsx_has_the_selection(client, world):
    add(world)
    add(world, code="personran")
    client.force_login(world.alice)
    response = client.get(
        reverse("incidents:export_xlsx"), {"kategori": Category.objects.get(code="personran").pk}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "kategori"
    assert [r[0] for r in rows[1:]] == ["personran"]


def test_exported_csv_imports_again(client, world):
    add(world)
    client.force_login(world.alice)
    body = client.get(reverse("incidents:export_csv")).content
    upload = io.BytesIO(body)
    upload.name = "export.csv"
    response = client.post(reverse("incidents:import"), {"file": upload})
    assert response.status_code == 302  # to the import job's page
    assert Incident.objects.count() == 2


def test_template_downloads(client, world):
    client.force_login(world.alice)
    csv_body = client.get(reverse("incidents:template_csv")).content.decode("utf-8-sig")
    assert (
        csv_body.splitlines()[0]
        == "kategori;tidpunkt;område;latitud;longitud;plats;beskrivning;organisation;extern_id;slut"
    )
    xlsx = client.get(reverse("incidents:template_xlsx")).content
    assert openpyxl.load_workbook(io.BytesIO(xlsx)).active["A1"].value == "kategori"


def test_import_page_lists_every_bad_row(client, world):
    client.force_login(world.alice)
    upload = io.BytesIO(
        "kategori;tidpunkt;område\nklotter;2023-09-14;Liljeholmen\nokänd;2023-09-14;Liljeholmen\n".encode()
    )
    upload.name = "r.csv"
    response = client.post(
        reverse("incidents:import"), {"file": upload, "organisation": world.sdf.pk}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "okänd" in html
    assert Incident.objects.count() == 0


def test_map_page_draws_the_selection(client, world):
    record_incidents(
        [IncidentDraft(category=Category.objects.get(code="klotter"),
                       occurred_at=dt.datetime(2023, 9, 14, tzinfo=STOCKHOLM),
                       latitude=59.31, longitude=18.02, organisation=world.housing)],
        source="webb",
    )  # fmt: skip
    add(world)
    client.force_login(world.alice)
    response = client.get(reverse("incidents:map"))
    assert response.status_code == 200
    assert response.context["total_points"] == 1
    assert response.context["without_point"] == 1


def test_coordinator_corrects_a_partners_report_without_taking_it_over(client, world):
    incident = add(world, organisation=world.housing)
    client.force_login(world.alice)
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Bostadsbolaget" in page
    data = report_data(world, description="Rättad av samordnaren", organisation=world.housing.pk)
    response = client.post(reverse("incidents:detail", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.organisation == world.housing
    assert incident.description == "Rättad av samordnaren"
