"""Web hardening: error shapes, sessions, cache headers, the secret key at server start."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from chalkline.acks.models import EConsent
from chalkline.acks.services import SigningError, give_econsent
from chalkline.acks.tests.helpers import assignment_of, make_campaign
from chalkline.acks.views.common import STASH_COOKIE
from chalkline.audit.models import AuditEvent
from conftest import World


def test_a_bad_host_header_is_a_400_page(world: World, caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
    assert b"Bad request" in response.content
    assert not [r for r in caplog.records if r.name == "django.request"]


# --- the placeholder SECRET_KEY at server start (real processes) ----------------------------------

ROOT = Path(__file__).resolve().parents[3]


def _run(args: list[str], tmp_path: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DJANGO_"))}
    env.update(
        DEBUG="false",
        CHALKLINE_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
        ALLOWED_HOSTS="chalkline.example.org",
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


@pytest.mark.parametrize("module", ["chalkline.wsgi", "chalkline.asgi"])
def test_the_web_application_refuses_the_placeholder_key(tmp_path: Path, module: str) -> None:
    result = _run(["-c", f"import {module}"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is the development placeholder" in result.stderr


def test_gunicorn_refuses_to_boot_with_the_placeholder_key(tmp_path: Path) -> None:
    result = _run(["-m", "gunicorn", "--check-config", "chalkline.wsgi"], tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is the development placeholder" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "command", [["runserver", "--noreload", "127.0.0.1:0"], ["db_worker", "--batch"]]
)
def test_the_server_and_worker_commands_refuse_the_placeholder_key(
    tmp_path: Path, command: list[str]
) -> None:
    result = _run(["-m", "chalkline", *command], tmp_path)
    assert result.returncode == 1
    assert "SECRET_KEY is the development placeholder" in result.stderr


def test_with_a_real_key_the_web_application_loads(tmp_path: Path) -> None:
    keyed = _run(
        ["-c", "import os; os.environ['SECRET_KEY'] = 'k' * 50; import chalkline.wsgi"], tmp_path
    )
    assert keyed.returncode == 0, keyed.stderr


def test_offline_commands_work_without_a_key(tmp_path: Path) -> None:
    assert (
        _run(["-m", "chalkline", "makemigrations", "--check", "--dry-run"], tmp_path).returncode
        == 0
    )
    roster = tmp_path / "users.csv"
    roster.write_text(
        "sourcedId,givenName,familyName,role\ns1,Ana,Ruiz,student\n", encoding="utf-8"
    )
    messages = tmp_path / "in.jsonl"
    messages.write_text(
        '{"text": "Go Ana Ruiz!", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    screened = _run(
        [
            "-m",
            "chalkline",
            "screen",
            "--roster",
            str(roster),
            "--in",
            str(messages),
            "--out",
            str(out),
        ],
        tmp_path,
    )
    assert screened.returncode == 0, screened.stderr
    assert "student_name" in out.read_text(encoding="utf-8")


# --- Cache-Control: no-store on pages and files with student or record data ---------------------


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_listing_students_and_exports_are_not_stored(world: World, client: Client) -> None:
    client.force_login(world.users["principal_north"])
    north = world.north.pk
    for url in [
        reverse("people:person", args=[world.student_north.pk]),
        reverse("people:building", args=[north]) + "?tab=students",
        reverse("people:building", args=[north]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_acknowledgment_exports_and_records_are_not_stored(world: World, client: Client) -> None:
    superintendent = world.users["superintendent"]
    campaign = make_campaign(world.district, by=superintendent)
    client.force_login(superintendent)
    for url in [
        reverse("acks:campaign_export", args=[campaign.pk]),
        reverse("acks:building_export", args=[campaign.pk, world.north.pk]),
        reverse("acks:personnel_file", args=[world.staff_north.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_the_audit_export_and_the_draft_check_pages_are_not_stored(
    world: World, client: Client
) -> None:
    client.force_login(world.users["superintendent"])
    for response in [
        client.get(reverse("audit:export")),
        client.get(reverse("drafts:check")),
        client.post(
            reverse("drafts:check"), {"text": "Maria did well today.", "audience": "public"}
        ),
        client.get(reverse("drafts:kept")),
    ]:
        assert response.status_code == 200
        assert _no_store(response)


def test_the_one_time_api_token_page_is_not_stored(world: World, client: Client) -> None:
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("api:tokens"), {"name": "Relay", "scopes": ["screen"]})
    assert response.status_code == 201
    assert _no_store(response)


# --- e-signature consent is for employees ------------------------------------------------------


@pytest.mark.parametrize("persona", ["student_north", "guardian_north"])
def test_students_and_guardians_cannot_record_e_signature_consent(
    world: World, client: Client, persona: str
) -> None:
    client.force_login(world.users[persona])
    assert client.get(reverse("acks:consent")).status_code == 403
    assert client.post(reverse("acks:consent"), {"agree": "on"}).status_code == 403
    assert not EConsent.objects.exists()
    assert not AuditEvent.objects.filter(action="acks.econsent").exists()


def test_the_consent_service_refuses_a_student(world: World) -> None:
    with pytest.raises(SigningError):
        give_econsent(by=world.users["student_north"], ip=None, user_agent="pytest")
    assert not EConsent.objects.exists()


def test_an_employee_still_records_consent(world: World, client: Client) -> None:
    client.force_login(world.users["teacher_north"])
    assert client.post(reverse("acks:consent"), {"agree": "on"}).status_code == 302
    assert EConsent.objects.filter(user=world.users["teacher_north"]).count() == 1


# --- anonymous posts create no session ----------------------------------------------------------


def test_anonymous_posts_write_no_session(world: World) -> None:
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    assignment = assignment_of(campaign, world.users["teacher_north"])
    client = Client()
    client.post(reverse("login"), {"username": "teacher_north", "password": "wrong"})
    client.post(reverse("password_reset"), {"email": "someone@example.org"})
    sign_url = reverse("acks:sign", args=[assignment.pk])
    stashed = client.post(sign_url, {"comment": "My concern, kept while I sign in again."})
    assert stashed.status_code == 302
    assert Session.objects.count() == 0
    # The comment is kept in a signed cookie for that page only (test_signing checks it comes
    # back after signing in again).
    cookie = stashed.cookies[STASH_COOKIE]
    assert cookie["path"] == sign_url and cookie["httponly"]
