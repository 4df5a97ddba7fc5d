"""Districts, memberships and confirmed roles. Each write audits in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditChainHead
from chalkline.audit.services import record_event
from chalkline.people.models import Building, District, Membership, RoleSuggestion, User
from chalkline.people.roles import Role


@transaction.atomic
def create_district(*, name: str, slug: str, email_domains: str = "", by: User | None) -> District:
    district = District.objects.create(name=name, slug=slug, email_domains=email_domains)
    AuditChainHead.objects.create(district=district)
    record_event(
        district=district,
        actor=by,
        action=Action.DISTRICT_CREATED,
        target=district,
        after={"name": name, "slug": slug, "email_domains": email_domains},
    )
    return district


@transaction.atomic
def grant_membership(
    *,
    user: User,
    district: District,
    role: Role | str,
    building: Building | None = None,
    by: User | None,
) -> Membership:
    if building is not None and building.district_id != district.pk:
        raise ValueError("The building belongs to another district.")
    membership, created = Membership.objects.get_or_create(
        user=user, district=district, building=building, role=role, defaults={"active": True}
    )
    if not created and not membership.active:
        membership.active = True
        membership.suspended_at = None
        membership.suspension_reason = ""
        membership.save(update_fields=["active", "suspended_at", "suspension_reason"])
        created = True
    if created:
        record_event(
            district=district,
            actor=by,
            action=Action.MEMBERSHIP_GRANTED,
            target=membership,
            after={
                "user": user.pk,
                "role": str(role),
                "building": building.pk if building else None,
            },
        )
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership, by: User | None) -> None:
    if not membership.active:
        return
    membership.active = False
    membership.save(update_fields=["active"])
    record_event(
        district=membership.district_id,
        actor=by,
        action=Action.MEMBERSHIP_REVOKED,
        target=membership,
        before={
            "user": membership.user_id,
            "role": membership.role,
            "building": membership.building_id,
        },
    )


# --- SIS administrative roles: HR confirms ----------------------------------------------------


class RoleSuggestionError(Exception):
    pass


@transaction.atomic
def decide_role_suggestion(
    *, suggestion: RoleSuggestion, confirm: bool, by: User | None
) -> RoleSuggestion:
    """Confirm (grant the membership, creating a sign-in account if the person has none) or
    dismiss a suggested role. A SIS role never grants anything until this is called."""
    suggestion = RoleSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != RoleSuggestion.Status.PENDING:
        raise RoleSuggestionError("This suggestion was already decided.")
    person = suggestion.person
    district = District.objects.get(pk=suggestion.district_id)
    created_user = False
    if confirm:
        user = User.objects.filter(person=person).first()
        if user is None:
            if not person.email:
                raise RoleSuggestionError(
                    "This person has no email address, so no sign-in account can be created."
                )
            if User.objects.filter(username__iexact=person.email).exists():
                raise RoleSuggestionError(
                    "An account with this person's email as username exists already."
                )
            user = User(
                username=person.email,
                email=person.email,
                first_name=person.given_name[:150],
                last_name=person.family_name[:150],
                person=person,
            )
            user.set_unusable_password()
            user.save()
            created_user = True
        grant_membership(
            user=user,
            district=district,
            role=suggestion.role,
            building=suggestion.building,
            by=by,
        )
    suggestion.status = (
        RoleSuggestion.Status.CONFIRMED if confirm else RoleSuggestion.Status.DISMISSED
    )
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        district=district,
        actor=by,
        action=Action.DIRECTORY_ROLE_CONFIRMED if confirm else Action.DIRECTORY_ROLE_DISMISSED,
        target=suggestion,
        after={
            "person": person.pk,
            "role": suggestion.role,
            "building": suggestion.building_id,
            "account_created": created_user,
        },
    )
    return suggestion
