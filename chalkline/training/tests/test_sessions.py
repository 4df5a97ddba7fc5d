"""Training sessions: rosters from the directory, attendance by the presenter, QR check-in with
a token that rotates every 30 seconds, self-paced modules with a knowledge check, certificates
and reports (issue 21, point 1)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pdfminer.high_level import extract_text

from chalkline.audit.models import AuditEvent
from chalkline.people.models import Person
from chalkline.training import qr, services
from chalkline.training.models import RosterEntry, Session, Training
from conftest import World, make_person

from .helpers import QUESTIONS, make_session, make_training

PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 9, 1, 15, 0, 5, tzinfo=UTC)


def pid(user: Any) -> int:
    assert user.person_id is not None
    return int(user.person_id)


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    """The clock (an edge): tests move ``frozen["now"]``."""
    clock = {"now": T0}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    return clock


def test_hr_creates_a_training_with_a_knowledge_check(world: World) -> None:
    hr = world.users["hr"]
    response = client_for(hr).post(
        reverse("training:training_new"),
        {
            "title": "Mandated reporter training",
            "topic": Training.Topic.MANDATED_REPORTER,
            "content": "How to call the DCFS hotline.",
            "questions": "Who calls?\n*You\nYour principal\n\nWhen?\n*Right away\nNext week",
            "pass_percent": 100,
            "pd_hours": "2.0",
            "renewal_years": 3,
        },
    )
    training = Training.objects.get(district=world.district)
    assert response.status_code == 302
    assert training.questions[0] == {
        "question": "Who calls?",
        "choices": ["You", "Your principal"],
        "answer": 0,
    }
    assert training.renewal_years == 3
    assert AuditEvent.objects.filter(action="training.created", target_id=str(training.pk)).exists()


def test_it_refuses_a_knowledge_check_without_a_right_answer(world: World) -> None:
    response = client_for(world.users["hr"]).post(
        reverse("training:training_new"),
        {
            "title": "X",
            "topic": "other",
            "content": "x",
            "questions": "Q?\nA\nB",
            "pass_percent": 80,
            "pd_hours": "1.0",
        },
    )
    assert response.status_code == 200
    assert b"exactly one marked with *" in response.content
    assert not Training.objects.exists()


def test_a_building_session_rosters_the_buildings_active_staff(world: World) -> None:
    training = make_training(world.district)
    gone = make_person(
        world.district, building=world.north, active=False, deactivation_reason="left"
    )
    response = client_for(world.users["principal_north"]).post(
        reverse("training:session_new", args=[training.pk]),
        {
            "format": "in_person",
            "building": world.north.pk,
            "starts_at": "2026-09-01T15:00",
            "location": "Gym",
        },
    )
    session = Session.objects.get()
    people = set(RosterEntry.objects.filter(session=session).values_list("person_id", flat=True))
    assert response.status_code == 302
    assert world.staff_north.pk in people and world.users["teacher_north"].person_id in people
    assert world.staff_south.pk not in people and gone.pk not in people
    assert world.student_north.pk not in people
    assert session.roster_count == len(people) == 2
    event = AuditEvent.objects.get(action="training.session_scheduled")
    assert '"roster":2' in event.after.replace(" ", "")


def test_a_principal_cannot_schedule_for_another_building_or_the_district(world: World) -> None:
    training = make_training(world.district)
    c = client_for(world.users["principal_north"])
    url = reverse("training:session_new", args=[training.pk])
    other = c.post(
        url, {"format": "in_person", "building": world.south.pk, "starts_at": "2026-09-01T15:00"}
    )
    district = c.post(url, {"format": "in_person", "building": "", "starts_at": "2026-09-01T15:00"})
    assert other.status_code == 400 and district.status_code == 400
    assert not Session.objects.exists()


def test_a_district_session_rosters_everyone_once(world: World) -> None:
    world.staff_south.affiliations.create(building=world.north, job_title="Coach")
    session = make_session(make_training(world.district))
    rows = RosterEntry.objects.filter(session=session)
    staff = Person.objects.filter(district=world.district, kind="staff", active=True)
    assert rows.count() == staff.count() == 4


def test_the_qr_code_checks_in_with_the_current_and_previous_window_only(
    world: World, frozen: dict[str, datetime]
) -> None:
    session = make_session(make_training(world.district, renewal_years=3), building=world.north)
    token = qr.current_token(session_id=session.pk, secret=session.qr_secret, now=T0)
    teacher = world.users["teacher_north"]
    c = client_for(teacher)
    url = reverse("training:check_in", args=[session.pk])
    # A photo taken now, used a minute later: two windows old, refused.
    frozen["now"] = T0 + timedelta(seconds=60)
    refused = c.post(url, {"t": token})
    assert refused.status_code == 400 and b"expired" in refused.content
    assert not RosterEntry.objects.filter(person_id=pid(teacher)).completed().exists()
    # Scanned just before the code changed: the previous window is still accepted.
    frozen["now"] = T0 + timedelta(seconds=30)
    accepted = c.post(url, {"t": token})
    entry = RosterEntry.objects.get(session=session, person_id=pid(teacher))
    assert accepted.status_code == 302
    assert entry.completed_at == T0 + timedelta(seconds=30)
    assert entry.method == RosterEntry.Method.QR
    assert entry.valid_until == datetime(2029, 9, 1, tzinfo=UTC).date()
    assert AuditEvent.objects.filter(action="training.checked_in", actor=teacher).count() == 1


def test_a_forged_token_is_refused(world: World, frozen: dict[str, datetime]) -> None:
    session = make_session(make_training(world.district), building=world.north)
    response = client_for(world.users["teacher_north"]).post(
        reverse("training:check_in", args=[session.pk]), {"t": "0" * 20}
    )
    assert response.status_code == 400
    assert not RosterEntry.objects.completed().exists()


def test_someone_not_on_the_roster_cannot_check_in(
    world: World, frozen: dict[str, datetime]
) -> None:
    session = make_session(make_training(world.district), building=world.north)
    token = qr.current_token(session_id=session.pk, secret=session.qr_secret, now=T0)
    response = client_for(world.users["teacher_south"]).post(
        reverse("training:check_in", args=[session.pk]), {"t": token}
    )
    assert response.status_code == 400 and b"not on this session" in response.content
    assert not RosterEntry.objects.completed().exists()


def test_the_presenter_marks_attendance_from_the_roster(world: World) -> None:
    presenter = world.users["union_rep"]
    session = make_session(make_training(world.district), building=world.north, presenter=presenter)
    c = client_for(presenter)
    page = c.get(reverse("training:session", args=[session.pk]))
    assert page.status_code == 200 and b"Northcott" in page.content
    response = c.post(
        reverse("training:attendance", args=[session.pk]), {"present": [world.staff_north.pk]}
    )
    entry = RosterEntry.objects.get(session=session, person=world.staff_north)
    assert response.status_code == 302
    assert entry.method == RosterEntry.Method.PRESENTER and entry.recorded_by == presenter
    assert RosterEntry.objects.filter(session=session).completed().count() == 1
    assert AuditEvent.objects.filter(action="training.attendance_marked", actor=presenter).exists()


def test_the_code_page_shows_a_qr_code_that_changes(
    world: World, frozen: dict[str, datetime]
) -> None:
    session = make_session(make_training(world.district), building=world.north)
    c = client_for(world.users["principal_north"])
    first = c.get(reverse("training:code", args=[session.pk]))
    frozen["now"] = T0 + timedelta(seconds=31)
    second = c.get(reverse("training:code", args=[session.pk]), headers={"HX-Request": "true"})
    assert first.status_code == 200 and b"<svg" in first.content
    t0 = qr.current_token(session_id=session.pk, secret=session.qr_secret, now=T0)
    t1 = qr.current_token(session_id=session.pk, secret=session.qr_secret, now=frozen["now"])
    assert t0 != t1
    assert t0.encode() in first.content and t1.encode() in second.content
    assert b"<h1>" not in second.content  # the htmx fragment only


def test_a_self_paced_module_completes_only_at_the_pass_mark(world: World) -> None:
    training = make_training(world.district, questions=QUESTIONS, pass_percent=100)
    session = make_session(training, building=world.north, format=Session.Format.SELF_PACED)
    teacher = world.users["teacher_north"]
    entry = RosterEntry.objects.get(session=session, person_id=pid(teacher))
    c = client_for(teacher)
    url = reverse("training:module", args=[entry.pk])
    assert b"Which channel" in c.get(url).content
    failed = c.post(url, {"q1": "0", "q2": "0"})
    entry.refresh_from_db()
    assert failed.status_code == 200 and b"You scored 50%" in failed.content
    assert entry.completed_at is None and entry.attempts == 1
    passed = c.post(url, {"q1": "1", "q2": "0"})
    entry.refresh_from_db()
    assert passed.status_code == 302
    assert entry.completed_at is not None and entry.score == 100 and entry.attempts == 2
    actions = list(AuditEvent.objects.filter(actor=teacher).values_list("action", flat=True))
    assert "training.knowledge_check_failed" in actions and "training.module_completed" in actions


def test_a_module_shows_the_policys_own_clauses(world: World) -> None:
    from chalkline.policies.tests.factories import import_seed

    version = import_seed(world.district)
    training = make_training(world.district, policy_version=version)
    session = make_session(training, building=world.north, format=Session.Format.SELF_PACED)
    entry = RosterEntry.objects.get(session=session, person_id=pid(world.users["teacher_north"]))
    clause = version.clauses.order_by("position").last()
    assert clause is not None
    page = client_for(world.users["teacher_north"]).get(reverse("training:module", args=[entry.pk]))
    assert clause.text[:40].encode() in page.content.replace(b"&#x27;", b"'")


def test_the_certificate_shows_pd_hours_and_the_isbe_provider_number(world: World) -> None:
    hr = world.users["hr"]
    client_for(hr).post(reverse("training:settings"), {"isbe_provider_number": "ISBE-PD-4417"})
    session = make_session(
        make_training(world.district), building=world.north, format=Session.Format.SELF_PACED
    )
    teacher = world.users["teacher_north"]
    entry = RosterEntry.objects.get(session=session, person_id=pid(teacher))
    c = client_for(teacher)
    assert c.get(reverse("training:certificate", args=[entry.pk])).status_code == 404
    c.post(reverse("training:module", args=[entry.pk]), {})
    response = c.get(reverse("training:certificate", args=[entry.pk]))
    text = extract_text(io.BytesIO(response.content))
    assert response["Content-Type"] == "application/pdf"
    assert "1.5" in text and "Professional-development hours" in text
    assert "ISBE-PD-4417" in text and "Tess Teacher" in text
    assert AuditEvent.objects.filter(action="training.settings_changed", actor=hr).exists()


def test_the_certificate_omits_the_provider_number_when_unset(world: World) -> None:
    session = make_session(
        make_training(world.district), building=world.north, format=Session.Format.SELF_PACED
    )
    teacher = world.users["teacher_north"]
    entry = RosterEntry.objects.get(session=session, person_id=pid(teacher))
    services.complete_module(entry=entry, answers={}, by=teacher)
    text = extract_text(
        io.BytesIO(
            client_for(teacher).get(reverse("training:certificate", args=[entry.pk])).content
        )
    )
    assert "ISBE provider number" not in text


def test_reports_show_done_missing_and_new_hires_due(world: World) -> None:
    today = timezone.localdate()
    hire = make_person(
        world.district,
        building=world.north,
        given_name="Nia",
        family_name="Newhire",
        hire_date=today - timedelta(days=3),
    )
    training = make_training(world.district)
    session = make_session(training, building=world.north, presenter=world.users["principal_north"])
    services.mark_attendance(
        session=session, person_ids=[world.staff_north.pk], by=world.users["principal_north"]
    )
    c = client_for(world.users["principal_north"])
    overview = c.get(reverse("training:reports"))
    assert overview.status_code == 200 and b"North Elementary" in overview.content
    assert b"South Middle" not in overview.content
    page = c.get(reverse("training:report", args=[training.pk]) + f"?building={world.north.pk}")
    report = page.context["report"]
    assert [p.pk for p, _ in report.done] == [world.staff_north.pk]
    assert hire in report.missing and world.users["teacher_north"].person in report.missing
    assert [(p.pk, due) for p, due in report.new_hires] == [
        (hire.pk, today - timedelta(days=3) + timedelta(days=30))
    ]
    district = client_for(world.users["hr"]).get(reverse("training:report", args=[training.pk]))
    assert len(district.context["report"].missing) == 4


def test_a_lapsed_completion_counts_as_missing(world: World, frozen: dict[str, datetime]) -> None:
    training = make_training(world.district, renewal_years=3)
    session = make_session(training, building=world.north)
    services.mark_attendance(
        session=session, person_ids=[world.staff_north.pk], by=world.users["hr"]
    )
    frozen["now"] = T0 + timedelta(days=3 * 366)
    page = client_for(world.users["hr"]).get(reverse("training:report", args=[training.pk]))
    assert world.staff_north in page.context["report"].missing


def test_the_menu_leads_staff_to_their_training_and_hr_to_the_sessions(world: World) -> None:
    teacher = client_for(world.users["teacher_north"]).get(reverse("home"))
    hr = client_for(world.users["hr"]).get(reverse("home"))
    guardian = client_for(world.users["guardian_north"]).get(reverse("home"))
    assert ("My training", reverse("training:mine")) in teacher.context["nav_items"]
    assert ("Training", reverse("training:manage")) in hr.context["nav_items"]
    assert all(
        label not in ("My training", "Training") for label, _ in guardian.context["nav_items"]
    )
