"""``trygg compliance-digest`` e-mails coordinators what falls due within 60 days."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.factories import MembershipFactory
from trygg.accounts.models import Role

pytestmark = pytest.mark.django_db


def digest(*args):
    out, err = StringIO(), StringIO()
    call_command("compliance-digest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def addresses(world):
    for user in (world.alice, world.dave):
        user.email = f"{user.username}@example.org"
        user.first_name = user.username.title()
        user.save()


@pytest.fixture
def due_soon(world, council, meeting_on, action):
    meeting = meeting_on(dt.date(2023, 9, 15))
    action(meeting, "Ansöka hos Brå", due_on=dt.date(2023, 11, 30))
    action(meeting, "Trygghetsvandring", due_on=dt.date(2023, 6, 30))


def test_each_coordinator_gets_one_message_about_their_areas(world, addresses, due_soon):
    out, _err = digest("--date", "2023-10-02", "--base-url", "https://trygg.example.se/")
    assert "sent 1 digest(s): alice" in out
    assert "nothing due for: dave" in out  # Skärholmen has nothing that falls due
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject.startswith("Trygg: ")
    assert "(vecka 40)" in message.subject
    body = message.body
    assert body.startswith("Hej Alice!")
    assert "== Hägersten-Älvsjö ==" in body
    assert "Åtgärdspunkter från möten blir klara i tid: förfallet" in body
    assert "30 juni 2023: Trygghetsvandring" in body
    assert "30 november 2023: Ansöka hos Brå" in body
    assert "En godkänd lägesbild" not in body  # missing is not "falls due": only due rows
    assert f"https://trygg.example.se/samverkan/efterlevnad/?omrade={world.district.pk}" in body


def test_nothing_due_sends_nothing(world, addresses, council, meeting_on, action):
    action(meeting_on(dt.date(2023, 9, 15)), "Senare", due_on=dt.date(2024, 6, 1))
    world.dave.memberships.update(is_active=False)
    out, _err = digest("--date", "2023-10-02")
    assert mail.outbox == []
    assert "nothing due for: alice" in out


def test_a_coordinator_without_an_address_is_reported(world, due_soon):
    _out, err = digest("--date", "2023-10-02")
    assert "no e-mail address for: alice" in err
    assert mail.outbox == []


def test_dry_run_prints_instead_of_sending(world, addresses, due_soon):
    out, _err = digest("--date", "2023-10-02", "--dry-run")
    assert mail.outbox == []
    assert "To: alice@example.org" in out and "would send 1 digest(s)" in out


def test_other_roles_get_no_digest(world, addresses, due_soon):
    MembershipFactory(user=world.dave, organisation=world.sdf, role=Role.ANALYTIKER,
                      area=world.district)  # fmt: skip
    digest("--date", "2023-10-02")
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    MembershipFactory(user=world.dave, organisation=world.sdf, role=Role.SAMORDNARE,
                      area=world.district)  # fmt: skip
    mail.outbox.clear()
    digest("--date", "2023-10-02")
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "dave@example.org"]


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        digest("--date", "2 oktober")
