"""Every persona × own building, other building and other district, on every acknowledgment view.

Employees see only their own records; principals their building's; HR, the superintendent and the
designee the whole district; the employee representative and board members no individual records.

As in a real district, the superintendent, the designee, HR and the principal are employees too:
each has a person record of their own, so "my own assignment" never hides the others' (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chalkline.acks import services
from chalkline.acks.models import Assignment, Signature
from chalkline.audit.models import AuditEvent
from conftest import PERSONAS, World, make_person

from .helpers import make_campaign, ready_to_sign

ALL = set(PERSONAS)
DISTRICT = {"superintendent", "designee", "hr"}
MANAGERS = {"superintendent", "designee", "hr"}
NORTH = DISTRICT | {"principal_north"}


def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Signed acknowledgment form")
    return bytes(pdf.output())


def _give_person(world: World, persona: str, **fields: Any) -> None:
    user = world.users[persona]
    user.person = make_person(world.district, **fields)
    user.save(update_fields=["person"])


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    for persona in ("superintendent", "designee", "hr"):
        _give_person(world, persona, job_title="Administrator")
    _give_person(world, "principal_north", building=world.north, job_title="Principal")
    scanned = make_person(world.district, building=world.south, given_name="Sid")
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    other = make_campaign(world.other_district, by=world.users["outsider"])
    tess = world.users["teacher_north"]
    a_tess = ready_to_sign(campaign, tess)
    record = services.sign_acknowledgment(
        assignment=a_tess, by=tess, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    a_sid = Assignment.objects.get(campaign=campaign, person=scanned)
    paper = services.record_paper_acknowledgment(
        assignment=a_sid,
        by=world.users["hr"],
        proxy=False,
        rationale="Signed on paper at the district office.",
        scan=SimpleUploadedFile("form.pdf", _pdf_bytes(), "application/pdf"),
        ip=None,
        user_agent="",
    )
    return {
        "campaign": campaign,
        "other": other,
        "a_tess": a_tess,
        "a_nora": Assignment.objects.get(campaign=campaign, person=world.staff_north),
        "a_sam": Assignment.objects.get(campaign=campaign, person=world.staff_south),
        "a_tom": Assignment.objects.get(
            campaign=campaign, person_id=world.users["teacher_south"].person_id or 0
        ),
        "a_else": Assignment.objects.get(campaign=other, person=world.staff_elsewhere),
        "record": record,
        "paper_south": paper,
    }


T = Callable[[World, dict[str, Any]], str]
# (url, personas that get 200, status for everyone else)
CASES: dict[str, tuple[T, set[str], int]] = {
    "mine": (lambda w, s: reverse("acks:mine"), ALL, 200),
    # Students and guardians never give the e-signature consent.
    "consent": (
        lambda w, s: reverse("acks:consent"),
        ALL - {"student_north", "guardian_north"},
        403,
    ),
    "assignment_own": (
        lambda w, s: reverse("acks:assignment", args=[s["a_tess"].pk]),
        {"teacher_north"},
        404,
    ),
    "assignment_other_building": (
        lambda w, s: reverse("acks:assignment", args=[s["a_tom"].pk]),
        {"teacher_south"},
        404,
    ),
    "sign_other_district": (
        lambda w, s: reverse("acks:sign", args=[s["a_else"].pk]),
        set(),
        404,
    ),
    "refuse_someone_else": (
        lambda w, s: reverse("acks:refuse", args=[s["a_nora"].pk]),
        set(),
        404,
    ),
    "certificate_north": (
        lambda w, s: reverse("acks:certificate", args=[s["record"].pk]),
        NORTH | {"teacher_north"},
        404,
    ),
    "personnel_file_north": (
        lambda w, s: reverse("acks:personnel_file", args=[s["a_tess"].person_id]),
        NORTH | {"teacher_north"},
        404,
    ),
    "personnel_zip_north": (
        lambda w, s: reverse("acks:personnel_zip", args=[s["a_tess"].person_id]),
        NORTH | {"teacher_north"},
        404,
    ),
    "personnel_file_south": (
        lambda w, s: reverse("acks:personnel_file", args=[s["a_sam"].person_id]),
        DISTRICT,
        404,
    ),
    "personnel_file_other_district": (
        lambda w, s: reverse("acks:personnel_file", args=[s["a_else"].person_id]),
        {"outsider"},
        404,
    ),
    "campaigns": (lambda w, s: reverse("acks:campaigns"), NORTH | {"outsider"}, 403),
    "campaign_new": (lambda w, s: reverse("acks:campaign_new"), MANAGERS | {"outsider"}, 403),
    "settings": (lambda w, s: reverse("acks:settings"), MANAGERS | {"outsider"}, 403),
    "campaign": (lambda w, s: reverse("acks:campaign", args=[s["campaign"].pk]), NORTH, 404),
    "campaign_export": (
        lambda w, s: reverse("acks:campaign_export", args=[s["campaign"].pk]),
        NORTH,
        404,
    ),
    "building_north": (
        lambda w, s: reverse("acks:building", args=[s["campaign"].pk, w.north.pk]),
        NORTH,
        404,
    ),
    "building_south": (
        lambda w, s: reverse("acks:building", args=[s["campaign"].pk, w.south.pk]),
        DISTRICT,
        404,
    ),
    "building_export_north": (
        lambda w, s: reverse("acks:building_export", args=[s["campaign"].pk, w.north.pk]),
        NORTH,
        404,
    ),
    "building_zip_south": (
        lambda w, s: reverse("acks:building_zip", args=[s["campaign"].pk, w.south.pk]),
        DISTRICT,
        404,
    ),
    "campaign_delivery": (
        lambda w, s: reverse("acks:campaign_delivery", args=[s["campaign"].pk]),
        NORTH,
        404,
    ),
    "building_delivery_north": (
        lambda w, s: reverse("acks:building_delivery", args=[s["campaign"].pk, w.north.pk]),
        NORTH,
        404,
    ),
    "building_delivery_south": (
        lambda w, s: reverse("acks:building_delivery", args=[s["campaign"].pk, w.south.pk]),
        DISTRICT,
        404,
    ),
    "building_other_district": (
        lambda w, s: reverse("acks:building", args=[s["other"].pk, w.elsewhere.pk]),
        {"outsider"},  # the outsider's own district
        404,
    ),
    "paper_north": (lambda w, s: reverse("acks:paper", args=[s["a_nora"].pk]), NORTH, 404),
    "paper_south": (lambda w, s: reverse("acks:paper", args=[s["a_sam"].pk]), DISTRICT, 404),
    "refusal_north": (
        lambda w, s: reverse("acks:witnessed_refusal", args=[s["a_nora"].pk]),
        NORTH,
        404,
    ),
    "scan_none": (lambda w, s: reverse("acks:scan", args=[s["record"].pk]), set(), 404),
    "certificate_south": (
        lambda w, s: reverse("acks:certificate", args=[s["paper_south"].pk]),
        DISTRICT,
        404,
    ),
    "scan_south": (
        lambda w, s: reverse("acks:scan", args=[s["paper_south"].pk]),
        DISTRICT,
        404,
    ),
    "refusal_south": (
        lambda w, s: reverse("acks:witnessed_refusal", args=[s["a_sam"].pk]),
        DISTRICT,
        404,
    ),
}


def expected(persona: str, case: str) -> int:
    _, allowed, otherwise = CASES[case]
    return 200 if persona in allowed else otherwise


@pytest.mark.parametrize("persona", PERSONAS)
def test_acks_role_matrix(
    world: World, setup: dict[str, Any], client: Client, persona: str
) -> None:
    """One persona against every page (the setup is shared, so the matrix stays fast)."""
    client.force_login(world.users[persona])
    wrong = []
    for case in sorted(CASES):
        url = CASES[case][0](world, setup)
        status = client.get(url).status_code
        if status != expected(persona, case):
            wrong.append((case, status, expected(persona, case)))
    assert wrong == []


POSTS: dict[str, tuple[T, set[str], int]] = {
    "launch": (lambda w, s: reverse("acks:launch", args=[s["campaign"].pk]), MANAGERS, 404),
    "follow_up": (lambda w, s: reverse("acks:follow_up", args=[s["campaign"].pk]), MANAGERS, 404),
    "distribute_north": (
        lambda w, s: reverse("acks:distribute", args=[s["campaign"].pk, w.north.pk]),
        NORTH,
        404,
    ),
    "remind_south": (
        lambda w, s: reverse("acks:remind", args=[s["campaign"].pk, w.south.pk]),
        DISTRICT,
        404,
    ),
    "campaign_delivery_retry": (
        lambda w, s: reverse("acks:campaign_delivery_retry", args=[s["campaign"].pk]),
        MANAGERS,
        404,
    ),
    "building_delivery_retry_north": (
        lambda w, s: reverse("acks:building_delivery_retry", args=[s["campaign"].pk, w.north.pk]),
        NORTH,
        404,
    ),
    "open_someone_else": (lambda w, s: reverse("acks:open", args=[s["a_nora"].pk]), set(), 404),
    "done_reading_someone_else": (
        lambda w, s: reverse("acks:done_reading", args=[s["a_nora"].pk]),
        set(),
        404,
    ),
    "notifications_read": (lambda w, s: reverse("acks:notifications_read"), ALL, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_acks_role_matrix_posts(
    world: World, setup: dict[str, Any], client: Client, persona: str
) -> None:
    """Allowed personas are redirected (302) after the action; others get 403 or 404."""
    client.force_login(world.users[persona])
    wrong = []
    for case in sorted(POSTS):
        url, allowed, _ = POSTS[case]
        status = client.post(url(world, setup)).status_code
        if (persona in allowed and status != 302) or (
            persona not in allowed and status not in (403, 404)
        ):
            wrong.append((case, status))
    assert wrong == []


# What a valid form records: (assignment, form data, personas who may record it).
RECORDINGS: dict[str, tuple[str, Callable[[], dict[str, Any]], set[str]]] = {
    "acks:paper": (
        "a_sam",
        lambda: {
            "kind": "paper",
            "rationale": "No computer access during summer school.",
            "scan": SimpleUploadedFile("form.pdf", _pdf_bytes(), "application/pdf"),
        },
        DISTRICT,
    ),
    "acks:witnessed_refusal": (
        "a_nora",
        lambda: {"witness_name": "Wanda Witness", "reason": "Declined to give a reason."},
        NORTH,
    ),
}


@pytest.mark.parametrize("view", sorted(RECORDINGS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_paper_records_and_witnessed_refusals_by_role(
    world: World, setup: dict[str, Any], client: Client, persona: str, view: str
) -> None:
    """HR, the superintendent and the designee record them for any employee of the district;
    a principal only in their building; nobody else (and nothing is written)."""
    key, data, allowed = RECORDINGS[view]
    assignment = setup[key]
    client.force_login(world.users[persona])
    response = client.post(reverse(view, args=[assignment.pk]), data())
    record = Signature.objects.filter(assignment=assignment).first()
    if persona in allowed:
        assert response.status_code == 302
        assert record is not None and record.recorded_by == world.users[persona]
        assert AuditEvent.objects.filter(
            target_type="acks.signature", target_id=str(record.pk), actor=world.users[persona]
        ).exists()
    else:
        assert response.status_code in (403, 404)
        assert record is None


def test_anonymous_visitors_are_sent_to_sign_in(world: World, setup: dict[str, Any]) -> None:
    client = Client()
    for case, (url, _, _) in CASES.items():
        response = client.get(url(world, setup))
        assert response.status_code == 302, case
        assert response["Location"].startswith(reverse("login"))
    # The public verification page needs no sign-in.
    code = setup["record"].verification_code
    assert client.get(reverse("acks:verify", args=[code])).status_code == 200
