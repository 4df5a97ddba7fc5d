"""The first district of an installation and its superintendent (``chalkline setup``).

Both steps are idempotent: called again with the same arguments they find what is there, change
nothing and say so. They refuse what would take another district's slug or email domain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import District, Membership, Person, User
from chalkline.people.roles import Role
from chalkline.people.services.directory_changes import note_directory_changed
from chalkline.people.services.districts import create_district, grant_membership


class SetupError(Exception):
    """The setup would clash with what the installation already holds."""


def split_domains(text: str) -> list[str]:
    """``"A.org, b.org"`` -> ``["a.org", "b.org"]`` (lower case, no ``@``, no duplicates)."""
    seen: list[str] = []
    for part in text.split(","):
        domain = part.strip().lstrip("@").lower()
        if domain and domain not in seen:
            seen.append(domain)
    return seen


@dataclass(frozen=True)
class Step[T]:
    value: T
    changed: bool


@transaction.atomic
def ensure_district(
    *, name: str, slug: str, email_domains: list[str], by: User | None
) -> Step[District]:
    """The district with this slug, created if missing. A slug held by a district with another
    name or other domains, or a domain another district holds, is refused."""
    domains = ",".join(email_domains)
    for other in District.objects.exclude(slug=slug).only("name", "email_domains"):
        taken = set(email_domains) & set(split_domains(other.email_domains))
        if taken:
            raise SetupError(
                f"The email domain {sorted(taken)[0]} is already used by the district "
                f"{other.name!r}."
            )
    existing = District.objects.filter(slug=slug).first()
    if existing is None:
        return Step(
            create_district(name=name, slug=slug, email_domains=domains, by=by), changed=True
        )
    if existing.name != name or split_domains(existing.email_domains) != email_domains:
        raise SetupError(
            f"The slug {slug!r} is already used by the district {existing.name!r} "
            f"(email domains: {existing.email_domains or 'none'})."
        )
    return Step(existing, changed=False)


@transaction.atomic
def ensure_superintendent(
    *, district: District, email: str, given_name: str, family_name: str, by: User | None
) -> Step[User]:
    """A sign-in account for ``email`` (no usable password yet), linked to its staff person in
    the directory (the imported one with this address, else a new person record), holding the
    district-wide superintendent membership."""
    email = email.strip()
    domain = email.rpartition("@")[2].lower()
    if domain not in split_domains(district.email_domains):
        raise SetupError(
            f"The superintendent's address must be in the district's email domains "
            f"({district.email_domains or 'none given'})."
        )
    changed = False
    user = User.objects.filter(username__iexact=email).select_related("person").first()
    if user is not None:
        if user.person is not None and user.person.district_id != district.pk:
            raise SetupError(f"The account {email} belongs to another district.")
        if Membership.objects.filter(user=user).exclude(district=district).exists():
            raise SetupError(f"The account {email} holds roles in another district.")
    else:
        person = (
            Person.objects.in_district(district)
            .staff()
            .filter(email__iexact=email, user__isnull=True)
            .order_by("-active", "pk")
            .first()
        )
        if person is None:
            person = Person.objects.create(
                district=district,
                kind=Person.Kind.STAFF,
                given_name=given_name,
                family_name=family_name,
                email=email,
            )
            note_directory_changed(district_id=district.pk)
        user = User(
            username=email,
            email=email,
            first_name=person.given_name[:150],
            last_name=person.family_name[:150],
            person=person,
        )
        user.set_unusable_password()
        user.save()
        record_event(
            district=district,
            actor=by,
            action=Action.ACCOUNT_CREATED,
            target=user,
            after={"user": user.pk, "person": person.pk, "password": "not set"},
        )
        changed = True
    held = Membership.objects.filter(
        user=user, district=district, building=None, role=Role.SUPERINTENDENT, active=True
    ).exists()
    if not held:
        grant_membership(user=user, district=district, role=Role.SUPERINTENDENT, by=by)
        changed = True
    return Step(user, changed=changed)
