"""Leavers lose access: a person deactivated by a directory import keeps no way in.

Called inside the import's apply transaction (``directory_import._apply_import``), after every
person row is written:

1. ``check_deactivation_share``: an import deactivating more than IMPORT_MAX_DEACTIVATION_SHARE of
   the district's active people is refused (nothing applied) unless the batch confirms it;
2. ``keep_last_superintendent``: the district's last active superintendent is never cut off: their
   person record stays active, with a warning in the report;
3. ``suspend_leavers``: every active membership in the district held by a user whose person is
   inactive is suspended (``active = False`` with ``suspended_at`` and ``suspension_reason``), and
   those users' sessions are deleted; one summary audit event lists the ids;
4. ``sign_out_former_families``: former students and the guardians left with no active child
   no longer sign in (their accounts deactivated, family memberships suspended, sessions ended).

API tokens need nothing here: ``api.auth`` refuses a token whose creator holds no active
membership in its district or whose person is inactive (api sits above people).

Nothing is restored when a person comes back: an administrator grants the roles again.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.batches import in_list_chunks
from chalkline.lib.oneroster import Report
from chalkline.people import roster_import
from chalkline.people.models import (
    District,
    GuardianLink,
    ImportBatch,
    Membership,
    Person,
    User,
)
from chalkline.people.roles import Role
from chalkline.people.sessions import end_sessions

PEOPLE_ENTITIES = {"staff": "staff", "student": "students", "guardian": "guardians"}


def active_people(district_id: int) -> int:
    return Person.objects.filter(district_id=district_id, active=True).count()


def check_deactivation_share(
    *,
    batch: ImportBatch,
    outcome: roster_import.Outcome,
    active_before: int,
    report: Report,
    file: str,
) -> None:
    """Refuse (ImportRefused: the apply transaction rolls back) an import that deactivates more
    than the allowed share of the district's active people, unless the batch confirms it. A dry
    run only warns."""
    deactivated = sum(
        outcome.counts.get(e, {}).get("deactivated", 0) for e in PEOPLE_ENTITIES.values()
    )
    share: float = settings.IMPORT_MAX_DEACTIVATION_SHARE
    if not active_before or deactivated <= share * active_before or batch.confirm_deactivations:
        return
    message = (
        f"This import would deactivate {deactivated:,} of the district's {active_before:,} active "
        f"people ({deactivated / active_before:.0%}), more than the {share:.0%} allowed without "
        "confirmation"
    )
    if batch.dry_run:
        report.warning("too_many_deactivations", file, None, None, message + ".")
        return
    message += (
        ". Nothing was applied. Check the files; if these people really left, import again and "
        "confirm the deactivations (--confirm-deactivations, or the box on the import form)."
    )
    report.error("too_many_deactivations", file, None, None, message)
    raise roster_import.ImportRefused(message)


def _superintendents(district_id: int) -> Q:
    return Q(district_id=district_id, active=True, role=Role.SUPERINTENDENT, building__isnull=True)


def keep_last_superintendent(
    *, district_id: int, outcome: roster_import.Outcome, report: Report, file: str
) -> Person | None:
    """If the import left no active superintendent membership held by an active person (or an
    account with no person record), the person holding the oldest such membership is made
    active again, with a warning: a district is never left without its superintendent."""
    memberships = Membership.objects.filter(_superintendents(district_id))
    if memberships.filter(Q(user__person__isnull=True) | Q(user__person__active=True)).exists():
        return None
    last = memberships.select_related("user__person").order_by("pk").first()
    if last is None or last.user.person is None:
        return None
    person = last.user.person
    Person.objects.filter(pk=person.pk).update(
        active=True, deactivated_at=None, deactivation_reason="", updated_at=timezone.now()
    )
    entity = PEOPLE_ENTITIES.get(person.kind, "staff")
    if outcome.counts.get(entity, {}).get("deactivated", 0) > 0:
        outcome.counts[entity]["deactivated"] -= 1
        outcome.add(entity, "updated", 1)
    report.warning(
        "last_superintendent_kept",
        file,
        None,
        "status",
        "the import would deactivate the district's last active superintendent; their record "
        "was kept active so the district keeps an administrator. Grant the superintendent role "
        "to their successor, then import again",
        sourced_id=person.sourced_id or None,
    )
    return person


def suspend_leavers(
    *,
    district: District,
    reason: str,
    by: User | None,
    batch: ImportBatch | None = None,
    report: Report | None = None,
    file: str = "",
) -> dict[str, int]:
    """Suspend every active membership in the district held by a user whose person record is
    inactive, and end those users' sessions. One summary audit event (``access.suspended``)
    lists the people, users and memberships. Idempotent: a second call finds nothing."""
    rows = list(
        Membership.objects.filter(
            district=district, active=True, user__person__active=False
        ).values_list("pk", "user_id", "user__person_id")
    )
    sessions = end_sessions(
        User.objects.filter(person__district=district, person__active=False).values("pk")
    )
    if not rows and not sessions:
        return {"people": 0, "memberships": 0, "sessions": 0}
    now = timezone.now()
    membership_ids = sorted(pk for pk, _, _ in rows)
    for chunk in in_list_chunks(membership_ids):
        Membership.objects.filter(pk__in=chunk).update(
            active=False, suspended_at=now, suspension_reason=reason[:300]
        )
    person_ids = sorted({p for _, _, p in rows})
    record_event(
        district=district,
        actor=by,
        action=Action.ACCESS_SUSPENDED,
        target=batch if batch is not None else district,
        after={
            "reason": reason,
            "people": person_ids,
            "users": sorted({u for _, u, _ in rows}),
            "memberships": membership_ids,
            "sessions_ended": sessions,
        },
    )
    if report is not None and person_ids:
        report.info(
            "access_suspended",
            file,
            f"{len(person_ids):,} deactivated people lost their roles ({len(membership_ids):,} "
            f"memberships suspended, {sessions:,} sessions ended). Reactivation restores "
            "nothing: an administrator grants roles again.",
        )
    return {"people": len(person_ids), "memberships": len(membership_ids), "sessions": sessions}


def sign_out_former_families(
    *,
    district: District,
    by: User | None,
    batch: ImportBatch | None = None,
    report: Report | None = None,
    file: str = "",
) -> dict[str, int]:
    """Former students and their families no longer sign in: the accounts of inactive students
    and of guardians left with no active child (no active link to an active student) are
    deactivated (``is_active = False``), their family memberships suspended and their sessions
    ended. The hub still reaches them by e-mail in the threads they were in. One summary audit
    event; idempotent. A new invitation, once claimed, makes the account active again."""
    current_child = GuardianLink.objects.filter(
        guardian_id=OuterRef("person_id"), active=True, student__active=True
    )
    former = User.objects.filter(person__district=district, is_active=True).filter(
        Q(person__kind=Person.Kind.STUDENT, person__active=False)
        | Q(person__kind=Person.Kind.GUARDIAN) & ~Exists(current_child)
    )
    user_ids = sorted(former.values_list("pk", flat=True))
    if not user_ids:
        return {"users": 0, "sessions": 0}
    sessions = end_sessions(User.objects.filter(pk__in=user_ids).values("pk"))
    now = timezone.now()
    for chunk in in_list_chunks(user_ids):
        User.objects.filter(pk__in=chunk).update(is_active=False)
        Membership.objects.filter(
            user_id__in=chunk, role__in=[Role.GUARDIAN, Role.STUDENT], active=True
        ).update(active=False, suspended_at=now, suspension_reason="No longer a current family")
    record_event(
        district=district,
        actor=by,
        action=Action.FORMER_FAMILIES_SIGNED_OUT,
        target=batch if batch is not None else district,
        after={"users": user_ids, "sessions_ended": sessions},
    )
    if report is not None:
        report.info(
            "former_families_signed_out",
            file,
            f"{len(user_ids):,} accounts of former students and their families no longer sign "
            "in; the messaging hub reaches them by e-mail.",
        )
    return {"users": len(user_ids), "sessions": sessions}


def cut_leavers_access(
    *,
    batch: ImportBatch,
    outcome: roster_import.Outcome,
    active_before: int,
    report: Report,
) -> None:
    """The import's last apply step (see the module docstring)."""
    file = "users.csv" if batch.package_path else "staff CSV"
    check_deactivation_share(
        batch=batch, outcome=outcome, active_before=active_before, report=report, file=file
    )
    keep_last_superintendent(
        district_id=batch.district_id, outcome=outcome, report=report, file=file
    )
    suspend_leavers(
        district=batch.district,
        reason=f"Person deactivated by import #{batch.pk}",
        by=batch.created_by,
        batch=batch,
        report=report,
        file=file,
    )
    sign_out_former_families(
        district=batch.district, by=batch.created_by, batch=batch, report=report, file=file
    )
