"""factory_boy factories and the fixed test world used across the suite."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from trygg.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from trygg.lib.geo import circle
from trygg.places.models import Area, AreaKind

PASSWORD = "test-password-1"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Område {n}")
    kind = AreaKind.STADSDEL


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ANNAN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.RAPPORTOR
    area = factory.SubFactory(AreaFactory)


@dataclass
class World:
    stockholm: Area
    district: Area
    liljeholmen: Area
    skarholmen: Area
    sdf: Organisation
    police: Organisation
    housing: Organisation
    skarholmen_sdf: Organisation
    alice: User
    bob: User
    carol: User
    dave: User
    erin: User

    @classmethod
    def build(cls) -> World:
        stockholm = AreaFactory(name="Stockholm", kind=AreaKind.KOMMUN)
        district = AreaFactory(
            name="Hägersten-Älvsjö",
            kind=AreaKind.STADSDELSOMRADE,
            parent=stockholm,
            geometry=circle(59.29, 18.0, 3000),
        )
        liljeholmen = AreaFactory(
            name="Liljeholmen", parent=district, geometry=circle(59.31, 18.02, 800)
        )
        skarholmen = AreaFactory(
            name="Skärholmen",
            kind=AreaKind.STADSDELSOMRADE,
            parent=stockholm,
            geometry=circle(59.27, 17.90, 2000),
        )
        sdf = OrganisationFactory(
            name="Hägersten-Älvsjö SDF", kind=OrganisationKind.STADSDELSFORVALTNING, area=district
        )
        police = OrganisationFactory(name="Polisen", kind=OrganisationKind.POLIS, area=stockholm)
        housing = OrganisationFactory(
            name="Bostadsbolaget", kind=OrganisationKind.BOSTADSBOLAG, area=liljeholmen
        )
        skarholmen_sdf = OrganisationFactory(
            name="Skärholmens SDF", kind=OrganisationKind.STADSDELSFORVALTNING, area=skarholmen
        )
        alice = UserFactory(username="alice", is_staff=True)
        bob = UserFactory(username="bob")
        carol = UserFactory(username="carol")
        dave = UserFactory(username="dave", is_staff=True)
        erin = UserFactory(username="erin")
        MembershipFactory(user=alice, organisation=sdf, role=Role.SAMORDNARE, area=district)
        MembershipFactory(user=bob, organisation=housing, role=Role.RAPPORTOR, area=district)
        MembershipFactory(user=carol, organisation=police, role=Role.ANALYTIKER, area=stockholm)
        MembershipFactory(
            user=dave, organisation=skarholmen_sdf, role=Role.SAMORDNARE, area=skarholmen
        )
        return cls(
            stockholm, district, liljeholmen, skarholmen, sdf, police, housing, skarholmen_sdf,
            alice, bob, carol, dave, erin,
        )  # fmt: skip
