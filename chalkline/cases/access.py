"""Who may see a case and what of it, built on People's grants (docs/cases.md).

A case is visible only to the people named on it (``CaseMember``) and to the superintendent,
except a case routed to the Board's designee because the superintendent is its subject. Anyone
else gets a 404, as for a case that does not exist. What a visible case shows depends on the
viewer's part:

- ``full``: the superintendent, case managers, the investigator, the Title IX coordinator and
  anyone triage named: the whole timeline, the evidence, the steps;
- ``employee``: the employee (once notice was sent) and the representative they invited: only
  the entries addressed to the employee and the employee's own responses;
- ``reporter``: a signed-in guardian, student or staff member who reported it: only that it was
  received and, when it closes, that it was closed.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from chalkline.cases.models import (
    EMPLOYEE_PARTS,
    FULL_PARTS,
    Case,
    CaseMember,
    CaseQuerySet,
    InspectionRequest,
    MandatedReport,
)
from chalkline.people.access import get_visible, grants_for, require
from chalkline.people.models import District, Person, User
from chalkline.people.roles import Capability, Role

View = Literal["full", "employee", "reporter"]


def is_superintendent(user: User | object, district: District) -> bool:
    return Role.SUPERINTENDENT in grants_for(user, district).roles


def can_report(user: User | object, district: District) -> bool:
    """Anyone with a role in the district (staff, guardians, students) may report a concern."""
    return bool(grants_for(user, district).roles)


def require_reporter(user: User | object, district: District) -> None:
    if not can_report(user, district):
        raise PermissionDenied


def require_case_manager(user: User | object, district: District) -> None:
    require(user, district, Capability.MANAGE_CASES)


def require_case_reports(user: User | object, district: District) -> None:
    require(user, district, Capability.VIEW_CASE_REPORTS)


def cases_visible_to(user: User | object, district: District) -> CaseQuerySet:
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return Case.objects.none()
    qs = Case.objects.in_district(district)
    named = Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user))
    if is_superintendent(user, district):
        visible = named | ~Q(route=Case.Route.BOARD)
        if user.person_id:
            visible = named | (~Q(route=Case.Route.BOARD) & ~Q(subject_id=user.person_id))
        return qs.filter(visible)
    return qs.filter(named)


def parts_of(user: User | object, case: Case) -> set[str]:
    if not isinstance(user, User):
        return set()
    return set(CaseMember.objects.filter(case=case, user=user).values_list("part", flat=True))


def view_of(
    user: User | object, district: District, case: Case, parts: set[str] | None = None
) -> View:
    """What of a visible case the user sees (the widest of their parts; pass ``parts`` when
    they are already known, as the case list does for a whole page)."""
    parts = parts_of(user, case) if parts is None else parts
    if parts & FULL_PARTS:
        return "full"
    if (
        is_superintendent(user, district)
        and case.route != Case.Route.BOARD
        and not (isinstance(user, User) and user.person_id and case.subject_id == user.person_id)
    ):
        return "full"
    if parts & EMPLOYEE_PARTS:
        return "employee"
    return "reporter"


def get_case_for(
    user: User | object, district: District, pk: int, *, need: View | None = None
) -> tuple[Case, View]:
    """A case the user may see and their view of it: 404 when hidden, 403 when ``need`` (a
    view, or ``"employee"`` meaning the employee themself) is not theirs."""
    case = get_visible(
        cases_visible_to(user, district).select_related(
            "building", "subject", "investigator", "outcome"
        ),
        pk,
        not_found="No such case",
    )
    view = view_of(user, district, case)
    if need == "full" and view != "full":
        raise PermissionDenied
    if need == "employee" and CaseMember.Part.SUBJECT not in parts_of(user, case):
        raise PermissionDenied
    return case, view


def views_of(user: User | object, district: District, cases: list[Case]) -> dict[int, View]:
    """``view_of`` for a page of cases, in one query."""
    parts: dict[int, set[str]] = {c.pk: set() for c in cases}
    if isinstance(user, User):
        rows = CaseMember.objects.filter(case__in=[c.pk for c in cases], user=user)
        for case_id, part in rows.values_list("case_id", "part"):
            parts[case_id].add(part)
    return {c.pk: view_of(user, district, c, parts[c.pk]) for c in cases}


def case_permissions(user: User | object, district: District) -> dict[str, bool]:
    grants = grants_for(user, district)
    return {
        "can_report": can_report(user, district),
        "can_manage_cases": grants.can_anywhere(Capability.MANAGE_CASES),
        "can_see_mandated_log": grants.can_anywhere(Capability.VIEW_MANDATED_REPORT_LOG),
        "can_log_mandated_report": grants.is_staff_member,
        "can_see_case_reports": grants.can_anywhere(Capability.VIEW_CASE_REPORTS),
    }


# --- the mandated-report log -------------------------------------------------------------------


def require_staff(user: User | object, district: District) -> None:
    """Every employee may log their own report to DCFS."""
    if not grants_for(user, district).is_staff_member:
        raise PermissionDenied


def own_mandated_reports(user: User, district: District) -> QuerySet[MandatedReport]:
    return MandatedReport.objects.filter(district=district, reporter=user)


def mandated_log_for(user: User | object, district: District) -> QuerySet[MandatedReport]:
    """The whole log, for the designee (and the superintendent): to support, never to approve."""
    require(user, district, Capability.VIEW_MANDATED_REPORT_LOG)
    return MandatedReport.objects.filter(district=district).select_related("reporter")


# --- the personnel file (820 ILCS 40) ----------------------------------------------------------


def personnel_outcomes_for(user: User | object, district: District, person: Person) -> CaseQuerySet:
    """The final outcomes that go into ``person``'s personnel file, for the personnel-file page:
    the employee sees their own; case managers (HR, the superintendent) see those of cases not
    routed around them to the Board's designee; a principal, who sees the acknowledgments of
    their building's staff, sees none of these."""
    qs = (
        Case.objects.in_district(district)
        .filter(
            subject=person,
            outcome__personnel_file=True,
            status__in=[Case.Status.OUTCOME, Case.Status.ACKNOWLEDGMENT, Case.Status.CLOSED],
        )
        .select_related("outcome")
        .order_by("-opened_at")
    )
    if getattr(user, "person_id", None) == person.pk:
        return qs
    if grants_for(user, district).can_anywhere(Capability.MANAGE_CASES) and isinstance(user, User):
        named = Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user))
        return qs.filter(named | ~Q(route=Case.Route.BOARD))
    return qs.none()


def inspection_requests_visible_to(
    user: User | object, district: District
) -> QuerySet[InspectionRequest]:
    """HR and the superintendent see every request of the district; an employee their own."""
    qs = InspectionRequest.objects.filter(district=district).select_related("person")
    if grants_for(user, district).can_anywhere(Capability.MANAGE_CASES):
        return qs
    own = getattr(user, "person_id", None)
    return qs.filter(person_id=own) if own else qs.none()


def get_inspection_request_for(
    user: User | object, district: District, pk: int
) -> InspectionRequest:
    require(user, district, Capability.MANAGE_CASES)
    return get_visible(
        inspection_requests_visible_to(user, district), pk, not_found="No such request"
    )
