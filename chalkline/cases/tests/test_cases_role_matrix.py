"""Every persona × every case view, on a case with the employee representative invited and one
without.

The case: a guardian (guardian_north) reported Tess Teacher (teacher_north); HR triaged it, the
principal of North investigates, and notice was sent, so the teacher is named as the employee.
The other district's superintendent ("outsider") sees nothing of it: 404, like everyone not
named on it. 200/302 allowed (400 for an empty form), 403 visible but not theirs, 404 hidden."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chalkline.cases import services
from chalkline.cases.models import Case, Evidence
from conftest import PERSONAS, World

from .conftest import noticed

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
    "outsider",
}
FULL = {"superintendent", "hr", "principal_north"}  # the superintendent, HR, the investigator
EMPLOYEE = {"teacher_north"}
REPORTER = {"guardian_north"}

# District-level pages: name -> (method, allowed personas, status for the others)
PAGES: dict[str, tuple[str, set[str], int]] = {
    "cases": ("get", ALL, 403),
    "report": ("get", ALL, 403),
    "new": ("get", {"superintendent", "designee", "hr", "outsider"}, 403),
    "mandated_reports": ("get", STAFF, 403),
    "mandated_log": ("get", {"superintendent", "designee", "outsider"}, 403),
    "outcomes": ("get", {"superintendent", "designee", "hr", "outsider"}, 403),
    "inspections": ("get", {"superintendent", "designee", "hr", "outsider"}, 403),
    "review": ("get", {"superintendent", "designee", "hr", "outsider"}, 403),
}

# Case views: name -> (method, who may: "any" visible / "full" / "employee", status when allowed)
CASE_VIEWS: dict[str, tuple[str, str, set[int]]] = {
    "case": ("get", "any", {200}),
    "export": ("get", "full", {200}),
    "evidence_file": ("get", "full", {200}),
    "triage": ("post", "full", {400}),
    "note": ("post", "full", {400}),
    "evidence": ("post", "full", {400}),
    "notice": ("post", "full", {400}),
    "findings": ("post", "full", {400}),
    "outcome": ("post", "full", {400}),
    "refusal": ("post", "full", {400}),
    "close": ("post", "full", {400}),
    "pause": ("post", "full", {400}),
    "resume": ("post", "full", {400}),
    "disclose": ("post", "full", {400}),
    "hold": ("post", "full", {400}),
    "respond": ("post", "employee", {400}),
    "invite_rep": ("post", "employee", {400}),
    "acknowledge": ("post", "employee", {400}),
}


def _case(world: World, *, rep_invited: bool) -> tuple[Case, Evidence]:
    case = noticed(world)
    if rep_invited:
        services.invite_representative(
            case=case, by=world.users["teacher_north"], representative=world.users["union_rep"]
        )
    item = services.add_evidence(
        case=case,
        by=world.users["principal_north"],
        upload=SimpleUploadedFile("screenshot.png", b"\x89PNG\r\n\x1a\n fake", "image/png"),
        reason="reported",
    )
    return case, item


def _url(name: str, case: Case, item: Evidence) -> str:
    if name == "evidence_file":
        return reverse("cases:evidence_file", args=[case.pk, item.pk])
    return reverse(f"cases:{name}", args=[case.pk])


def _expected(persona: str, name: str, *, rep_invited: bool) -> set[int]:
    _, who, ok = CASE_VIEWS[name]
    employee_view = EMPLOYEE | ({"union_rep"} if rep_invited else set())
    visible = FULL | employee_view | REPORTER
    if persona not in visible:
        return {404}
    if who == "any":
        return ok
    if who == "full":
        return ok if persona in FULL else {403}
    return ok if persona in EMPLOYEE else {403}


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_case_pages_role_matrix(world: World, client: Client, persona: str, name: str) -> None:
    method, allowed, otherwise = PAGES[name]
    client.force_login(world.users[persona])
    response = getattr(client, method)(reverse(f"cases:{name}"))
    expected = 200 if persona in allowed else otherwise
    assert response.status_code == expected, (persona, name, response.status_code)


@pytest.mark.parametrize("rep_invited", [False, True], ids=["rep_not_invited", "rep_invited"])
@pytest.mark.parametrize("name", sorted(CASE_VIEWS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_case_views_role_matrix(
    world: World, client: Client, persona: str, name: str, rep_invited: bool
) -> None:
    case, item = _case(world, rep_invited=rep_invited)
    method = CASE_VIEWS[name][0]
    client.force_login(world.users[persona])
    response = getattr(client, method)(_url(name, case, item))
    expected = _expected(persona, name, rep_invited=rep_invited)
    assert response.status_code in expected, (persona, name, response.status_code)


@pytest.mark.parametrize("name", sorted(CASE_VIEWS))
def test_anonymous_is_sent_to_sign_in(world: World, client: Client, name: str) -> None:
    case, item = _case(world, rep_invited=False)
    response = getattr(client, CASE_VIEWS[name][0])(_url(name, case, item))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_sign_in_from_pages(world: World, client: Client, name: str) -> None:
    response = client.get(reverse(f"cases:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_public_concerns_page_needs_no_sign_in(world: World, client: Client) -> None:
    assert client.get(reverse("cases:public", args=[world.district.slug])).status_code == 200


@pytest.mark.parametrize("name", ["inspection_extend", "inspection_fulfil"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_inspection_requests_role_matrix(
    world: World, client: Client, persona: str, name: str
) -> None:
    teacher = world.users["teacher_north"]
    assert teacher.person is not None
    item = services.request_inspection(district=world.district, person=teacher.person, by=teacher)
    client.force_login(world.users[persona])
    response = client.post(reverse(f"cases:{name}", args=[item.pk]), {"reason": "Audit week."})
    managers = {"superintendent", "designee", "hr"}
    expected = 302 if persona in managers else 404 if persona == "outsider" else 403
    assert response.status_code == expected, (persona, name, response.status_code)


@pytest.mark.parametrize("name", ["inspection_extend", "inspection_fulfil"])
def test_anonymous_is_sent_to_sign_in_from_inspections(
    world: World, client: Client, name: str
) -> None:
    response = client.post(reverse(f"cases:{name}", args=[1]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
