"""Staff groups: the services (each audited), who keeps and who writes to a group, the group as
an audience (deactivated and removed staff drop out), reply-all in a group's thread, and the
screening of a message to a group, all through HTTP where a page exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.messaging import access
from chalkline.messaging.models import (
    BlockedAttempt,
    Message,
    Recipient,
    StaffGroup,
    StaffGroupMember,
    Thread,
)
from chalkline.messaging.selectors import audience_addressees, reply_addressees
from chalkline.messaging.services import (
    StaffGroupError,
    add_staff_group_member,
    create_staff_group,
    remove_staff_group_member,
    update_staff_group,
)
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import Person, User
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import World, make_person, make_user

FINE = "The grade 3 team meets in room 12 on Thursday after school."
NAMING = "Maria Garcia was late again today and missed the quiz."


def _group(w: World, *, building: bool = True, name: str = "Grade 4 team") -> StaffGroup:
    return create_staff_group(
        district=w.district,
        building=w.north if building else None,
        name=name,
        description="",
        by=w.users["principal_north"] if building else w.users["superintendent"],
    )


def _add(group: StaffGroup, *people: Person | None) -> None:
    for p in people:
        assert p is not None
        add_staff_group_member(group=group, person=p, by=group.created_by)


@pytest.fixture
def team(school: School) -> StaffGroup:
    """North's "Grade 4 team": the North teacher (an account) and Nora Northcott (no account)."""
    w = school.world
    group = _group(w)
    _add(group, w.users["teacher_north"].person, w.staff_north)
    return group


def _compose(client: Client, group: StaffGroup, body: str = FINE, key: str = "k1") -> Any:
    return client.post(
        reverse("messaging:compose"),
        {
            "audience": f"staff_group:{group.pk}",
            "subject": "Team meeting",
            "body": body,
            "idempotency_key": key,
        },
    )


def _actions(w: World) -> list[str]:
    return list(
        AuditEvent.objects.filter(district_id=w.district.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- services ------------------------------------------------------------------------------


def test_creating_renaming_and_membership_are_each_audited(school: School) -> None:
    w = school.world
    group = _group(w)
    nora = w.staff_north
    _add(group, nora)
    update_staff_group(
        group=group, name="Fourth grade team", description="", active=True, by=group.created_by
    )
    remove_staff_group_member(group=group, person=nora, by=group.created_by)
    staff_events = [a for a in _actions(w) if "staff_group" in a]
    assert staff_events == [
        "messaging.staff_group_created",
        "messaging.staff_group_member_added",
        "messaging.staff_group_changed",
        "messaging.staff_group_member_removed",
    ]
    changed = AuditEvent.objects.get(action="messaging.staff_group_changed")
    assert changed.before_data == {"name": "Grade 4 team"}
    assert changed.after_data == {"name": "Fourth grade team"}
    added = AuditEvent.objects.get(action="messaging.staff_group_member_added")
    assert added.after_data == {"person": nora.pk}
    assert not StaffGroupMember.objects.exists()


def test_a_name_is_unique_where_the_group_belongs_whatever_its_case(school: School) -> None:
    w = school.world
    _group(w)
    with pytest.raises(StaffGroupError, match="^Name: there is already"):
        _group(w, name="grade 4 TEAM")
    # the same name district-wide, or in another building, is another group
    _group(w, building=False)
    create_staff_group(
        district=w.district,
        building=w.south,
        name="Grade 4 team",
        description="",
        by=w.users["superintendent"],
    )
    with pytest.raises(StaffGroupError, match="^Name: give"):
        _group(w, name="   ")
    assert StaffGroup.objects.count() == 3


def test_only_active_staff_of_the_district_join_and_only_once(school: School) -> None:
    w = school.world
    group = _group(w)
    for person in (w.student_north, w.guardian_north, w.staff_elsewhere):
        with pytest.raises(StaffGroupError, match="^Staff member: only active staff"):
            _add(group, person)
    _add(group, w.staff_north)
    with pytest.raises(StaffGroupError, match="already in the group"):
        _add(group, w.staff_north)
    assert StaffGroupMember.objects.count() == 1


# --- the audience --------------------------------------------------------------------------


def test_the_audience_is_the_groups_active_members_now(school: School, team: StaffGroup) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    principal = w.users["principal_north"]

    def reached() -> set[int]:
        found = audience_addressees(w.district, "staff_group", str(team.pk), sender=principal)
        return {a.person.pk for a in found if a.person}

    assert reached() == {teacher.person_id, w.staff_north.pk}
    # the roster deactivates Nora: she drops out with nothing else to do
    Person.objects.filter(pk=w.staff_north.pk).update(
        active=False, deactivation_reason="Left the district", deactivated_at=timezone.now()
    )
    assert reached() == {teacher.person_id}
    remove_staff_group_member(group=team, person=teacher.person, by=principal)  # type: ignore[arg-type]
    assert reached() == set()


def test_a_member_writes_to_the_group_and_everyone_else_in_it_receives_it(
    client: Client, school: School, team: StaffGroup
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    assert client.get(reverse("messaging:compose")).content.count(
        f'value="staff_group:{team.pk}"'.encode()
    )
    response = _compose(client, team)
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.thread.audience_kind == "staff_group"
    assert message.thread.audience_label == "Grade 4 team (staff group)"
    people = set(Recipient.objects.filter(message=message).values_list("person_id", flat=True))
    assert people == {w.staff_north.pk}  # the writer is left out


@pytest.mark.parametrize("persona", ["teacher_south", "hr", "guardian_north", "outsider"])
def test_someone_outside_the_group_gets_403_and_nothing_is_stored(
    client: Client, school: School, team: StaffGroup, persona: str
) -> None:
    w = school.world
    client.force_login(w.users[persona])
    before = _actions(w)
    response = _compose(client, team)
    assert response.status_code == 403
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not BlockedAttempt.objects.exists()
    assert _actions(w) == before


def test_a_teacher_of_the_same_building_outside_the_group_may_not_write_to_it(
    client: Client, school: School
) -> None:
    w = school.world
    group = _group(w)
    _add(group, w.staff_north)  # the North teacher is not in it
    client.force_login(w.users["teacher_north"])
    assert _compose(client, group).status_code == 403
    assert not Message.objects.exists()


def test_a_retired_group_takes_no_new_message(
    client: Client, school: School, team: StaffGroup
) -> None:
    w = school.world
    update_staff_group(group=team, name=team.name, description="", active=False, by=team.created_by)
    client.force_login(w.users["teacher_north"])
    assert _compose(client, team).status_code == 403
    assert not Message.objects.exists()


def test_the_principal_writes_to_the_group_they_keep_without_being_in_it(
    client: Client, school: School, team: StaffGroup
) -> None:
    w = school.world
    client.force_login(w.users["principal_north"])
    assert _compose(client, team).status_code == 302
    assert Recipient.objects.count() == 2


def test_deactivated_staff_write_no_more_to_their_group(school: School, team: StaffGroup) -> None:
    w = school.world
    teacher = w.users["teacher_north"]
    assert access.writable_groups(teacher, w.district).exists()
    Person.objects.filter(pk=teacher.person_id or 0).update(
        active=False, deactivation_reason="Left the district"
    )
    fresh = User.objects.get(pk=teacher.pk)
    assert not access.writable_groups(fresh, w.district).exists()


# --- replies: reply-all --------------------------------------------------------------------


def test_a_reply_goes_to_the_whole_group_as_it_is_now_and_the_starter(
    client: Client, school: School, team: StaffGroup
) -> None:
    w = school.world
    principal = w.users["principal_north"]
    client.force_login(principal)
    _compose(client, team)
    thread = Thread.objects.get()
    # a new member joins after the first message; Nora leaves
    newcomer = make_person(w.district, building=w.north, given_name="Nia", family_name="Newman")
    _add(team, newcomer)
    remove_staff_group_member(group=team, person=w.staff_north, by=principal)
    teacher = w.users["teacher_north"]
    client.force_login(teacher)
    response = client.post(
        reverse("messaging:reply", args=[thread.pk]),
        {"body": "Room 12 works for me.", "idempotency_key": "r1"},
    )
    assert response.status_code == 302
    reply = Message.objects.exclude(pk=thread.messages.earliest("pk").pk).get()
    assert reply.thread_id == thread.pk  # in the group's thread, not a private one
    assert Thread.objects.count() == 1
    reached = set(Recipient.objects.filter(message=reply).values_list("person_id", "user_id"))
    assert reached == {(newcomer.pk, None), (principal.person_id, principal.pk)}


def test_someone_taken_out_of_the_group_reads_but_no_longer_replies(
    client: Client, school: School, team: StaffGroup
) -> None:
    w = school.world
    principal = w.users["principal_north"]
    client.force_login(principal)
    _compose(client, team)
    thread = Thread.objects.get()
    teacher = w.users["teacher_north"]
    remove_staff_group_member(group=team, person=teacher.person, by=principal)  # type: ignore[arg-type]
    client.force_login(teacher)
    page = client.get(reverse("messaging:thread", args=[thread.pk]))
    assert page.status_code == 200
    assert b"You are no longer in this staff group" in page.content
    before = Message.objects.count()
    response = client.post(
        reverse("messaging:reply", args=[thread.pk]),
        {"body": "Still here?", "idempotency_key": "r2"},
    )
    assert response.status_code == 403
    assert Message.objects.count() == before
    # and the principal's own reply no longer reaches them
    reached = {a.user_id for a in reply_addressees(thread, principal)}
    assert teacher.pk not in reached


# --- screening -----------------------------------------------------------------------------


def test_naming_a_student_to_a_group_of_the_students_building_is_fine(
    client: Client, school: School, team: StaffGroup
) -> None:
    forget_roster_indexes()
    client.force_login(school.world.users["principal_north"])
    response = _compose(client, team, NAMING)
    assert response.status_code == 302
    assert not BlockedAttempt.objects.exists()


def test_naming_a_student_to_a_group_with_staff_of_another_building_is_blocked(
    client: Client, school: School
) -> None:
    forget_roster_indexes()
    w = school.world
    group = _group(w, building=False, name="Coaches")
    _add(group, w.staff_north, w.staff_south)
    client.force_login(w.users["superintendent"])
    response = _compose(client, group, NAMING)
    assert response.status_code == 400
    assert b"Blocks sending" in response.content
    assert not Message.objects.exists()
    attempt = BlockedAttempt.objects.get()
    assert attempt.audience_kind == "staff_group"
    assert "student_name" in attempt.detectors


# --- the pages -----------------------------------------------------------------------------


def test_a_principal_creates_a_group_for_their_building_only(
    client: Client, school: School
) -> None:
    w = school.world
    client.force_login(w.users["principal_north"])
    url = reverse("messaging:staff_groups")
    page = client.get(url)
    assert page.status_code == 200 and b"District-wide" not in page.content
    for where in ("district", str(w.south.pk)):
        refused = client.post(url, {"name": "Coaches", "where": where})
        assert refused.status_code == 400
        assert b"Belongs to: choose one of the buildings listed." in refused.content
    response = client.post(url, {"name": "Coaches", "where": str(w.north.pk)})
    group = StaffGroup.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/groups/{group.pk}/")
    assert group.building_id == w.north.pk and group.created_by == w.users["principal_north"]
    duplicate = client.post(url, {"name": "COACHES", "where": str(w.north.pk)})
    assert duplicate.status_code == 400
    assert "Name: there is already a group called “COACHES” here." in duplicate.text


def test_the_search_offers_the_keepers_staff_and_adds_and_removes_with_htmx(
    client: Client, school: School
) -> None:
    w = school.world
    group = _group(w)
    client.force_login(w.users["principal_north"])
    url = reverse("messaging:staff_group", args=[group.pk])
    found = client.get(url, {"q": "no"}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert "Nora Northcott" in found.text
    assert "<html" not in found.text  # the partial only
    assert "Sam Southard" not in client.get(url, {"q": "southard"}).text  # not North's staff
    added = client.post(
        reverse("messaging:staff_group_add_member", args=[group.pk]),
        {"person": w.staff_north.pk, "q": "no"},
        headers={"HX-Request": "true"},
    )
    assert added.status_code == 200
    assert "Added Nora Northcott to the group." in added.text
    assert StaffGroupMember.objects.filter(group=group, person=w.staff_north).exists()
    # South's staff member is not in the principal's reach: 404, nothing stored
    outside = client.post(
        reverse("messaging:staff_group_add_member", args=[group.pk]), {"person": w.staff_south.pk}
    )
    assert outside.status_code == 404
    removed = client.post(
        reverse("messaging:staff_group_remove_member", args=[group.pk]),
        {"person": w.staff_north.pk},
    )
    assert removed.status_code == 302
    assert not StaffGroupMember.objects.exists()


def test_a_member_sees_the_group_and_cannot_change_it(
    client: Client, school: School, team: StaffGroup
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    page = client.get(reverse("messaging:staff_group", args=[team.pk]))
    assert page.status_code == 200
    assert "Nora Northcott" in page.text and "Write to this group" in page.text
    assert "Remove" not in page.text and "Add staff" not in page.text
    assert client.get(reverse("messaging:inbox")).text.count("Staff groups") == 1
    changed = client.post(
        reverse("messaging:staff_group", args=[team.pk]), {"name": "Mine now", "active": "on"}
    )
    assert changed.status_code == 403
    assert StaffGroup.objects.get().name == "Grade 4 team"


# --- the role matrix -----------------------------------------------------------------------

KEEP_ALL = {"superintendent", "designee"}
LIST_OK = KEEP_ALL | {"principal_north", "teacher_north", "outsider"}


@pytest.mark.parametrize(
    "persona",
    [
        "superintendent",
        "designee",
        "hr",
        "principal_north",
        "netadmin",
        "union_rep",
        "board_member",
        "teacher_north",
        "teacher_south",
        "guardian_north",
        "student_north",
        "outsider",
    ],
)
def test_staff_group_pages_matrix(
    client: Client, school: School, team: StaffGroup, persona: str
) -> None:
    w = school.world
    wide = _group(w, building=False, name="Coaches")
    _add(wide, w.staff_south)
    client.force_login(w.users[persona])
    listed = client.get(reverse("messaging:staff_groups")).status_code
    assert listed == (200 if persona in LIST_OK else 403), persona
    north = client.get(reverse("messaging:staff_group", args=[team.pk])).status_code
    sees_north = KEEP_ALL | {"principal_north", "teacher_north"}
    assert north == (200 if persona in sees_north else 404), persona
    district = client.get(reverse("messaging:staff_group", args=[wide.pk])).status_code
    assert district == (200 if persona in KEEP_ALL else 404), persona
    keeps_north = KEEP_ALL | {"principal_north"}
    refused = 403 if persona in sees_north else 404
    ned = make_person(w.district, building=w.north, given_name="Ned", family_name="Newcombe")
    add = client.post(
        reverse("messaging:staff_group_add_member", args=[team.pk]), {"person": ned.pk}
    ).status_code
    assert add == (302 if persona in keeps_north else refused), persona
    joined = StaffGroupMember.objects.filter(group=team, person=ned).exists()
    assert joined == (persona in keeps_north), persona
    remove = client.post(
        reverse("messaging:staff_group_remove_member", args=[team.pk]),
        {"person": w.staff_north.pk},
    ).status_code
    assert remove == (302 if persona in keeps_north else refused), persona
    left = not StaffGroupMember.objects.filter(group=team, person=w.staff_north).exists()
    assert left == (persona in keeps_north), persona
    created = client.post(
        reverse("messaging:staff_groups"), {"name": f"New {persona}", "where": "district"}
    ).status_code
    assert created == (
        302
        if persona in KEEP_ALL | {"outsider"}
        else 400
        if persona in {"principal_north"}
        else 403
    ), persona


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, team: StaffGroup) -> None:
    for url in (
        reverse("messaging:staff_groups"),
        reverse("messaging:staff_group", args=[team.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_principal_of_another_building_neither_keeps_nor_sees_the_group(
    school: School, team: StaffGroup
) -> None:
    """A principal of South keeps South's groups, not North's."""
    w = school.world
    south_principal = make_user(w.district, Role.PRINCIPAL, building=w.south)
    assert not access.groups_kept_by(south_principal, w.district).filter(pk=team.pk).exists()
    assert access.staff_groups_visible_to(south_principal, w.district).count() == 0


def test_a_send_to_a_group_costs_the_same_queries_for_2_or_300_members(
    client: Client, school: School, team: StaffGroup
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = school.world
    client.force_login(w.users["principal_north"])

    def send(key: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _compose(client, team, key=key).status_code == 302
        return len(queries.captured_queries)

    send("warm")  # the roster index and the settings, built once
    small = send("small")
    crowd = Person.objects.bulk_create(
        Person(district=w.district, kind=Person.Kind.STAFF, given_name="Staff",
               family_name=f"Many{i}", sourced_id=f"many-staff{i}")
        for i in range(298)
    )  # fmt: skip
    StaffGroupMember.objects.bulk_create(
        StaffGroupMember(group=team, person=p, added_by=team.created_by) for p in crowd
    )
    big = send("big")
    assert big <= small  # 300 recipients in one batch: no query per member
    assert Recipient.objects.filter(message__idempotency_key="big").count() == 300
