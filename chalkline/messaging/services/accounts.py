"""Family and student accounts: invite from the roster's addresses, claim by a signed link, sign
in later with a one-time link.

- ``invite_people`` sends one invitation mail (through the outbox) to each roster person of the
  list who may be invited and has no account yet, at the address the roster holds: there is no
  way to give it another address. A new invitation replaces the person's earlier one (its link
  stops working). A form submission sent twice (its ``batch_key``) sends nothing the second time.
- The link carries a signed token naming the invitation and its random nonce; it works once,
  until ``expires_at``. ``claim_invitation`` takes it with a conditional UPDATE, so two browsers
  claiming at once make one account.
- Claiming creates the account (or activates the one the person already had) linked to the
  roster person, with a guardian or student membership, and either a password (Django's
  validators) or no usable password and a one-time sign-in link mailed to the roster address.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.batches import in_list_chunks
from chalkline.messaging.families import (
    account_settings_of,
    invitable_kind_ok,
    primary_building_id,
)
from chalkline.messaging.models import Invitation, SignInLink
from chalkline.outbox.services import Mail, queue_mail, queue_mails
from chalkline.people.models import Building, District, Membership, Person, User
from chalkline.people.roles import Role
from chalkline.people.services import grant_membership

INVITATION_SALT = "chalkline.messaging.invitation"
SIGN_IN_SALT = "chalkline.messaging.sign-in-link"
SIGN_IN_LINK_MINUTES = 15
INVITATION_KIND = "messaging_invitation"
SIGN_IN_KIND = "messaging_sign_in_link"


class AccountError(Exception):
    """An invitation or link that cannot be used; the message says why, for the person."""


@dataclass(frozen=True)
class InviteResult:
    invited: int
    skipped_no_email: int
    skipped_claimed: int
    skipped_not_invitable: int
    repeated: bool = False


def _token(salt: str, pk: int, nonce: str) -> str:
    """``<pk>.<nonce>.<HMAC>``: Django's Signer (an HMAC of the secret key) over the row and its
    random nonce; the nonce is also checked against the row, so a link works only while the row
    says so."""
    return signing.Signer(salt=salt, sep=".").sign(f"{pk}.{nonce}")


def _read_token(salt: str, token: str) -> tuple[int, str]:
    try:
        pk, nonce = signing.Signer(salt=salt, sep=".").unsign(token).split(".")
        return int(pk), nonce
    except (signing.BadSignature, ValueError):
        raise AccountError("This link is not valid. Ask your school for a new one.") from None


def invitation_url(invitation: Invitation, *, page: str | None = None) -> str:
    """The claim link; ``page`` is the claim URL with a ``TOKEN`` placeholder (reversed once for
    a bulk send)."""
    token = _token(INVITATION_SALT, invitation.pk, invitation.nonce)
    page = page or reverse("messaging:claim", args=["TOKEN"])
    return settings.SITE_URL + page.replace("TOKEN", token)


def _invitation_mail(invitation: Invitation, district_name: str, page: str) -> Mail:
    days = max(1, round((invitation.expires_at - invitation.created_at).total_seconds() / 86400))
    body = (
        f"{district_name} invites you to its messaging hub, where your school's staff write to "
        "you and you can answer them.\n\n"
        f"To set up your account, open this link within {days} days:\n\n"
        f"{invitation_url(invitation, page=page)}\n\n"
        "The link works once. If you did not expect this message, you can ignore it.\n"
    )
    return Mail(
        to=invitation.email,
        subject=f"{district_name}: your invitation to the messaging hub",
        body=body,
        ref_id=invitation.pk,
    )


def _has_account(person_ids: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for part in in_list_chunks(list(person_ids)):
        out |= set(
            User.objects.filter(person_id__in=part, is_active=True).values_list(
                "person_id", flat=True
            )
        )
    return out


@transaction.atomic
def invite_people(
    *,
    district: District,
    people: Iterable[Person],
    by: User | None,
    batch_key: str = "",
    now: datetime | None = None,
) -> InviteResult:
    """Invite each person of ``people`` who may be invited (see the module docstring)."""
    now = now or timezone.now()
    if batch_key and by is not None:
        # one sender's submissions queue behind each other (a row lock on their account), so a
        # double click that arrives twice at once still finds the first one's rows
        User.objects.select_for_update().filter(pk=by.pk).first()
        if Invitation.objects.filter(created_by=by, batch_key=batch_key).exists():
            return InviteResult(0, 0, 0, 0, repeated=True)
    chosen = {p.pk: p for p in people if p.district_id == district.pk}
    conf = account_settings_of(district)
    claimed = _has_account(chosen)
    no_email = not_invitable = 0
    fresh: list[Invitation] = []
    expires = now + timedelta(days=conf.invitation_days)
    for person in chosen.values():
        if person.pk in claimed:
            continue
        if not person.active or not invitable_kind_ok(person, conf):
            not_invitable += 1
            continue
        if not person.email:
            no_email += 1
            continue
        fresh.append(
            Invitation(
                district=district,
                person=person,
                email=person.email,  # the roster's address: there is no other way in
                nonce=secrets.token_hex(16),
                created_at=now,
                created_by=by,
                batch_key=batch_key,
                expires_at=expires,
            )
        )
    ids = [i.person_id for i in fresh]
    for part in in_list_chunks(ids):
        Invitation.objects.filter(
            person_id__in=part, claimed_at__isnull=True, superseded_at__isnull=True
        ).update(superseded_at=now)
    created = Invitation.objects.bulk_create(fresh, batch_size=1000)
    if any(i.pk is None for i in created):  # a backend that does not return ids
        created = list(
            Invitation.objects.filter(created_at=now, person_id__in=ids, superseded_at=None)
        )
    page = reverse("messaging:claim", args=["TOKEN"])
    queue_mails(
        district=district,
        mails=[_invitation_mail(i, district.name, page) for i in created],
        kind=INVITATION_KIND,
        ref_type="messaging.invitation",
        by=by,
        now=now,
    )
    if created:
        record_event(
            district=district,
            actor=by,
            action=Action.FAMILY_INVITED,
            target=("messaging.invitation", created[0].pk),
            after={
                "invited": len(created),
                "people": sorted(ids)[:5000],
                "skipped_no_email": no_email,
                "skipped_claimed": len(claimed),
            },
        )
    return InviteResult(len(created), no_email, len(claimed), not_invitable)


def invitation_from_token(token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a link names, if it still works; AccountError saying why otherwise."""
    now = now or timezone.now()
    pk, nonce = _read_token(INVITATION_SALT, token)
    invitation = Invitation.objects.filter(pk=pk).select_related("person", "district").first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        raise AccountError("This link is not valid. Ask your school for a new one.")
    if invitation.claimed_at is not None:
        raise AccountError(
            "This invitation has already been used. Sign in, or ask for a sign-in link."
        )
    if invitation.superseded_at is not None:
        raise AccountError(
            "A newer invitation replaced this one: use the link in the most recent e-mail."
        )
    if invitation.expires_at <= now:
        raise AccountError("This invitation has expired. Ask your school to send a new one.")
    if not invitation.person.active:
        raise AccountError("This invitation is no longer valid.")
    return invitation


def _username_for(person: Person) -> str:
    base = person.email.strip().lower() or f"person-{person.pk}"
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}#{person.pk}"[:150]


def _family_role(person: Person) -> Role:
    return Role.STUDENT if person.kind == Person.Kind.STUDENT else Role.GUARDIAN


@transaction.atomic
def claim_invitation(
    *,
    token: str,
    password: str | None,
    now: datetime | None = None,
) -> User:
    """Claim an invitation: make or activate the person's account and its membership. With a
    ``password`` (checked by Django's validators: ValidationError) it is set; without one the
    account has no usable password and a one-time sign-in link is mailed to the roster address.
    AccountError when the link no longer works (used, replaced, expired; a second browser)."""
    now = now or timezone.now()
    invitation = invitation_from_token(token, now=now)
    person = invitation.person
    user = User.objects.filter(person=person).first()
    if password is not None:
        validate_password(password, user or User(username=person.email, email=person.email))
    taken = Invitation.objects.filter(
        pk=invitation.pk, claimed_at__isnull=True, superseded_at__isnull=True
    ).update(claimed_at=now)
    if taken != 1:  # another browser claimed it a moment ago
        raise AccountError(
            "This invitation has already been used. Sign in, or ask for a sign-in link."
        )
    if user is None:
        user = User(
            username=_username_for(person),
            email=person.email,
            first_name=person.given_name[:150],
            last_name=person.family_name[:150],
            person=person,
        )
    user.is_active = True
    user.email = person.email
    if password is not None:
        user.set_password(password)
    elif not user.has_usable_password() or user.pk is None:
        user.set_unusable_password()
    user.save()
    Invitation.objects.filter(pk=invitation.pk).update(claimed_user=user)
    building_id = primary_building_id(person)
    role = _family_role(person)
    if not Membership.objects.filter(
        user=user, district=invitation.district, role=role, active=True
    ).exists():
        building = Building.objects.filter(pk=building_id).first() if building_id else None
        grant_membership(
            user=user, district=invitation.district, role=role, building=building, by=user
        )
    record_event(
        district=invitation.district,
        actor=user,
        action=Action.INVITATION_CLAIMED,
        target=invitation,
        after={"person": person.pk, "user": user.pk, "with": "password" if password else "link"},
    )
    if password is None:
        send_sign_in_link(user=user, district=invitation.district, now=now)
    return user


def sign_in_link_url(link: SignInLink) -> str:
    token = _token(SIGN_IN_SALT, link.pk, link.nonce)
    return settings.SITE_URL + reverse("messaging:sign_in_link", args=[token])


@transaction.atomic
def send_sign_in_link(*, user: User, district: District, now: datetime | None = None) -> bool:
    """Mail a one-time sign-in link to the roster address of an active family account; False
    (nothing sent) for anyone else, so that the answer reveals nothing."""
    now = now or timezone.now()
    person = user.person
    if (
        not user.is_active
        or person is None
        or not person.active
        or person.kind == Person.Kind.STAFF
        or not person.email
    ):
        return False
    link = SignInLink.objects.create(
        user=user,
        nonce=secrets.token_hex(16),
        created_at=now,
        expires_at=now + timedelta(minutes=SIGN_IN_LINK_MINUTES),
    )
    queue_mail(
        district=district,
        to=[person.email],
        subject=f"{district.name}: your sign-in link",
        body=(
            "Open this link to sign in to the messaging hub. It works once, within "
            f"{SIGN_IN_LINK_MINUTES} minutes:\n\n{sign_in_link_url(link)}\n\n"
            "If you did not ask for it, you can ignore this message.\n"
        ),
        kind=SIGN_IN_KIND,
        ref_type="messaging.sign_in_link",
        ref_id=link.pk,
        by=user,
        now=now,
    )
    record_event(
        district=district, actor=user, action=Action.SIGN_IN_LINK_SENT, target=("user", user.pk)
    )
    return True


@transaction.atomic
def use_sign_in_link(*, token: str, now: datetime | None = None) -> User:
    """The account a one-time link signs in, marking the link used (a conditional UPDATE: it
    works once, in one browser). AccountError when it is invalid, used or expired."""
    now = now or timezone.now()
    pk, nonce = _read_token(SIGN_IN_SALT, token)
    link = SignInLink.objects.filter(pk=pk).select_related("user__person").first()
    if link is None or not secrets.compare_digest(link.nonce, nonce):
        raise AccountError("This link is not valid. Ask for a new sign-in link.")
    if link.expires_at <= now:
        raise AccountError("This sign-in link has expired. Ask for a new one.")
    used = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if used != 1:
        raise AccountError("This sign-in link has already been used. Ask for a new one.")
    user = link.user
    if not user.is_active or (user.person is not None and not user.person.active):
        raise AccountError("This account can no longer sign in.")
    district_id = user.person.district_id if user.person else None
    if district_id:
        record_event(
            district=district_id,
            actor=user,
            action=Action.SIGN_IN_LINK_USED,
            target=("user", user.pk),
        )
    return user


def live_invitation_exists(person_ids: Iterable[int], now: datetime) -> set[int]:
    out: set[int] = set()
    for part in in_list_chunks(list(person_ids)):
        out |= set(
            Invitation.objects.live(now)
            .filter(person_id__in=part)
            .values_list("person_id", flat=True)
        )
    return out
