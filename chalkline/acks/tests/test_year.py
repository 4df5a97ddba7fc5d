"""Campaign creation, changes during the year, reminders, quiet hours, dashboards, commands."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.acks import services
from chalkline.acks.categories import category_of
from chalkline.acks.models import (
    AckSettings,
    Assignment,
    AssignmentStatus,
    Campaign,
    Notification,
    Signature,
    default_time_zone,
)
from chalkline.audit.models import AuditEvent
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import send_due
from chalkline.people.models import Person
from chalkline.policies import services as policy_services
from chalkline.policies.models import PolicyVersion
from chalkline.policies.tests.factories import import_seed, seed_v2_text
from conftest import World, make_person

from .helpers import (
    assignment_of,
    make_campaign,
    no_quiet_hours,
    published_policy,
    ready_to_sign,
)


def _smtp(settings: Any, controller: Any) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Teacher, Grade 3", "teaching"),
        ("Assistant Principal", "administration"),
        ("Instructional Aide", "paraprofessional"),
        ("School Nurse", "student_services"),
        ("Bus Driver", "transportation"),
        ("Food Service Worker", "food_service"),
        ("Custodian", "custodial"),
        ("Secretary", "office"),
        ("Volunteer", "other"),
    ],
)
def test_job_categories_come_from_job_titles(title: str, category: str) -> None:
    assert category_of(title) == category


def test_superintendent_creates_and_launches_a_campaign_over_http(
    world: World, client: Client
) -> None:
    version = published_policy(world.district)
    make_person(world.district, building=world.south, given_name="Cal", job_title="Custodian")
    client.force_login(world.users["superintendent"])
    assert client.get(reverse("acks:campaign_new")).status_code == 200
    response = client.post(
        reverse("acks:campaign_new"),
        {
            "title": "Annual 5:125",
            "school_year": "2026-2027",
            "due_on": "2026-12-31",
            "versions": [version.pk],
            "buildings": [world.south.pk],
            "job_categories": ["custodial"],
            "include_new_hires": "on",
            "new_hire_days": "30",
            "escalate_superintendent_after_days": "14",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DRAFT
    client.post(reverse("acks:launch", args=[campaign.pk]), {"confirm": "yes"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LAUNCHED
    names = list(
        Assignment.objects.filter(campaign=campaign).values_list("person__given_name", flat=True)
    )
    assert names == ["Cal"]  # South building, custodial category only


def test_new_hires_join_with_their_own_due_date_and_leavers_close(world: World) -> None:
    campaign = make_campaign(world.district, new_hire_days=20)
    hire_day = timezone.localdate() + timedelta(days=3)
    newbie = make_person(world.district, building=world.north, given_name="Nia", hire_date=hire_day)
    leaver = world.staff_south
    Person.objects.filter(pk=leaver.pk).update(
        active=False, deactivated_at=timezone.now(), deactivation_reason="Resigned"
    )
    out = StringIO()
    call_command("assign_new_hires", stdout=out)
    assert "Assigned 1 new hires; closed 1" in out.getvalue()
    mine = Assignment.objects.get(campaign=campaign, person=newbie)
    assert mine.due_on == hire_day + timedelta(days=20) and mine.source == "new_hire"
    closed = Assignment.objects.get(campaign=campaign, person=leaver)
    assert closed.status == AssignmentStatus.CLOSED and closed.closed_reason == "Resigned"
    out = StringIO()
    call_command("assign_new_hires", stdout=out)  # idempotent
    assert "Assigned 0 new hires; closed 0" in out.getvalue()


def test_a_leavers_record_is_kept(world: World) -> None:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    record = services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    Person.objects.filter(pk=teacher.person_id or 0).update(
        active=False, deactivation_reason="Retired"
    )
    services.assign_new_hires(district=world.district, by=None)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.SIGNED
    assert Signature.objects.get(pk=record.pk).is_intact


def test_material_revision_opens_a_follow_up_with_the_redline(world: World, client: Client) -> None:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    import_seed(world.district, text=seed_v2_text(), publish=False)
    draft = campaign.versions.get().policy.versions.get(status="draft")
    v2 = policy_services.publish_policy_version(
        version=draft, change_summary="Adds annual training duty", material=True, by=None
    )
    follow = services.open_follow_up_campaign(version=v2, by=world.users["superintendent"])
    assert follow is not None and follow.follows_id == campaign.pk
    assert services.open_follow_up_campaign(version=v2, by=None) == follow  # idempotent
    # The old campaign's unsigned assignments close; the signed record stays.
    old_open = Assignment.objects.filter(campaign=campaign, status__in=["not_opened", "opened"])
    assert not old_open.exists()
    new = assignment_of(follow, teacher)
    client.force_login(teacher)
    client.post(reverse("acks:open", args=[new.pk]))
    page = client.get(reverse("acks:assignment", args=[new.pk]))
    assert b"What changed in 5:125 since the version you signed (version 1)" in page.content
    assert b"<ins" in page.content and b"annual training" in page.content


def test_reminder_ladder_sends_each_step_once(
    world: World, settings: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    controller, received = smtp_server
    _smtp(settings, controller)
    due = timezone.localdate() + timedelta(days=10)
    no_quiet_hours(world.district)
    campaign = make_campaign(world.district, due_on=due)
    services.distribute_campaign(
        campaign=campaign, building=world.north, by=world.users["principal_north"]
    )
    send_due()
    assert len(received) == 2  # the launch notice
    noon = datetime.combine(
        due - timedelta(days=7), time(12), tzinfo=timezone.get_current_timezone()
    )
    for _ in range(2):
        result = services.run_reminder_ladder(now=noon)
        send_due(now=noon)
    assert result.reminders == 0  # the second run found nothing new
    steps = sorted(Notification.objects.values_list("step", flat=True))
    assert steps == ["due-7", "due-7", "launch", "launch"]
    assert len(received) == 4
    # Overdue: escalation to the principal; 14 days later to the superintendent.
    world.users["principal_north"].email = "principal@prairie.example.org"
    world.users["principal_north"].save(update_fields=["email"])
    late = noon + timedelta(days=7 + 15)
    result = services.run_reminder_ladder(now=late)
    assert result.escalations == 2
    kinds = set(Notification.objects.filter(kind="escalation").values_list("step", flat=True))
    assert kinds == {"escalate-principal", "escalate-superintendent"}
    send_due(now=late)
    assert any(m["To"] == "principal@prairie.example.org" for m in received)


def test_quiet_hours_hold_mail_until_they_end(
    world: World, settings: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    _smtp(settings, controller)
    tz = timezone.get_current_timezone()
    AckSettings.objects.create(
        district=world.district, quiet_start=time(20), quiet_end=time(7), time_zone=str(tz)
    )
    campaign = make_campaign(world.district)
    night = datetime.combine(timezone.localdate(), time(22), tzinfo=tz)
    services.distribute_campaign(
        campaign=campaign, building=world.north, by=world.users["principal_north"], now=night
    )
    held = send_due(now=night)
    assert held.sent == 0 and received == []
    seven = datetime.combine(timezone.localdate() + timedelta(days=1), time(7), tzinfo=tz)
    assert set(Delivery.objects.values_list("status", "next_attempt_at")) == {("queued", seven)}
    morning = night + timedelta(hours=9, minutes=30)
    sent = send_due(now=morning)
    assert sent.sent == 2 and len(received) == 2


def test_quiet_hours_are_on_by_default_from_8_pm_to_7_am(world: World) -> None:
    tz = timezone.get_current_timezone()
    day = timezone.localdate()
    assert not AckSettings.objects.filter(district=world.district).exists()
    night = datetime.combine(day, time(23), tzinfo=tz)
    assert services.quiet_until(world.district.pk, night) == datetime.combine(
        day + timedelta(days=1), time(7), tzinfo=tz
    )
    assert (
        services.quiet_until(world.district.pk, datetime.combine(day, time(12), tzinfo=tz)) is None
    )


def test_the_superintendent_sets_quiet_hours_and_the_change_is_audited(
    world: World, client: Client
) -> None:
    client.force_login(world.users["superintendent"])
    url = reverse("acks:settings")
    page = client.get(url)
    assert page.status_code == 200 and b'value="20:00"' in page.content
    bad = client.post(url, {"quiet_start": "25:00", "quiet_end": "07:00", "time_zone": "Mars/Base"})
    assert bad.status_code == 400
    assert b"Enter a valid time" in bad.content and b"Select a valid choice" in bad.content
    ok = client.post(
        url, {"quiet_start": "21:30", "quiet_end": "06:00", "time_zone": "America/New_York"}
    )
    assert ok.status_code == 302
    conf = AckSettings.objects.get(district=world.district)
    assert (conf.quiet_start, conf.quiet_end, conf.time_zone) == (
        time(21, 30),
        time(6),
        "America/New_York",
    )
    event = AuditEvent.objects.get(action="acks.quiet_hours_changed")
    assert event.before_data == {"start": "20:00:00", "end": "07:00:00", "tz": default_time_zone()}
    assert event.after_data["tz"] == "America/New_York"
    ny = ZoneInfo("America/New_York")
    late = datetime.combine(timezone.localdate(), time(22), tzinfo=ny)
    assert services.quiet_until(world.district.pk, late) is not None


def test_a_district_on_utc_keeps_its_zone_when_it_saves_new_hours(
    world: World, client: Client
) -> None:
    AckSettings.objects.create(district=world.district, time_zone="UTC")
    client.force_login(world.users["hr"])
    page = client.get(reverse("acks:settings"))
    assert b'<option value="UTC" selected>' in page.content
    client.post(
        reverse("acks:settings"), {"quiet_start": "22:00", "quiet_end": "06:00", "time_zone": "UTC"}
    )
    assert AckSettings.objects.get(district=world.district).time_zone == "UTC"


@pytest.mark.parametrize("in_list_max", [None, 1], ids=["one-query", "chunks-of-one"])
def test_send_reminders_command_dry_run_changes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, in_list_max: int | None
) -> None:
    if in_list_max is not None:  # the dry run reads notifications in chunks, also of one row
        from chalkline.lib import batches

        monkeypatch.setattr(batches, "IN_LIST_MAX", in_list_max)
    due = timezone.localdate() + timedelta(days=1)
    campaign = make_campaign(world.district, due_on=due)
    services.distribute_campaign(
        campaign=campaign, building=world.north, by=world.users["principal_north"]
    )
    before = Notification.objects.count()
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Would queue 2 reminders" in out.getvalue()
    assert Notification.objects.count() == before


def test_dashboards_show_completion_per_building_and_category(world: World, client: Client) -> None:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:campaign", args=[campaign.pk])).content.decode()
    assert "North Elementary" in page and "South Middle" in page
    assert "50%" in page and "(1/2)" in page  # North: one of two done; the number is written
    assert "<svg" in page and "Records that day" in page
    export = client.get(reverse("acks:campaign_export", args=[campaign.pk])).content.decode()
    assert "# generated_at" in export and "North Elementary,2,1,0,0,1,0,0,0,50" in export
    assert AuditEvent.objects.filter(action="acks.exported").exists()
    client.force_login(world.users["principal_north"])
    page = client.get(reverse("acks:campaign", args=[campaign.pk])).content.decode()
    assert "North Elementary" in page and "South Middle" not in page
    building = client.get(reverse("acks:building", args=[campaign.pk, world.north.pk]))
    assert b"Teachers" in building.content


def test_verify_acknowledgments_command(world: World) -> None:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    out = StringIO()
    call_command("verify_acknowledgments", stdout=out)
    assert "OK: 1 acknowledgment records intact" in out.getvalue()


# --- PostgreSQL concurrency ------------------------------------------------------------------


def _threads(n: int, target: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            start.wait()
            target(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_signing_makes_exactly_one_record(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race matters on PostgreSQL")
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    codes: list[str] = []

    def sign(_: int) -> None:
        record = services.sign_acknowledgment(
            assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
        )
        codes.append(record.verification_code)

    assert _threads(6, sign) == []
    assert Signature.objects.filter(assignment=a).count() == 1
    assert len(set(codes)) == 1
    assert AuditEvent.objects.filter(action="acks.signed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_ladder_send_each_reminder_once(
    world: World, settings: Any, smtp_server: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the race matters on PostgreSQL")
    controller, received = smtp_server
    _smtp(settings, controller)
    due = timezone.localdate() + timedelta(days=1)
    no_quiet_hours(world.district)
    campaign = make_campaign(world.district, due_on=due)
    for building in (world.north, world.south):
        services.distribute_campaign(
            campaign=campaign, building=building, by=world.users["superintendent"]
        )
    send_due()
    received.clear()

    def worker(_: int) -> None:
        services.run_reminder_ladder()
        send_due()

    assert _threads(2, worker) == []
    assert Notification.objects.filter(step="due-1").count() == 4
    assert sorted(m["To"] for m in received) == sorted(
        Assignment.objects.filter(campaign=campaign).values_list("person__email", flat=True)
    )


def _publish_v2_over_http(world: World, client: Client, *, material: bool) -> Any:
    import_seed(world.district, text=seed_v2_text(), publish=False)
    draft = PolicyVersion.objects.get(district=world.district, status="draft")
    client.force_login(world.users["superintendent"])
    data = {"change_summary": "Adds an annual training duty"}
    if material:
        data["material"] = "on"
    response = client.post(reverse("policies:publish", args=[draft.pk]), data)
    if material and response.status_code == 200:  # the confirmation step
        assert b"and notify staff?" in response.content
        response = client.post(
            reverse("policies:publish", args=[draft.pk]), data | {"confirm": "yes"}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    return draft


def test_publishing_a_material_revision_opens_the_follow_up_campaign(
    world: World, client: Client
) -> None:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    v2 = _publish_v2_over_http(world, client, material=True)
    follow = Campaign.objects.get(follows=campaign)
    assert list(follow.versions.all()) == [v2]
    assert follow.status == Campaign.Status.LAUNCHED
    assert follow.school_year == campaign.school_year
    # Everyone in the audience, including those who signed the old version, acknowledges again.
    people = set(Assignment.objects.filter(campaign=follow).values_list("person_id", flat=True))
    assert teacher.person_id in people
    assert people == set(
        Assignment.objects.filter(campaign=campaign).values_list("person_id", flat=True)
    )
    # The old campaign's unsigned assignments close; the signed record stays.
    assert not Assignment.objects.filter(
        campaign=campaign, status__in=["not_opened", "opened"]
    ).exists()
    assert Signature.objects.get(assignment=a).is_intact
    # Each business event has its audit event, in the publish's transaction.
    assert AuditEvent.objects.filter(action="policies.published", target_id=str(v2.pk)).exists()
    opened = AuditEvent.objects.get(action="acks.follow_up_opened")
    assert opened.target_id == str(follow.pk)
    assert Notification.objects.filter(campaign=follow, kind="follow_up").exists()
    # The employee sees the redline since the version they signed.
    new = assignment_of(follow, teacher)
    client.force_login(teacher)
    client.post(reverse("acks:open", args=[new.pk]))
    page = client.get(reverse("acks:assignment", args=[new.pk]))
    assert b"What changed in 5:125 since the version you signed (version 1)" in page.content
    assert b"<ins" in page.content and b"annual training" in page.content
    # Pressing the button afterwards finds the same follow-up.
    assert services.open_follow_up_campaign(version=v2, by=None) == follow


def test_publishing_a_non_material_revision_opens_nothing(world: World, client: Client) -> None:
    campaign = make_campaign(world.district)
    _publish_v2_over_http(world, client, material=False)
    assert not Campaign.objects.filter(follows=campaign).exists()
    assert not AuditEvent.objects.filter(action="acks.follow_up_opened").exists()


def test_a_material_revision_leaves_last_years_campaigns_alone(
    world: World, client: Client
) -> None:
    today = timezone.localdate()
    last_year = services.school_year_of(today.replace(year=today.year - 1))
    campaign = make_campaign(world.district, school_year=last_year)
    _publish_v2_over_http(world, client, material=True)
    assert not Campaign.objects.filter(follows=campaign).exists()


def test_school_years_start_on_july_first() -> None:
    from datetime import date

    assert services.school_year_of(date(2026, 6, 30)) == "2025-2026"
    assert services.school_year_of(date(2026, 7, 1)) == "2026-2027"


def test_new_hires_are_read_in_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """New hires' dates and emails are read in chunks (PostgreSQL with server-side binding takes
    at most 65,535 parameters a statement): with chunks of one row, each hire still gets their
    own due date."""
    from chalkline.lib import batches

    monkeypatch.setattr(batches, "IN_LIST_MAX", 1)
    campaign = make_campaign(world.district, new_hire_days=20)
    hire_day = timezone.localdate() + timedelta(days=3)
    hires = [
        make_person(world.district, building=world.north, given_name=name, hire_date=hire_day)
        for name in ("Nia", "Noor", "Ned")
    ]
    out = StringIO()
    call_command("assign_new_hires", stdout=out)
    assert "Assigned 3 new hires" in out.getvalue()
    for person in hires:
        mine = Assignment.objects.get(campaign=campaign, person=person)
        assert mine.due_on == hire_day + timedelta(days=20)
