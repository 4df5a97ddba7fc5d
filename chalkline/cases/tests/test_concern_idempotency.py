"""A double-submitted concern opens one case (issue 19): the forms carry a hidden idempotency
key, the database holds it unique per district, and the second submit gets the same answer."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.cases import services
from chalkline.cases.models import Case
from conftest import World

REPORT = {
    "kind": "communication",
    "subject_name": "Tess Teacher",
    "subject_position": "staff",
    "description": "She asked my daughter to chat on Snapchat.",
}


def test_the_forms_carry_a_fresh_key(world: World, client: Client) -> None:
    client.force_login(world.users["guardian_north"])
    first = client.get(reverse("cases:report")).context["form"]["idempotency_key"].value()
    second = client.get(reverse("cases:report")).context["form"]["idempotency_key"].value()
    assert first and second and first != second
    public = Client().get(reverse("cases:public", args=[world.district.slug]))
    assert public.context["form"]["idempotency_key"].value()


def test_a_double_submitted_signed_in_report_opens_one_case(world: World, client: Client) -> None:
    client.force_login(world.users["guardian_north"])
    data = {**REPORT, "idempotency_key": "k-123"}
    first = client.post(reverse("cases:report"), data)
    second = client.post(reverse("cases:report"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.opened").count() == 1
    # a new form (a new key) is a new report
    client.post(reverse("cases:report"), {**REPORT, "idempotency_key": "k-456"})
    assert Case.objects.count() == 2


def test_someone_elses_key_is_refused_not_revealed(world: World) -> None:
    services.report_concern(
        district=world.district,
        by=world.users["guardian_north"],
        reporter_kind="guardian",
        kind="communication",
        description="x",
        idempotency_key="shared",
    )
    with pytest.raises(services.CaseError, match="reload the page"):
        services.report_concern(
            district=world.district,
            by=world.users["student_north"],
            reporter_kind="student",
            kind="communication",
            description="y",
            idempotency_key="shared",
        )
    assert Case.objects.count() == 1


def test_a_double_submitted_public_concern_opens_one_case(world: World) -> None:
    data = {**REPORT, "reporter_kind": "community", "website": "", "idempotency_key": "pub-1"}
    url = reverse("cases:public", args=[world.district.slug])
    first = Client().post(url, data)
    second = Client().post(url, data)
    assert first.status_code == second.status_code == 200
    assert first.context["received"] and second.context["received"]
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_submitting_the_same_key_open_one_case(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    start = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []
    url = reverse("cases:report")

    def submit() -> None:
        try:
            client = Client()
            client.force_login(world.users["guardian_north"])
            start.wait()
            statuses.append(client.post(url, {**REPORT, "idempotency_key": "race"}).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=submit) for _ in range(2)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert errors == [] and statuses == [302, 302]
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.opened").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_cases_at_once_share_the_default_outcome_types(world: World) -> None:
    """The soak's run 11: two concerns, the district's first, at the same moment. The second
    transaction finds no outcome types (the first has not committed), inserts them too and waits
    for the first on the unique (district, code); it must then skip them, not fail."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the race matters on PostgreSQL")
    from django.db import transaction

    from chalkline.cases.models import OutcomeType

    assert not OutcomeType.objects.filter(district=world.district).exists()
    first_inserted = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.ensure_outcome_types(world.district)
                first_inserted.set()
                time.sleep(0.5)  # the second is now waiting on the unique index
        except BaseException as exc:
            errors.append(exc)
            first_inserted.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_inserted.wait()
            with transaction.atomic():
                services.ensure_outcome_types(world.district)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert errors == []
    codes = list(OutcomeType.objects.filter(district=world.district).values_list("code", flat=True))
    assert sorted(codes) == sorted(code for code, *_ in services.DEFAULT_OUTCOMES)
