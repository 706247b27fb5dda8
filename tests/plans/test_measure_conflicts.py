"""The measure form knows what it overwrites: it carries the measure's ``updated_at`` as
opened, and a save over a newer change shows what changed instead of overwriting it."""

import pytest
from django.urls import reverse

from trygg.plans.forms import MeasureForm
from trygg.plans.models import Measure

pytestmark = pytest.mark.django_db


def form_data(world, measure, **changes):
    form = MeasureForm(instance=measure, user=world.alice, plan=measure.plan)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
            continue
        shown = field.widget.format_value(value)
        if shown is not None:
            data[name] = shown
    return data | changes


def test_a_save_over_a_newer_change_shows_it_and_writes_nothing(client, world, measure):
    client.force_login(world.alice)
    url = reverse("plans:measure_edit", args=[measure.pk])
    page = client.get(url)
    assert page.status_code == 200
    opened = page.context["form"]["opened_at"].value()
    assert opened == measure.updated_at.isoformat()
    data = form_data(world, measure, title="Min titel", opened_at=opened)

    # Meanwhile someone else renames the contact and saves.
    other = Measure.objects.get(pk=measure.pk)
    other.contact_name = "Robin Ny"
    other.save()

    response = client.post(url, data)
    assert response.status_code == 200, response.context["form"].errors
    html = response.content.decode()
    assert "Någon annan sparade detta efter att du öppnade det" in html
    conflict = response.context["form"].changes_since_opened
    assert any(then == "Kim Kontakt" and now == "Robin Ny" for _label, then, now in conflict)
    assert "Min titel" in html  # what was typed is kept
    stored = Measure.objects.get(pk=measure.pk)
    assert stored.title == "Nattvandring i Liljeholmen"
    assert response.context["form"]["opened_at"].value() == stored.updated_at.isoformat()

    # Submitting again, having seen the change, saves what the form holds: here the contact
    # as the editor had it (they could have taken the new one over).
    again = client.post(url, data | {"opened_at": stored.updated_at.isoformat()})
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.title, stored.contact_name) == ("Min titel", "Kim Kontakt")


def test_without_a_newer_change_the_form_saves(client, world, measure):
    client.force_login(world.alice)
    url = reverse("plans:measure_edit", args=[measure.pk])
    opened = client.get(url).context["form"]["opened_at"].value()
    response = client.post(url, form_data(world, measure, title="Ny titel", opened_at=opened))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Ny titel"
