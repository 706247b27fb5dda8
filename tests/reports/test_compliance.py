"""The law's lägesbild duty reads the approved SituationReport (issue 6's "Done when")."""

import datetime as dt

from trygg.compliance.duties import Context, Status, lagesbild
from trygg.places.models import AreaTree


def _row(world, today):
    return lagesbild(Context(world.district, today, AreaTree.load()))


def test_a_recently_approved_lagesbild_fulfils_the_duty(world, approved):
    duty = _row(world, dt.date(2023, 10, 1))
    assert duty.status == Status.UPPFYLLT
    assert duty.due == dt.date(2025, 9, 15)
    assert duty.evidence_url == approved.get_absolute_url()


def test_approval_three_years_ago_is_overdue(world, approved):
    # The date is set directly: approved versions refuse edits through the actions.
    type(approved).objects.filter(pk=approved.pk).update(approved_at=dt.date(2020, 10, 1))
    assert _row(world, dt.date(2023, 10, 1)).status == Status.FORFALLET


def test_a_draft_does_not_count(world, report):
    assert _row(world, dt.date(2023, 10, 1)).status == Status.SAKNAS
