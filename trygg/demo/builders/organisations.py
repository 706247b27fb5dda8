"""Demo organisations from the seed, and one demo user per role.

Users carry role names, never a real person's name, phone number or e-mail address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from trygg.accounts.models import Membership, Organisation, OrganisationKind, Role, User

if TYPE_CHECKING:
    from trygg.demo.builders.context import DemoContext

# (name, short name, kind, area name)
ORGANISATIONS = (
    ("Stockholms stad", "Staden", OrganisationKind.KOMMUN, "Stockholm"),
    ("Polisen", "Polisen", OrganisationKind.POLIS, "Stockholm"),
    ("Hägersten-Älvsjö stadsdelsförvaltning", "SDF", OrganisationKind.STADSDELSFORVALTNING,
     "Hägersten-Älvsjö"),
    ("Utbildningsförvaltningen", "UTBF", OrganisationKind.SKOLA, "Stockholm"),
    ("Trafikkontoret", "TK", OrganisationKind.TRAFIKKONTOR, "Stockholm"),
    ("SHIS Bostäder", "SHIS", OrganisationKind.BOSTADSBOLAG, "Stockholm"),
    ("Citycon", "Citycon", OrganisationKind.FASTIGHETSAGARE, "Liljeholmen"),
    ("Företagarföreningen i Hägersten-Älvsjö", "Företagarna", OrganisationKind.FORETAGARFORENING,
     "Hägersten-Älvsjö"),
    ("Stödcentrum för unga brottsoffer", "Stödcentrum", OrganisationKind.ANNAN, "Stockholm"),
    ("Relationsvåldscentrum Sydväst", "RVC Sydväst", OrganisationKind.ANNAN, "Stockholm"),
)  # fmt: skip

# (username, role, organisation, area, may use Django admin, display name)
USERS = (
    ("samordnare", Role.SAMORDNARE, "Hägersten-Älvsjö stadsdelsförvaltning", "Hägersten-Älvsjö",
     True, "Samordnare"),
    ("analytiker", Role.ANALYTIKER, "Polisen", "Hägersten-Älvsjö", False, "Analytiker"),
    ("rapportor", Role.RAPPORTOR, "SHIS Bostäder", "Hägersten-Älvsjö", False, "Rapportör"),
    ("radsmedlem", Role.RADSMEDLEM, "Hägersten-Älvsjö stadsdelsförvaltning", "Hägersten-Älvsjö",
     False, "Rådsmedlem"),
)  # fmt: skip


def build(demo: DemoContext) -> None:
    from trygg.demo.builders.context import DEMO_PASSWORD

    for name, short, kind, area in ORGANISATIONS:
        demo.organisations[name] = Organisation.objects.create(
            name=name, short_name=short, kind=kind, area=demo.areas[area]
        )
    for username, role, organisation, area, staff, display_name in USERS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name="Demo",
            last_name=display_name,
            is_staff=staff,
        )
        Membership.objects.create(
            user=user,
            organisation=demo.organisations[organisation],
            role=role,
            area=demo.areas[area],
        )
        demo.users[username] = user
    demo.log(
        _("%(orgs)s organisations, %(users)s users")
        % {"orgs": len(demo.organisations), "users": len(demo.users)}
    )
