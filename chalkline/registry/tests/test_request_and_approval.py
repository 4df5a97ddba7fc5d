"""A teacher asks for an app, the network administrator reviews it, the authorized official
approves it with the signed agreement and posts it: every step through HTTP, each audited."""

from __future__ import annotations

import os
import stat
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.people.models import User
from chalkline.registry.agreements import MAX_AGREEMENT_BYTES
from chalkline.registry.models import App
from conftest import World

from .conftest import make_app, pdf

REQUEST = {
    "name": "Bloomz",
    "operator": "Bloomz, Inc.",
    "operator_address": "4501 Sheridan Rd, Kenosha, WI",
    "purpose": "staff_family",
    "data_elements": "Parent name\nParent email",
    "domains": "bloomz.com",
    "reason": "Class newsletter",
}
REVIEW = {
    "check_data_elements": "on",
    "check_age_limits": "on",
    "check_accessibility": "on",
    "check_security": "on",
    "recommendation": "approve",
}


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _approve(client: Client, app: App, data: bytes, **extra: object) -> Any:
    return client.post(
        reverse("registry:approve", args=[app.pk]),
        {
            "agreement": SimpleUploadedFile("a.pdf", data, "application/pdf"),
            "signed_on": "2026-09-01",
            "expires_on": "2027-08-31",
            **extra,
        },
    )


def test_a_teacher_asks_and_the_request_is_audited(
    world: World, client: Client, teacher_north: User
) -> None:
    client.force_login(teacher_north)
    response = client.post(reverse("registry:request"), REQUEST)
    app = App.objects.get(name="Bloomz")
    assert response.status_code == 302
    assert app.status == App.Status.REQUESTED
    assert app.requested_by == teacher_north
    assert _events("registry.app_requested") == 1


def test_it_refuses_asking_twice_for_the_same_app(
    world: World, client: Client, teacher_north: User
) -> None:
    make_app(world.district, "Bloomz")
    client.force_login(teacher_north)
    response = client.post(reverse("registry:request"), {**REQUEST, "name": "bloomz"})
    assert response.status_code == 400
    assert App.objects.filter(name__iexact="bloomz").count() == 1


def test_the_whole_path_to_the_public_page(
    world: World, client: Client, netadmin: User, superintendent: User
) -> None:
    app = make_app(
        world.district, "Bloomz", operator="Bloomz, Inc.", operator_address="Kenosha, WI"
    )
    client.force_login(netadmin)
    assert client.post(reverse("registry:review", args=[app.pk]), REVIEW).status_code == 302
    app.refresh_from_db()
    assert app.status == App.Status.UNDER_REVIEW
    assert app.recommendation == "approve" and app.check_security
    client.force_login(superintendent)
    assert _approve(client, app, pdf("Bloomz agreement")).status_code == 302
    app.refresh_from_db()
    assert app.status == App.Status.APPROVED and app.posted_at is None
    mode = stat.S_IMODE(os.stat(app.agreement.path).st_mode)
    assert mode == 0o600
    public = reverse("registry:public", args=[world.district.slug])
    assert b'id="op-' not in client.get(public).content  # approved, not yet posted
    assert client.post(reverse("registry:post", args=[app.pk])).status_code == 302
    client.logout()
    page = client.get(public)
    assert page.status_code == 200
    assert b"Bloomz, Inc." in page.content and b"Kenosha" in page.content
    download = client.get(reverse("registry:public_agreement", args=[world.district.slug, app.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    for action in ("app_reviewed", "app_approved", "agreement_posted"):
        assert _events(f"registry.{action}") == 1


def test_the_network_administrator_cannot_approve(
    world: World, client: Client, netadmin: User
) -> None:
    app = make_app(world.district, status=App.Status.UNDER_REVIEW)
    client.force_login(netadmin)
    assert _approve(client, app, pdf()).status_code == 403
    app.refresh_from_db()
    assert app.status == App.Status.UNDER_REVIEW


def test_it_refuses_an_agreement_that_is_not_a_pdf(
    world: World, client: Client, superintendent: User
) -> None:
    app = make_app(world.district, status=App.Status.UNDER_REVIEW)
    client.force_login(superintendent)
    response = _approve(client, app, b"PK\x03\x04 this is a zip, not a pdf")
    assert response.status_code == 400
    assert b"not a PDF" in response.content
    app.refresh_from_db()
    assert app.status == App.Status.UNDER_REVIEW and not app.agreement
    assert _events("registry.app_approved") == 0


def test_it_refuses_a_damaged_pdf(world: World, client: Client, superintendent: User) -> None:
    app = make_app(world.district, status=App.Status.UNDER_REVIEW)
    client.force_login(superintendent)
    response = _approve(client, app, b"%PDF-1.7\n nothing else")
    assert response.status_code == 400
    assert b"cannot be opened" in response.content


def test_it_refuses_an_agreement_over_20_mb(
    world: World, client: Client, superintendent: User
) -> None:
    app = make_app(world.district, status=App.Status.UNDER_REVIEW)
    client.force_login(superintendent)
    big = pdf() + b"%" * (MAX_AGREEMENT_BYTES + 1)
    response = _approve(client, app, big)
    assert response.status_code == 400
    assert b"over 20 MB" in response.content
    app.refresh_from_db()
    assert app.status == App.Status.UNDER_REVIEW


def test_a_redacted_copy_is_what_the_public_downloads(
    world: World, client: Client, superintendent: User
) -> None:
    app = make_app(world.district, status=App.Status.UNDER_REVIEW)
    client.force_login(superintendent)
    redacted = SimpleUploadedFile("r.pdf", pdf("REDACTED COPY"), "application/pdf")
    assert _approve(client, app, pdf("FULL COPY"), redacted=redacted).status_code == 302
    client.post(reverse("registry:post", args=[app.pk]))
    client.logout()
    got = client.get(reverse("registry:public_agreement", args=[world.district.slug, app.pk]))
    body = b"".join(got.streaming_content)  # type: ignore[attr-defined]
    assert b"REDACTED COPY" in body and b"FULL COPY" not in body


def test_the_reviewer_can_ask_for_changes_or_refuse(
    world: World, client: Client, netadmin: User
) -> None:
    a = make_app(world.district, "A")
    b = make_app(world.district, "B")
    client.force_login(netadmin)
    client.post(reverse("registry:changes", args=[a.pk]), {"notes": "Which data?"})
    client.post(reverse("registry:refuse", args=[b.pk]), {"notes": "Ads to children"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == App.Status.CHANGES_REQUESTED and a.decision_notes == "Which data?"
    assert b.status == App.Status.REFUSED
    assert _events("registry.changes_asked") == 1 and _events("registry.app_refused") == 1


def test_it_refuses_approving_an_app_nobody_reviewed(
    world: World, client: Client, superintendent: User
) -> None:
    app = make_app(world.district)
    client.force_login(superintendent)
    response = _approve(client, app, pdf())
    assert response.status_code == 400
    app.refresh_from_db()
    assert app.status == App.Status.REQUESTED


def test_retiring_takes_it_off_the_public_page(
    world: World, client: Client, superintendent: User
) -> None:
    from .conftest import make_posted

    app = make_posted(world.district, "Remind")
    client.force_login(superintendent)
    assert client.post(reverse("registry:retire", args=[app.pk])).status_code == 302
    client.logout()
    page = client.get(reverse("registry:public", args=[world.district.slug]))
    assert b"Remind" not in page.content
    assert _events("registry.app_retired") == 1
