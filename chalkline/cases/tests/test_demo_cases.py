from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.cases.models import Case
from chalkline.people.models import User


def test_demo_cases_open_for_hr_and_the_union_rep(db: object, client: Client) -> None:
    call_command(
        "demo_data", "--buildings", "2", "--staff", "20", "--students", "20", stdout=StringIO()
    )
    out = StringIO()
    call_command("demo_cases", stdout=out)
    assert "3 demo cases" in out.getvalue()
    closed = Case.objects.get(status=Case.Status.CLOSED)
    open_case = Case.objects.get(status=Case.Status.NOTICE_SENT)
    for username in ("hr@demo", "union-rep@demo"):
        client.force_login(User.objects.get(username=username))
        for case in (closed, open_case):
            assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200
    call_command("demo_cases", stdout=out)
    assert Case.objects.count() == 3
