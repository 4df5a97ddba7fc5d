"""The home page: what each sign-in needs first. It reads several apps (the directory, the
acknowledgment figures, the policies), so it lives here, above them.

Which cards show is decided by the access rules (capabilities and the user's own links), never by
role names: the dashboard with ``view_ack_records`` (district-wide or for the user's buildings),
the Board agenda with ``view_board_agenda``, the policy reviews the user is named on, children for a guardian's person record, the student
card for a student's own record."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chalkline.acks import access as ack_access
from chalkline.acks.overview import ack_overview
from chalkline.people import access
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import ImportBatch, Person
from chalkline.people.roles import Capability
from chalkline.policies import access as policy_access
from chalkline.policies.selectors import board_agenda
from chalkline.registry.reminders import reminders_for
from chalkline.reviews import access as review_access
from chalkline.reviews.models import Review

STUDENT_POLICY = "5:125"  # the policy whose meaning for students the student card explains


@require_GET
@district_required
def home(request: DistrictRequest) -> HttpResponse:
    user, district = request.user, request.district
    grants = access.grants_for(user, district)
    person = user.person
    buildings = access.buildings_visible_to(user, district)
    context: dict[str, object] = {
        "person": person,
        "buildings": buildings[:20],
        "can_directory": grants.can_anywhere(Capability.VIEW_STAFF_DIRECTORY),
        "can_audit": grants.can_anywhere(Capability.VIEW_AUDIT),
        "can_read_policies": grants.can_anywhere(Capability.READ_POLICIES),
        "can_see_registry": grants.can_anywhere(Capability.REQUEST_APPS),
        "can_ask_logo": grants.can_anywhere(Capability.REQUEST_LOGO_USE),
        "is_district_wide": bool(grants.district_caps),
        "districts": access.districts_of(user),
        "is_student": person is not None and person.kind == Person.Kind.STUDENT,
        "children": (
            access.children_of(user, district)
            .prefetch_related("affiliations__building")
            .order_by("family_name", "given_name", "pk")
        ),
        "student_policy": STUDENT_POLICY,
    }
    scope = ack_access.ack_record_scope(user, district)
    if scope is None or scope:
        context["overview"] = ack_overview(district, building_ids=scope, today=timezone.localdate())
        context["overview_district_wide"] = scope is None
    context["pending_roles"] = access.role_suggestions_pending_for(user, district)
    if context["pending_roles"] is not None:  # those who manage the directory
        context["failed_imports"] = (
            access.import_batches_visible_to(user, district)
            .filter(
                status=ImportBatch.Status.FAILED,
                created_at__gte=timezone.now() - timedelta(days=14),
            )
            .count()
        )
    if policy_access.sees_board_agenda(user, district):
        context["agenda"] = board_agenda(district)
    context["sees_board_items"] = review_access.sees_board_items(user, district)
    context["manages_reviews"] = review_access.can_manage_reviews(user, district)
    # The reviews this sign-in is named on (all of them for those who run reviews): open ones, or
    # at the Board. Participants are reached here, not through the menu.
    context["my_reviews"] = list(
        review_access.reviews_visible_to(user, district)
        .filter(status__in=[Review.Status.OPEN, Review.Status.AT_BOARD])
        .select_related("policy")
        .order_by("-pk")[:10]
    )
    context["reminders"] = reminders_for(user, district)  # SOPPA deadlines, for approvers
    return render(request, "workflows/home.html", context)
