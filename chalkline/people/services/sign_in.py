"""Sign-in with a district's OpenID Connect provider, and the district's password rule.

The claims reaching ``sign_in_with_provider`` have already been verified by the client
(``chalkline.people.sso``): signature, pinned issuer, audience, expiry, nonce. What is decided here
is WHO they mean:

- An account already linked to the provider's subject (``sub``) is that account. The email claim
  is not consulted again: it can change, and on some providers nobody verified it.
- Otherwise (the first sign-in) the email must be verified (Entra ID: the tenant is pinned
  instead), be in the provider's or district's domains, and name exactly one active person of the
  district's directory. That person's account is linked; a person without an account gets one,
  with an unusable password and no membership (roles only ever come from memberships).
- Anyone else is refused: nobody outside the directory gets an account.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people import oidc_metadata
from chalkline.people.models import (
    District,
    IdentityLink,
    IdentityProvider,
    Membership,
    Person,
    User,
)
from chalkline.people.roles import Role


class LocalPasswordsError(ValueError):
    pass


class ProviderError(ValueError):
    """A provider change that would leave the district's staff unable to sign in."""


class SignInRefused(Exception):
    """Why a provider's sign-in was refused; ``reason`` picks the sentence on the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def provider_domains(provider: IdentityProvider) -> list[str]:
    """The email domains a first sign-in may come from: the provider's list, but never a domain
    the district does not host."""
    district_domains = provider.district.domains
    chosen = [d.strip().lower() for d in provider.allowed_domains.split(",") if d.strip()]
    return [d for d in chosen if d in district_domains] if chosen else district_domains


def check_tenant(provider: IdentityProvider, claims: dict[str, Any]) -> None:
    """Entra ID's tenant (``tid``) and Google Workspace's hosted domain (``hd``) are pinned."""
    if provider.kind == IdentityProvider.Kind.ENTRA and claims.get("tid") != provider.tenant_id:
        raise SignInRefused("tenant")
    if provider.kind == IdentityProvider.Kind.GOOGLE and claims.get("hd") != provider.hosted_domain:
        raise SignInRefused("tenant")


def _usable(user: User) -> bool:
    person = user.person
    return user.is_active and (person is None or person.active)


@transaction.atomic
def sign_in_with_provider(*, provider: IdentityProvider, claims: dict[str, Any]) -> User:
    """The account these verified claims sign in, linking it on the first sign-in."""
    check_tenant(provider, claims)
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("token")
    link = (
        IdentityLink.objects.select_related("user__person")
        .filter(provider=provider, subject=subject)
        .first()
    )
    if link is not None:
        if not _usable(link.user):
            raise SignInRefused("inactive")
        return link.user

    email = str(claims.get("email") or "").strip().lower()
    if provider.kind != IdentityProvider.Kind.ENTRA and claims.get("email_verified") is not True:
        raise SignInRefused("unverified")
    if "@" not in email or email.rsplit("@", 1)[1] not in provider_domains(provider):
        raise SignInRefused("domain")
    people = list(
        Person.objects.filter(district=provider.district, email__iexact=email).order_by("pk")[:2]
    )
    if len(people) != 1:
        raise SignInRefused("not_in_directory")
    person = people[0]
    if not person.active:
        raise SignInRefused("inactive")
    try:
        # A savepoint: two first sign-ins of the same person at once (two tabs, a double submit)
        # both get here; the second one's insert meets the first one's row (the account's
        # one-person-one-account rule, or the link's provider+subject rule) and is undone alone.
        with transaction.atomic():
            user, created = _link_account(
                provider=provider, person=person, subject=subject, email=email
            )
    except IntegrityError:
        return _linked_meanwhile(provider=provider, person=person, subject=subject)
    record_event(
        district=provider.district,
        actor=user,
        action=Action.SIGN_IN_LINKED,
        target=user,
        after={"provider": provider.pk, "person": person.pk, "account_created": created},
    )
    return user


def _link_account(
    *, provider: IdentityProvider, person: Person, subject: str, email: str
) -> tuple[User, bool]:
    """Link the person's account (created if they have none) to the provider's subject."""
    user = User.objects.filter(person=person).first()
    created = user is None
    if user is None:
        user = User(username=_free_username(email), email=email, person=person)
        user.set_unusable_password()
        user.save()
    elif not user.is_active:
        raise SignInRefused("inactive")
    if IdentityLink.objects.filter(provider=provider, user=user).exists():
        # Already linked to another subject at this provider: a new subject for the same
        # address is exactly what a re-used or spoofed email looks like.
        raise SignInRefused("already_linked")
    IdentityLink.objects.create(provider=provider, subject=subject, user=user)
    return user, created


def _linked_meanwhile(*, provider: IdentityProvider, person: Person, subject: str) -> User:
    """Another sign-in linked this person while we tried: the same subject and person is the
    same sign-in (answer with its account); anything else is refused as a second link."""
    link = (
        IdentityLink.objects.select_related("user__person")
        .filter(provider=provider, subject=subject)
        .first()
    )
    if link is None or link.user.person_id != person.pk:
        raise SignInRefused("already_linked")
    if not _usable(link.user):
        raise SignInRefused("inactive")
    return link.user


def _free_username(email: str) -> str:
    base = email[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def local_password_allowed(user: User) -> bool:
    """False for an account in the domains of a district that turned local passwords off, unless
    it is that district's break-glass account. Families, on their own addresses, are unaffected."""
    addresses = {user.email.strip().lower()}
    if user.person is not None:
        addresses.add(user.person.email.strip().lower())
    domains = {a.rsplit("@", 1)[1] for a in addresses if "@" in a}
    if not domains:
        return True
    for district in District.objects.filter(local_passwords_off=True):
        if district.break_glass_user_id == user.pk:
            continue
        if domains & set(district.domains):
            return False
    return True


@transaction.atomic
def set_local_passwords(
    *, district: District, off: bool, break_glass: User | None, by: User | None
) -> District:
    """Turn local passwords off (or back on) for the accounts in the district's own domains.

    Turning them off needs a break-glass account that is the district's superintendent: if the
    provider is down, someone must still be able to sign in and turn passwords back on."""
    if off and (
        break_glass is None
        or not Membership.objects.filter(
            user=break_glass, district=district, role=Role.SUPERINTENDENT, active=True
        ).exists()
    ):
        raise LocalPasswordsError("The break-glass account must be the district's superintendent.")
    before = {"off": district.local_passwords_off, "break_glass": district.break_glass_user_id}
    district.local_passwords_off = off
    district.break_glass_user = break_glass
    district.save(update_fields=["local_passwords_off", "break_glass_user"])
    record_event(
        district=district,
        actor=by,
        action=Action.LOCAL_PASSWORDS_SET,
        target=district,
        before=before,
        after={"off": off, "break_glass": break_glass.pk if break_glass else None},
    )
    return district


@transaction.atomic
def configure_provider(
    *,
    district: District,
    slug: str,
    name: str,
    kind: str,
    issuer: str,
    client_id: str,
    client_secret_env: str = "",
    client_secret_file: str = "",
    allowed_domains: str = "",
    tenant_id: str = "",
    hosted_domain: str = "",
    by: User | None,
) -> IdentityProvider:
    """Add one of a district's sign-in providers (the secret stays outside the database)."""
    provider = IdentityProvider.objects.create(
        district=district,
        slug=slug,
        name=name,
        kind=kind,
        issuer=issuer,
        client_id=client_id,
        client_secret_env=client_secret_env,
        client_secret_file=client_secret_file,
        allowed_domains=allowed_domains,
        tenant_id=tenant_id,
        hosted_domain=hosted_domain,
    )
    record_event(
        district=provider.district,
        actor=by,
        action=Action.SIGN_IN_PROVIDER_CONFIGURED,
        target=provider,
        after=_described(provider),
    )
    return provider


# What the audit records of a provider: everything but the secret, which is never in the
# database (the variable's name and the file's path are not secrets).
PROVIDER_FIELDS = (
    "name",
    "kind",
    "issuer",
    "client_id",
    "client_secret_env",
    "client_secret_file",
    "allowed_domains",
    "tenant_id",
    "hosted_domain",
)


def _described(provider: IdentityProvider) -> dict[str, Any]:
    return {
        "slug": provider.slug,
        "active": provider.active,
        **{f: getattr(provider, f) for f in PROVIDER_FIELDS},
    }


def _forget_metadata_on_commit(issuer: str) -> None:
    transaction.on_commit(lambda: oidc_metadata.forget(issuer))


@transaction.atomic
def change_provider(
    *, provider: IdentityProvider, changes: dict[str, str], by: User | None
) -> IdentityProvider:
    """Change a provider's settings (not its slug: the callback URL registered at the provider
    holds it). Only the fields in PROVIDER_FIELDS; audited with before and after."""
    unknown = set(changes) - set(PROVIDER_FIELDS)
    if unknown:
        raise ValueError(f"Not a provider setting: {', '.join(sorted(unknown))}")
    provider = IdentityProvider.objects.select_for_update().get(pk=provider.pk)
    before = _described(provider)
    changed = [f for f, value in changes.items() if getattr(provider, f) != value]
    if not changed:
        return provider
    old_issuer = provider.issuer
    for field_name in changed:
        setattr(provider, field_name, changes[field_name])
    provider.save(update_fields=changed)
    record_event(
        district=provider.district,
        actor=by,
        action=Action.SIGN_IN_PROVIDER_CHANGED,
        target=provider,
        before={f: before[f] for f in changed},
        after={f: getattr(provider, f) for f in changed},
    )
    _forget_metadata_on_commit(old_issuer)
    return provider


@transaction.atomic
def set_provider_active(
    *, provider: IdentityProvider, active: bool, by: User | None
) -> IdentityProvider:
    """Turn a provider off (its button disappears and its callback refuses; the links to its
    accounts are kept, so turning it back on needs no new first sign-ins) or back on."""
    provider = IdentityProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.active == active:
        return provider
    district = District.objects.select_for_update().get(pk=provider.district_id)
    others = IdentityProvider.objects.filter(district=district, active=True).exclude(pk=provider.pk)
    if not active and district.local_passwords_off and not others.exists():
        raise ProviderError(
            "This is the district's last active provider and Chalkline passwords are off: "
            "turning it off would leave only the break-glass account able to sign in. Turn "
            "passwords back on first."
        )
    provider.active = active
    provider.save(update_fields=["active"])
    record_event(
        district=provider.district,
        actor=by,
        action=(
            Action.SIGN_IN_PROVIDER_REACTIVATED if active else Action.SIGN_IN_PROVIDER_DEACTIVATED
        ),
        target=provider,
        before={"active": not active},
        after={"active": active},
    )
    _forget_metadata_on_commit(provider.issuer)
    return provider
