"""Every persona × every page of the District's logo permissions. 200/302/400 allowed (400: an
empty form posted by someone who may post it), 403 visible but not allowed, 404 hidden (another
employee's request, another district's objects), sign-in for anonymous visitors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.registry.models import DistrictLogo, LogoPermission
from chalkline.registry.services import add_district_logo, request_logo_permission
from chalkline.screening.tests.test_images import _jpeg, _logo
from conftest import PERSONAS, World

STAFF = {
    "superintendent",
    "designee",
    "hr",
    "principal_north",
    "netadmin",
    "union_rep",
    "teacher_north",
    "teacher_south",
}
GRANTERS = {"superintendent", "designee"}
WITH_PERSON = {"teacher_north", "teacher_south"}

Url = Callable[[LogoPermission, DistrictLogo], str]


def _statuses(
    allowed: set[str], ok: int, *, own: int | None = None, hidden: int = 403, outsider: int = 404
) -> Callable[[str], int]:
    def expected(persona: str) -> int:
        if persona in allowed:
            return ok
        if persona == "teacher_north" and own is not None:
            return own  # the request's author: visible, not theirs to decide
        if persona == "outsider":
            return outsider
        return hidden

    return expected


# name -> (method, url, expected status per persona)
VIEWS: dict[str, tuple[str, Url, Callable[[str], int]]] = {
    "logo_mine": (
        "get",
        lambda p, lg: reverse("registry:logo_mine"),
        _statuses(STAFF | {"outsider"}, 200),
    ),
    "logo_request": (
        "get",
        lambda p, lg: reverse("registry:logo_request"),
        _statuses(WITH_PERSON, 200, outsider=403),  # staff without a directory record: 403
    ),
    "logo_review": (
        "get",
        lambda p, lg: reverse("registry:logo_review"),
        _statuses(GRANTERS | {"outsider"}, 200),
    ),
    "logo_grant": (
        "post",
        lambda p, lg: reverse("registry:logo_grant", args=[p.pk]),
        _statuses(GRANTERS, 400, own=403, hidden=404),
    ),
    "logo_refuse": (
        "post",
        lambda p, lg: reverse("registry:logo_refuse", args=[p.pk]),
        _statuses(GRANTERS, 400, own=403, hidden=404),
    ),
    "logo_revoke": (
        "post",
        lambda p, lg: reverse("registry:logo_revoke", args=[p.pk]),
        _statuses(GRANTERS, 400, own=403, hidden=404),
    ),
    "logo_image_add": (
        "post",
        lambda p, lg: reverse("registry:logo_image_add"),
        _statuses(GRANTERS | {"outsider"}, 400),
    ),
    "logo_image_remove": (
        "post",
        lambda p, lg: reverse("registry:logo_image_remove", args=[lg.pk]),
        _statuses(GRANTERS, 302),
    ),
}


def _objects(world: World) -> tuple[LogoPermission, DistrictLogo]:
    teacher = world.users["teacher_north"]
    assert teacher.person is not None
    permission = request_logo_permission(
        district=world.district, by=teacher, person=teacher.person, purpose="Team shirts"
    )
    logo = add_district_logo(
        district=world.district, by=world.users["designee"], name="Seal", data=_jpeg(_logo())
    )
    return permission, logo


@pytest.mark.parametrize("name", sorted(VIEWS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_logo_role_matrix(world: World, client: Client, persona: str, name: str) -> None:
    permission, logo = _objects(world)
    method, url, expected = VIEWS[name]
    client.force_login(world.users[persona])
    response = getattr(client, method)(url(permission, logo))
    assert response.status_code == expected(persona), (persona, name, response.status_code)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_anonymous_is_sent_to_sign_in(world: World, client: Client, name: str) -> None:
    permission, logo = _objects(world)
    method, url, _ = VIEWS[name]
    response = getattr(client, method)(url(permission, logo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
