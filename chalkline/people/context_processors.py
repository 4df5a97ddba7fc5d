from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from chalkline.people.access import can_add_second_factor, grants_for
from chalkline.people.roles import Capability, Role


def chalkline(request: HttpRequest) -> dict[str, Any]:
    district = getattr(request, "district", None)
    # An error page can be rendered before the auth middleware ran (a bad Host header is refused
    # by CommonMiddleware): there is then no request.user, and nothing to show.
    user = getattr(request, "user", None)
    grants = grants_for(user, district)
    nav: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated and district is not None:
        nav.append(("Home", reverse("home")))
        nav.append(("Messages", reverse("messaging:inbox")))
        if grants.can(Capability.SEARCH_MESSAGE_ARCHIVE):
            nav.append(("Message archive", reverse("messaging:archive")))
        if grants.can_anywhere(Capability.VIEW_STAFF_DIRECTORY):
            nav.append(("Directory", reverse("people:directory")))
        if grants.can_anywhere(Capability.READ_POLICIES):
            nav.append(("Policies", reverse("policies:library")))
        if grants.can_anywhere(Capability.SCREEN_DRAFTS):
            nav.append(("Check a draft", reverse("drafts:check")))
        if getattr(user, "person_id", None) and grants.is_staff_member:
            nav.append(("My acknowledgments", reverse("acks:mine")))
        if grants.can_anywhere(Capability.VIEW_ACK_RECORDS):
            nav.append(("Acknowledgments", reverse("acks:campaigns")))
        if getattr(user, "person_id", None) and grants.is_staff_member:
            nav.append(("My training", reverse("training:mine")))
        elif grants.can_anywhere(Capability.MANAGE_TRAINING):
            nav.append(("Training", reverse("training:manage")))
        if grants.roles:
            nav.append(("Cases", reverse("cases:cases")))
        if grants.can_anywhere(Capability.VIEW_AUDIT):
            nav.append(("Audit log", reverse("audit:events")))
        if grants.can(Capability.MANAGE_SIGN_IN):
            nav.append(("Sign-in settings", reverse("people:sign_in")))
    role_labels = [Role(r).label for r in sorted(grants.roles)]
    return {
        "current_district": district,
        "nav_items": nav,
        "my_roles": role_labels,
        # the account menu's link to the authenticator-app page (local password accounts only)
        "two_factor_link": can_add_second_factor(user),
    }
