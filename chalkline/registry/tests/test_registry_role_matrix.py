"""Every persona × every registry view (the other district's superintendent, "outsider", sees
nothing of this district: 404 for its objects, and its own, empty, registry otherwise).

200/302 allowed, 403 visible but not allowed, 404 hidden, sign-in for anonymous visitors."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.people.models import User
from chalkline.registry.models import App, Breach
from conftest import PERSONAS, World

from .conftest import make_app

ALL = set(PERSONAS)
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
REVIEWERS = {"superintendent", "designee", "netadmin"}
APPROVERS = {"superintendent", "designee"}


def _objects(world: World) -> tuple[App, App, Breach]:
    admin = world.users["superintendent"]
    app = make_app(world.district, "Seesaw", status=App.Status.UNDER_REVIEW)
    approved = make_app(world.district, "Remind", status=App.Status.APPROVED)
    breach = Breach.objects.create(
        district=world.district,
        cause=Breach.Cause.DISTRICT,
        started_on=datetime.date(2026, 9, 1),
        students=3,
        discovered_on=datetime.date(2026, 9, 2),
        notify_by=datetime.date(2026, 10, 2),
        logged_by=admin,
    )
    return app, approved, breach


# name -> (method, url builder, allowed personas, status for the others, status when allowed)
Url = Callable[[App, App, Breach], str]
VIEWS: dict[str, tuple[str, Url, set[str], int, set[int]]] = {
    "apps": ("get", lambda a, p, b: reverse("registry:apps"), STAFF | {"outsider"}, 403, {200}),
    "request": (
        "get",
        lambda a, p, b: reverse("registry:request"),
        STAFF | {"outsider"},
        403,
        {200},
    ),
    "import": (
        "get",
        lambda a, p, b: reverse("registry:import"),
        APPROVERS | {"outsider"},
        403,
        {200},
    ),
    "privacy_settings": (
        "get",
        lambda a, p, b: reverse("registry:privacy_settings"),
        APPROVERS | {"outsider"},
        403,
        {200},
    ),
    "breaches": (
        "get",
        lambda a, p, b: reverse("registry:breaches"),
        APPROVERS | {"outsider"},
        403,
        {200},
    ),
    "app": ("get", lambda a, p, b: reverse("registry:app", args=[a.pk]), STAFF, 404, {200}),
    "review": (
        "post",
        lambda a, p, b: reverse("registry:review", args=[a.pk]),
        REVIEWERS,
        403,
        {400},
    ),
    "changes": (
        "post",
        lambda a, p, b: reverse("registry:changes", args=[a.pk]),
        REVIEWERS,
        403,
        {302},
    ),
    "refuse": (
        "post",
        lambda a, p, b: reverse("registry:refuse", args=[a.pk]),
        REVIEWERS,
        403,
        {302},
    ),
    "approve": (
        "post",
        lambda a, p, b: reverse("registry:approve", args=[a.pk]),
        APPROVERS,
        403,
        {400},
    ),
    "post": ("post", lambda a, p, b: reverse("registry:post", args=[p.pk]), APPROVERS, 403, {302}),
    "retire": (
        "post",
        lambda a, p, b: reverse("registry:retire", args=[p.pk]),
        APPROVERS,
        403,
        {302},
    ),
    "agreement": (
        "get",
        lambda a, p, b: reverse("registry:agreement", args=[a.pk]),
        REVIEWERS,
        403,
        {404},
    ),
    "breach": (
        "get",
        lambda a, p, b: reverse("registry:breach", args=[b.pk]),
        APPROVERS,
        403,
        {200},
    ),
    "recipients": (
        "get",
        lambda a, p, b: reverse("registry:recipients", args=[b.pk]),
        APPROVERS,
        403,
        {200},
    ),
}
# Hidden objects: personas with no registry capability in this district get 403 before the
# object is looked up only where the view checks the district capability first.
NOT_STAFF = ALL - STAFF - {"outsider"}


def _expected(persona: str, name: str) -> set[int]:
    method, _, allowed, otherwise, ok = VIEWS[name]
    if persona in allowed:
        return ok
    if persona == "outsider":
        return {404}  # another district's superintendent: this district's objects are hidden
    if name == "app" and persona in NOT_STAFF:
        return {404}
    if (
        name in {"review", "changes", "refuse", "approve", "post", "retire", "agreement"}
        and persona in NOT_STAFF
    ):
        return {404}
    if name in {"breach", "recipients"} and persona not in STAFF:
        return {403}
    return {otherwise}


@pytest.mark.parametrize("name", sorted(VIEWS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_registry_role_matrix(world: World, client: Client, persona: str, name: str) -> None:
    app, approved, breach = _objects(world)
    method, url, *_ = VIEWS[name]
    user: User = world.users[persona]
    client.force_login(user)
    response = getattr(client, method)(url(app, approved, breach))
    assert response.status_code in _expected(persona, name), (persona, name, response.status_code)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_anonymous_is_sent_to_sign_in(world: World, client: Client, name: str) -> None:
    app, approved, breach = _objects(world)
    method, url, *_ = VIEWS[name]
    response = getattr(client, method)(url(app, approved, breach))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_public_page_needs_no_sign_in(world: World, client: Client) -> None:
    assert client.get(reverse("registry:public", args=[world.district.slug])).status_code == 200
    assert client.get(reverse("registry:public", args=["no-such-district"])).status_code == 404
