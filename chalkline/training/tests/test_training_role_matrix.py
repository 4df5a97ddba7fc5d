"""Every persona × own building, other building and other district, on every training view.

HR, the superintendent and the designee manage training and see the district's records; the
principal schedules sessions and sees records for North Elementary only; a session's presenter
(here the employee representative) takes its attendance; employees see their own trainings and
certificates; everyone in the district can open a check-in link (the check-in itself needs a
valid code and a place on the roster).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.training import services
from chalkline.training.models import RosterEntry, Session
from conftest import PERSONAS, World

from .helpers import make_session, make_training

ALL = set(PERSONAS)
IN_DISTRICT = ALL - {"outsider"}
DISTRICT = {"superintendent", "designee", "hr"}
NORTH = DISTRICT | {"principal_north"}


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    hr = world.users["hr"]
    training = make_training(world.district, by=hr)
    north = make_session(training, by=hr, building=world.north, presenter=world.users["union_rep"])
    south = make_session(training, by=hr, building=world.south)
    module = make_session(training, by=hr, building=world.north, format=Session.Format.SELF_PACED)
    tess = world.users["teacher_north"]
    tess_entry = RosterEntry.objects.get(session=module, person_id=tess.person_id or 0)
    services.complete_module(entry=tess_entry, answers={}, by=tess)
    tom = world.users["teacher_south"]
    tom_entry = RosterEntry.objects.get(session=south, person_id=tom.person_id or 0)
    services.mark_attendance(session=south, person_ids=[tom_entry.person_id], by=hr)
    other_training = make_training(world.other_district, by=world.users["outsider"])
    other = make_session(other_training, format=Session.Format.SELF_PACED)
    return {
        "training": training,
        "north": north,
        "south": south,
        "tess_entry": tess_entry,
        "tom_entry": tom_entry,
        "other_entry": RosterEntry.objects.filter(session=other).first(),
        "other_training": other_training,
    }


T = Callable[[World, dict[str, Any]], str]
# name: (url, method, personas allowed, their status, everyone else's status, overrides)
CASES: dict[str, tuple[T, str, set[str], int, int, dict[str, int]]] = {
    "mine": (lambda w, s: reverse("training:mine"), "get", ALL, 200, 0, {}),
    "module_own": (
        lambda w, s: reverse("training:module", args=[s["tess_entry"].pk]),
        "get",
        {"teacher_north"},
        200,
        404,
        {},
    ),
    "module_other_district": (
        lambda w, s: reverse("training:module", args=[s["other_entry"].pk]),
        "get",
        set(),
        200,
        404,
        {},
    ),
    "certificate_north": (
        lambda w, s: reverse("training:certificate", args=[s["tess_entry"].pk]),
        "get",
        NORTH | {"teacher_north"},
        200,
        404,
        {},
    ),
    "certificate_south": (
        lambda w, s: reverse("training:certificate", args=[s["tom_entry"].pk]),
        "get",
        DISTRICT | {"teacher_south"},
        200,
        404,
        {},
    ),
    "check_in_page": (
        lambda w, s: reverse("training:check_in", args=[s["north"].pk]),
        "get",
        IN_DISTRICT,
        200,
        404,
        {},
    ),
    "check_in_without_a_code": (
        lambda w, s: reverse("training:check_in", args=[s["north"].pk]),
        "post",
        IN_DISTRICT,
        400,
        404,
        {},
    ),
    "manage": (
        lambda w, s: reverse("training:manage"),
        "get",
        NORTH | {"outsider"},
        200,
        403,
        {},
    ),
    "training_new": (
        lambda w, s: reverse("training:training_new"),
        "get",
        DISTRICT | {"outsider"},
        200,
        403,
        {},
    ),
    "settings": (
        lambda w, s: reverse("training:settings"),
        "get",
        DISTRICT | {"outsider"},
        200,
        403,
        {},
    ),
    "training": (
        lambda w, s: reverse("training:training", args=[s["training"].pk]),
        "get",
        NORTH,
        200,
        404,
        {},
    ),
    "training_other_district": (
        lambda w, s: reverse("training:training", args=[s["other_training"].pk]),
        "get",
        {"outsider"},
        200,
        404,
        {},
    ),
    "session_new_incomplete": (
        lambda w, s: reverse("training:session_new", args=[s["training"].pk]),
        "post",
        NORTH,
        400,
        404,
        {},
    ),
    "session_north": (
        lambda w, s: reverse("training:session", args=[s["north"].pk]),
        "get",
        NORTH | {"union_rep"},
        200,
        404,
        {},
    ),
    "session_south": (
        lambda w, s: reverse("training:session", args=[s["south"].pk]),
        "get",
        DISTRICT,
        200,
        404,
        {},
    ),
    "attendance_north": (
        lambda w, s: reverse("training:attendance", args=[s["north"].pk]),
        "post",
        NORTH | {"union_rep"},
        302,
        404,
        {},
    ),
    "attendance_south": (
        lambda w, s: reverse("training:attendance", args=[s["south"].pk]),
        "post",
        DISTRICT,
        302,
        404,
        {},
    ),
    "code_north": (
        lambda w, s: reverse("training:code", args=[s["north"].pk]),
        "get",
        NORTH | {"union_rep"},
        200,
        404,
        {},
    ),
    "code_south": (
        lambda w, s: reverse("training:code", args=[s["south"].pk]),
        "get",
        DISTRICT,
        200,
        404,
        {},
    ),
    "reports": (
        lambda w, s: reverse("training:reports"),
        "get",
        NORTH | {"outsider"},
        200,
        403,
        {},
    ),
    "report_district": (
        lambda w, s: reverse("training:report", args=[s["training"].pk]),
        "get",
        DISTRICT,
        200,
        403,
        {"outsider": 404},
    ),
    "report_north": (
        lambda w, s: (
            reverse("training:report", args=[s["training"].pk]) + f"?building={w.north.pk}"
        ),
        "get",
        NORTH,
        200,
        403,
        {"outsider": 404},
    ),
    "report_south": (
        lambda w, s: (
            reverse("training:report", args=[s["training"].pk]) + f"?building={w.south.pk}"
        ),
        "get",
        DISTRICT,
        200,
        403,
        {"outsider": 404, "principal_north": 404},
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_training_role_matrix(world: World, setup: dict[str, Any], persona: str) -> None:
    client = Client()
    client.force_login(world.users[persona])
    failures = []
    for name, (url, method, allowed, ok, other, overrides) in CASES.items():
        expected = overrides.get(persona, ok if persona in allowed else other)
        response = getattr(client, method)(url(world, setup))
        if response.status_code != expected:
            failures.append(f"{name}: {response.status_code} (expected {expected})")
    assert failures == []


def test_signed_out_visitors_go_to_the_login_page(world: World, setup: dict[str, Any]) -> None:
    for name, (url, method, *_rest) in CASES.items():
        response = getattr(Client(), method)(url(world, setup))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
