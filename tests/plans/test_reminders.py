"""``trygg measure-reminders`` sends one e-mail per responsible contact of due measures."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from trygg.plans.models import Measure, PlanStatus


@pytest.fixture
def measures(world, plan, measure):
    """Kim has two due measures (one overdue), Sam one not yet due, one measure has no e-mail."""
    second = Measure.objects.create(
        plan=plan, title="Belysning i gångtunneln", responsible_organisation=world.housing,
        contact_name="Kim Kontakt", contact_email="KIM@bostadsbolaget.example",
        next_follow_up_on=dt.date(2023, 6, 10),
    )  # fmt: skip
    later = Measure.objects.create(
        plan=plan, title="Fritidsgård på fredagar", responsible_organisation=world.sdf,
        contact_name="Sam", contact_email="sam@sdf.example", next_follow_up_on=dt.date(2023, 7, 1),
    )  # fmt: skip
    silent = Measure.objects.create(
        plan=plan, title="Utan kontakt", responsible_organisation=world.sdf,
        next_follow_up_on=dt.date(2023, 6, 1),
    )  # fmt: skip
    return measure, second, later, silent


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("measure-reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_email_per_contact_listing_their_due_measures(measures):
    out, err = run("--date", "2023-06-10", "--base-url", "https://trygg.example.se/")
    assert len(mail.outbox) == 1
    [message] = mail.outbox
    assert message.to == ["kim@bostadsbolaget.example"]
    assert "Nattvandring i Liljeholmen" in message.body
    assert "Belysning i gångtunneln" in message.body
    assert f"https://trygg.example.se{measures[0].get_absolute_url()}" in message.body
    assert "Fritidsgård" not in message.body
    assert "1 reminders sent" in out
    assert "Utan kontakt" in err


def test_nothing_is_sent_before_anything_is_due(measures):
    run("--date", "2023-05-31")
    assert mail.outbox == []


def test_superseded_plans_send_no_reminders(plan, measures):
    plan.status = PlanStatus.ERSATT
    plan.save()
    run("--date", "2023-12-31")
    assert mail.outbox == []


def test_dry_run_prints_instead_of_sending(measures):
    out, _err = run("--date", "2023-06-10", "--dry-run")
    assert mail.outbox == []
    assert "To: kim@bostadsbolaget.example" in out


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError):
        run("--date", "10 juni")
