"""Who may see and change the registry, built on People's grants.

Staff with ``request_apps`` see the registry and ask for apps; the network administrator
(``review_apps``) reviews requests; the official the district authorizes (``approve_apps``)
approves, posts, retires, imports, logs breaches and edits the public page. An app is visible to
every staff member of its district; one in another district is missing (404).
"""

from __future__ import annotations

from django.db.models import QuerySet

from chalkline.people.access import get_visible, grants_for, require
from chalkline.people.models import District, User
from chalkline.people.roles import Capability
from chalkline.registry.models import App, Breach, DistrictLogo, LogoPermission


def require_registry_reader(user: User, district: District) -> None:
    require(user, district, Capability.REQUEST_APPS)


def require_approver(user: User, district: District) -> None:
    require(user, district, Capability.APPROVE_APPS)


def apps_visible_to(user: User | object, district: District) -> QuerySet[App]:
    if not grants_for(user, district).can_anywhere(Capability.REQUEST_APPS):
        return App.objects.none()
    return App.objects.in_district(district)


def get_app_for(user: User, district: District, pk: int, *, need: Capability) -> App:
    grants = grants_for(user, district)
    return get_visible(
        apps_visible_to(user, district),
        pk,
        not_found="No such app",
        allowed=grants.can_anywhere(need),
    )


def breaches_visible_to(user: User | object, district: District) -> QuerySet[Breach]:
    if not grants_for(user, district).can_anywhere(Capability.APPROVE_APPS):
        return Breach.objects.none()
    return Breach.objects.filter(district=district)


def get_breach_for(user: User, district: District, pk: int) -> Breach:
    require_approver(user, district)
    return get_visible(breaches_visible_to(user, district), pk, not_found="No such breach")


def registry_permissions(user: User, district: District) -> dict[str, bool]:
    """The booleans pages get: which buttons to show."""
    grants = grants_for(user, district)
    return {
        "can_request": grants.can_anywhere(Capability.REQUEST_APPS),
        "can_review": grants.can_anywhere(Capability.REVIEW_APPS),
        "can_approve": grants.can_anywhere(Capability.APPROVE_APPS),
        "can_ask_logo": grants.can_anywhere(Capability.REQUEST_LOGO_USE),
        "can_grant_logo": grants.can_anywhere(Capability.GRANT_LOGO_USE),
    }


# --- the District's logo -----------------------------------------------------------------------


def require_logo_requester(user: User, district: District) -> None:
    require(user, district, Capability.REQUEST_LOGO_USE)


def require_logo_granter(user: User, district: District) -> None:
    require(user, district, Capability.GRANT_LOGO_USE)


def logo_permissions_visible_to(
    user: User | object, district: District
) -> QuerySet[LogoPermission]:
    """The superintendent and designee (``grant_logo_use``) see every request of the district;
    staff see their own."""
    grants = grants_for(user, district)
    qs = LogoPermission.objects.in_district(district)
    if grants.can_anywhere(Capability.GRANT_LOGO_USE):
        return qs
    person_id = getattr(user, "person_id", None)
    if not person_id or not grants.can_anywhere(Capability.REQUEST_LOGO_USE):
        return LogoPermission.objects.none()
    return qs.filter(person_id=person_id)


def get_logo_permission_for(user: User, district: District, pk: int) -> LogoPermission:
    """One request, to decide on: 404 when hidden, 403 for its own author without the grant."""
    grants = grants_for(user, district)
    return get_visible(
        logo_permissions_visible_to(user, district),
        pk,
        not_found="No such logo permission",
        allowed=grants.can_anywhere(Capability.GRANT_LOGO_USE),
    )


def get_district_logo_for(user: User, district: District, pk: int) -> DistrictLogo:
    require_logo_granter(user, district)
    return get_visible(
        DistrictLogo.objects.filter(district=district), pk, not_found="No such logo image"
    )
