"""Confidentiality: who sees a case and what of it, audited views and exports, and routing
around a subject who is the principal, HR or the superintendent."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.cases import services
from chalkline.cases.models import Case, CaseMember, CaseSettings
from chalkline.people.roles import Role
from conftest import World, make_person, make_user

from .conftest import noticed, report, triaged


def _page(client: Client, case: Case) -> bytes:
    response = client.get(reverse("cases:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content


def test_someone_not_named_gets_a_404_like_a_missing_case(world: World, client: Client) -> None:
    case = report(world)
    for persona in ("designee", "principal_north", "teacher_north", "union_rep", "outsider"):
        client.force_login(world.users[persona])
        assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
        assert client.get(reverse("cases:case", args=[case.pk + 1000])).status_code == 404
    client.force_login(world.users["designee"])
    listed = client.get(reverse("cases:cases"))
    assert f"Case {case.pk}".encode() not in listed.content


def test_the_superintendent_sees_every_case_and_every_view_is_audited(
    world: World, client: Client
) -> None:
    case = report(world)
    client.force_login(world.users["superintendent"])
    assert b"Snapchat" in _page(client, case)
    assert b"Guidance for investigators" in _page(client, case)
    views = AuditEvent.objects.filter(action="cases.viewed", target_id=str(case.pk))
    assert views.count() == 2
    assert views.first().actor_label == "superintendent"  # type: ignore[union-attr]
    export = client.get(reverse("cases:export", args=[case.pk]))
    assert export.status_code == 200 and b"Case opened" in export.content
    assert AuditEvent.objects.filter(action="cases.exported", target_id=str(case.pk)).exists()


def test_the_employee_sees_only_notices_to_them_and_their_own_responses(
    world: World, client: Client
) -> None:
    case = triaged(world)
    services.add_note(case=case, by=world.users["principal_north"], text="Interviewed the girl.")
    client.force_login(world.users["teacher_north"])
    # before notice the employee is not named: the case does not exist for them
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    services.send_notice(case=case, by=world.users["hr"], allegation="Snapchat with a student.")
    content = _page(client, case)
    assert b"Snapchat with a student" in content
    assert b"right to respond to this allegation in writing" in content
    assert b"union" in content
    assert b"Interviewed the girl" not in content  # investigation notes stay hidden
    assert b"late at night" not in content  # so does the report itself
    response = client.post(reverse("cases:respond", args=[case.pk]), {"text": "I deny it."})
    assert response.status_code == 302
    assert b"I deny it." in _page(client, case)
    assert client.get(reverse("cases:export", args=[case.pk])).status_code == 403


def test_the_reporter_sees_only_received_then_closed(world: World, client: Client) -> None:
    case = noticed(world)
    client.force_login(world.users["guardian_north"])
    content = _page(client, case)
    assert b"received" in content and b"Snapchat with a student" not in content
    assert b"Messaged a student" not in content
    services.close_case(case=case, by=world.users["hr"], reason="Resolved with coaching.")
    content = _page(client, case)
    assert b"closed" in content
    assert b"Resolved with coaching" not in content


def test_the_employee_representative_sees_the_case_once_invited(
    world: World, client: Client
) -> None:
    case = noticed(world)
    client.force_login(world.users["union_rep"])
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    client.force_login(world.users["teacher_north"])
    response = client.post(
        reverse("cases:invite_rep", args=[case.pk]), {"representative": world.users["union_rep"].pk}
    )
    assert response.status_code == 302
    client.force_login(world.users["union_rep"])
    content = _page(client, case)
    assert b"Messaged a student" in content and b"late at night" not in content
    assert AuditEvent.objects.filter(action="cases.rep_invited").exists()


def test_a_case_about_hr_goes_to_the_superintendent_not_hr(world: World, client: Client) -> None:
    case = report(world, subject_name="Harriet HR", subject_position=Case.Position.HR)
    assert case.route == Case.Route.SUPERINTENDENT
    assert set(case.members.values_list("user__username", "part")) == {
        ("guardian_north", "reporter"),
        ("superintendent", "manager"),
    }
    client.force_login(world.users["hr"])
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    client.force_login(world.users["superintendent"])
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200


def test_a_case_about_the_principal_names_the_superintendent(world: World) -> None:
    case = report(world, subject_position=Case.Position.PRINCIPAL)
    assert ("superintendent", "manager") in set(case.members.values_list("user__username", "part"))


def test_naming_the_subject_at_triage_routes_around_them(world: World, client: Client) -> None:
    hr_person = make_person(world.district, given_name="Harriet", family_name="Hr")
    other_hr = make_user(world.district, Role.HR, person=hr_person, username="hr_two")
    case = report(world, subject_position=Case.Position.UNKNOWN)
    assert ("hr_two", "manager") in set(case.members.values_list("user__username", "part"))
    services.triage_case(
        case=case,
        by=world.users["hr"],
        investigator=world.users["principal_north"],
        subject=hr_person,
    )
    case.refresh_from_db()
    assert case.route == Case.Route.SUPERINTENDENT
    assert not CaseMember.objects.filter(case=case, user=other_hr).exists()
    client.force_login(other_hr)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404


def test_a_case_about_the_superintendent_goes_to_the_boards_designee(
    world: World, client: Client
) -> None:
    sup_person = make_person(world.district, given_name="Sue", family_name="Super")
    sup = world.users["superintendent"]
    sup.person = sup_person
    sup.save(update_fields=["person"])
    designee = make_user(world.district, Role.BOARD_MEMBER, username="board_president")
    CaseSettings.objects.create(district=world.district, board_designee=designee)
    client.force_login(world.users["hr"])
    client.post(
        reverse("cases:new"),
        {
            "kind": "conduct",
            "subject": sup_person.pk,
            "subject_position": "unknown",
            "description": "Friended students on Facebook.",
        },
    )
    case = Case.objects.get()
    assert case.route == Case.Route.BOARD
    assert ("board_president", "manager") in set(case.members.values_list("user__username", "part"))
    assert not CaseMember.objects.filter(case=case, user=sup).exists()
    client.force_login(sup)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert f"Case {case.pk}".encode() not in client.get(reverse("cases:cases")).content
    client.force_login(designee)
    assert b"Friended students" in _page(client, designee_case := case)
    assert designee_case.pk == case.pk


def test_the_case_list_shows_reporters_only_received_or_closed(
    world: World, client: Client
) -> None:
    case = noticed(world)
    client.force_login(world.users["guardian_north"])
    listed = client.get(reverse("cases:cases"))
    assert f"Case {case.pk}".encode() in listed.content
    assert b"<td>Received</td>" in listed.content
    assert b"<td>Notice sent to the employee" not in listed.content
    assert b"Tess Teacher" not in listed.content


def test_the_audit_page_links_a_case_only_for_those_who_may_open_it(
    world: World, client: Client
) -> None:
    case = report(world)
    link = f'href="{reverse("cases:case", args=[case.pk])}"'.encode()
    client.force_login(world.users["superintendent"])
    assert link in client.get(reverse("audit:events")).content
    client.force_login(world.users["designee"])  # reads the audit log, is not named on the case
    page = client.get(reverse("audit:events"))
    assert page.status_code == 200 and link not in page.content
