"""Agreements, forums and meetings: defaults, dates, validity and constraints."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.collaboration.conftest import at
from trygg.collaboration.actions import save_agreement
from trygg.collaboration.defaults import DEFAULT_PRIORITY_AREAS
from trygg.collaboration.models import (
    Agreement,
    ForumMember,
    Meeting,
    PriorityArea,
)
from trygg.lib.periods import add_months, add_years

pytestmark = pytest.mark.django_db


def test_the_migration_gives_the_ten_city_wide_priority_areas():
    names = list(PriorityArea.objects.values_list("name", flat=True))
    assert len(names) == 10
    assert names[0] == "Riktat arbete mot avgränsade platser och utsatta områden"
    assert "Kamerabevakning" in names
    assert PriorityArea.objects.filter(is_default=True).count() == len(DEFAULT_PRIORITY_AREAS)


def test_a_new_agreement_gets_the_default_priority_areas(agreement):
    assert agreement.priorities.count() == 10
    assert not agreement.priorities.filter(is_prioritised=True).exists()


def test_annex_review_defaults_to_four_years_after_signing(agreement):
    assert agreement.annex_review_due == dt.date(2025, 3, 1)


def test_annex_review_interval_is_a_setting(world, priority_areas, settings):
    settings.TRYGG_AGREEMENT_REVIEW_YEARS = 2
    saved = save_agreement(
        Agreement(title="A", scope="lokal", area=world.district, signed_on=dt.date(2020, 2, 29))
    )
    assert saved.annex_review_due == dt.date(2022, 2, 28)


def test_a_given_review_date_is_kept(world, priority_areas):
    saved = save_agreement(
        Agreement(
            title="A",
            scope="lokal",
            area=world.district,
            signed_on=dt.date(2019, 11, 1),
            annex_review_due=dt.date(2023, 10, 1),
        )
    )
    assert saved.annex_review_due == dt.date(2023, 10, 1)


def test_an_unsigned_agreement_has_no_review_date_and_is_not_in_force(world, priority_areas):
    saved = save_agreement(Agreement(title="Utkast", scope="lokal", area=world.district))
    assert saved.annex_review_due is None
    assert not saved.is_valid_on(dt.date(2030, 1, 1))
    assert not Agreement.objects.valid_on(dt.date(2030, 1, 1)).exists()


def test_validity_follows_signing_and_the_period(agreement):
    agreement.valid_from = dt.date(2021, 4, 1)
    agreement.valid_until = dt.date(2023, 12, 31)
    agreement.save()
    for day, expected in [
        (dt.date(2021, 3, 15), False),
        (dt.date(2021, 4, 1), True),
        (dt.date(2023, 12, 31), True),
        (dt.date(2024, 1, 1), False),
    ]:
        assert agreement.is_valid_on(day) is expected
        assert Agreement.objects.valid_on(day).filter(pk=agreement.pk).exists() is expected


def test_an_agreement_cannot_end_before_it_starts(agreement):
    agreement.valid_from = dt.date(2022, 1, 1)
    agreement.valid_until = dt.date(2021, 1, 1)
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "valid_until" in error.value.message_dict


def test_with_police_finds_agreements_signed_by_the_police(agreement, world, priority_areas):
    other = save_agreement(Agreement(title="B", scope="lokal", area=world.district))
    other.parties.set([world.sdf])
    assert list(Agreement.objects.with_police()) == [agreement]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2023, 9, 15), 24, dt.date(2025, 9, 15)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2023, 12, 15), 12, dt.date(2024, 12, 15)),
    ],
)
def test_add_months_clips_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_moves_the_leap_day():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2019, 10, 25), 4) == dt.date(2023, 10, 25)


def test_a_forum_has_one_chair(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        ForumMember.objects.create(forum=council, name="Andra ordföranden", is_chair=True)
    assert council.chair.user.username == "alice"


def test_a_member_is_a_user_or_a_named_person(council):
    with pytest.raises(IntegrityError), transaction.atomic():
        ForumMember.objects.create(forum=council, name="")
    with pytest.raises(ValidationError):
        ForumMember(forum=council, name=" ").full_clean()


def test_a_meeting_ends_after_it_starts(council):
    start = at(dt.date(2023, 10, 13), 9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(forum=council, starts_at=start, ends_at=start)


def test_upcoming_meetings_skip_the_past_and_the_cancelled(meeting_on):
    past = meeting_on(dt.date(2023, 9, 15))
    soon = meeting_on(dt.date(2023, 10, 13))
    meeting_on(dt.date(2023, 10, 20), is_cancelled=True)
    now = at(dt.date(2023, 9, 29), 12)
    assert list(Meeting.objects.upcoming(now)) == [soon]
    assert list(Meeting.objects.held(now)) == [past]
    assert soon.place == "Telefonvägen 30, plan 10, rum Paddan"
    assert soon.display_title == "Lokalt råd"
