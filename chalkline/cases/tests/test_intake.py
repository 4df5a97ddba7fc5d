"""Intake from every door: signed-in reports, the password-request kind, cases entered by hand,
the public page (rate limit, honeypot, no case revealed), and the duty-to-report reminder."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.cases.models import Case, CaseMember
from conftest import World

ABUSE = "My son told me his dad hits him and he is scared to go home."


def _members(case: Case) -> set[tuple[str, str]]:
    return set(case.members.values_list("user__username", "part"))


def test_a_guardian_reports_a_concern_and_sees_it_received(world: World, client: Client) -> None:
    client.force_login(world.users["guardian_north"])
    response = client.post(
        reverse("cases:report"),
        {
            "kind": "communication",
            "subject_name": "Tess Teacher",
            "subject_position": "staff",
            "building": world.north.pk,
            "description": "She asked my daughter to chat on Snapchat.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    assert case.source == Case.Source.SIGNED_IN
    assert case.reporter_kind == Case.ReporterKind.GUARDIAN
    assert case.status == Case.Status.RECEIVED and case.due_on is not None
    assert _members(case) == {("guardian_north", "reporter"), ("hr", "manager")}
    event = AuditEvent.objects.get(action="cases.opened")
    assert event.target_id == str(case.pk)
    assert "Snapchat" not in event.after  # no free text in the audit log
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"received" in page.content
    assert b"Snapchat" not in page.content  # the reporter sees only received / closed


def test_a_report_with_a_missing_description_names_the_field(world: World, client: Client) -> None:
    client.force_login(world.users["student_north"])
    response = client.post(reverse("cases:report"), {"kind": "communication"})
    assert response.status_code == 400
    assert b"What happened?" in response.content
    assert not Case.objects.exists()


def test_the_password_request_kind_names_the_superintendent_and_hr(
    world: World, client: Client
) -> None:
    client.force_login(world.users["teacher_south"])
    form = client.get(reverse("cases:report") + "?kind=password_request")
    assert b"The law protects you" in form.content
    client.post(
        reverse("cases:report"),
        {
            "kind": "password_request",
            "subject_position": "principal",
            "description": "My principal asked me to log in to Instagram in front of her.",
        },
    )
    case = Case.objects.get()
    assert case.reporter_kind == Case.ReporterKind.STAFF
    assert _members(case) == {
        ("teacher_south", "reporter"),
        ("hr", "manager"),
        ("superintendent", "manager"),
    }
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"The law protects you" in page.content


def test_hr_enters_a_case_by_hand(world: World, client: Client) -> None:
    client.force_login(world.users["hr"])
    assert client.get(reverse("cases:new")).status_code == 200
    teacher = world.users["teacher_north"].person
    assert teacher is not None
    response = client.post(
        reverse("cases:new"),
        {
            "kind": "conduct",
            "subject": teacher.pk,
            "subject_position": "staff",
            "reporter_name": "A bus driver, by phone",
            "description": "Posted photos of students on a personal Instagram account.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.source == Case.Source.MANUAL and case.subject == teacher
    assert case.subject_name == "Tess Teacher"
    assert ("hr", "manager") in _members(case)


def test_only_case_managers_enter_cases_by_hand(world: World, client: Client) -> None:
    client.force_login(world.users["principal_north"])
    assert client.get(reverse("cases:new")).status_code == 403


def test_an_intake_describing_abuse_reminds_its_reader_of_their_duty(
    world: World, client: Client
) -> None:
    client.force_login(world.users["guardian_north"])
    client.post(
        reverse("cases:report"),
        {"kind": "conduct", "subject_position": "unknown", "description": ABUSE},
    )
    case = Case.objects.get()
    assert case.describes_abuse
    client.force_login(world.users["hr"])
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"your own duty to report" in page.content
    assert b"1-800-25-ABUSE" in page.content
    assert b"require you to tell the District first" in page.content


def test_an_ordinary_intake_has_no_duty_reminder(world: World, client: Client) -> None:
    client.force_login(world.users["guardian_north"])
    client.post(
        reverse("cases:report"),
        {"kind": "communication", "subject_position": "staff", "description": "She texts at 11pm."},
    )
    client.force_login(world.users["hr"])
    page = client.get(reverse("cases:case", args=[Case.objects.get().pk]))
    assert not Case.objects.get().describes_abuse
    assert b"your own duty to report" not in page.content


# --- the public page -------------------------------------------------------------------------


def _public(world: World) -> str:
    return reverse("cases:public", args=[world.district.slug])


def _public_post(**fields: str) -> dict[str, str]:
    data = {
        "reporter_kind": "applicant",
        "kind": "password_request",
        "subject_position": "staff",
        "subject_name": "The interviewer",
        "description": "At my interview they asked for my Facebook password.",
        "website": "",
    }
    data.update(fields)
    return data


def test_the_public_page_needs_no_sign_in_and_says_it_is_not_watched(
    world: World, client: Client
) -> None:
    page = client.get(_public(world))
    assert page.status_code == 200
    assert b"not watched around the clock" in page.content
    assert b"Call 911" in page.content and b"1-800-25-ABUSE" in page.content
    assert client.get(reverse("cases:public", args=["no-such-district"])).status_code == 404


def test_an_applicant_reports_a_password_request_on_the_public_page(
    world: World, client: Client
) -> None:
    response = client.post(_public(world), _public_post(reporter_name="Ann Applicant"))
    assert response.status_code == 200
    assert b"has been received" in response.content
    case = Case.objects.get()
    assert case.source == Case.Source.PUBLIC
    assert case.reporter_kind == Case.ReporterKind.APPLICANT and case.reporter is None
    assert {("superintendent", "manager"), ("hr", "manager")} <= _members(case)
    assert f"Case {case.pk}".encode() not in response.content


def test_the_public_page_never_says_whether_a_case_exists(world: World, client: Client) -> None:
    first = client.post(_public(world), _public_post())
    second = client.post(_public(world), _public_post(subject_name="Someone else"))
    assert first.content.count(b"has been received") == second.content.count(b"has been received")
    assert b"case number" not in first.content.lower()


def test_a_caught_bot_stores_nothing(world: World, client: Client) -> None:
    response = client.post(_public(world), _public_post(website="http://spam.example"))
    assert response.status_code == 200
    assert b"has been received" in response.content
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.opened").exists()


def test_the_public_page_refuses_floods(world: World, client: Client, settings: object) -> None:
    for _ in range(5):
        assert client.post(_public(world), _public_post()).status_code == 200
    response = client.post(_public(world), _public_post())
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Case.objects.count() == 5


def test_bad_public_input_names_the_field_and_stores_nothing(world: World, client: Client) -> None:
    response = client.post(_public(world), _public_post(description=""))
    assert response.status_code == 400
    assert b"What happened?" in response.content
    assert not Case.objects.exists()


def test_a_public_report_about_the_superintendent_goes_to_the_boards_designee(
    world: World, client: Client
) -> None:
    client.post(
        _public(world),
        _public_post(kind="conduct", reporter_kind="community", subject_position="superintendent"),
    )
    case = Case.objects.get()
    assert case.route == Case.Route.BOARD
    assert _members(case) == {("board_member", "manager")}
    assert not CaseMember.objects.filter(user=world.users["superintendent"]).exists()
