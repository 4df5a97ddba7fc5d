"""Who records media releases and directory opt-outs: the capability ``manage_media_releases``
(a building's principal or registrar; district-wide holders for every building), on People's
grants. A building the user does not see is 404; one they see without the capability, 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from chalkline.people.access import buildings_visible_to, get_building_for, grants_for
from chalkline.people.models import Building, BuildingQuerySet, District, User
from chalkline.people.roles import Capability

CAP = Capability.MANAGE_MEDIA_RELEASES


def media_buildings_for(user: User | object, district: District) -> BuildingQuerySet:
    return buildings_visible_to(user, district, CAP).order_by("name")


def can_manage_media(user: User | object, district: District) -> bool:
    return grants_for(user, district).can_anywhere(CAP)


def require_media_manager(user: User | object, district: District) -> None:
    if not grants_for(user, district).can_anywhere(CAP):
        raise PermissionDenied


def get_media_building_for(user: User | object, district: District, pk: int) -> Building:
    return get_building_for(user, district, pk, need=CAP)
