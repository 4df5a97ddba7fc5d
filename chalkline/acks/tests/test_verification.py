"""The verify page and the verify_acknowledgments command use one check (acks.selectors)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from chalkline.acks import services
from chalkline.acks.models import Signature
from chalkline.lib.appendonly import guards_suspended
from conftest import World

from .helpers import make_campaign, ready_to_sign


def _signed(world: World) -> Signature:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    return services.sign_acknowledgment(
        assignment=ready_to_sign(campaign, teacher),
        by=teacher,
        typed_name="Tess Teacher",
        ip=None,
        user_agent="",
    )


def _tamper(record: Signature) -> None:
    """Change a record behind the application's back (as someone with database access could)."""
    with guards_suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE acks_signature SET comment = %s WHERE id = %s", ["edited later", record.pk]
        )


def test_an_intact_record_verifies_on_the_page_and_in_the_command(world: World) -> None:
    record = _signed(world)
    page = Client().get(reverse("acks:verify", args=[record.verification_code.lower()]))
    assert page.status_code == 200
    assert page.context["intact"] is True
    assert (page.context["record_ok"], page.context["text_ok"], page.context["audit_ok"]) == (
        True,
        True,
        True,
    )
    out = StringIO()
    call_command("verify_acknowledgments", "--district", world.district.slug, stdout=out)
    assert "OK: 1 acknowledgment records intact" in out.getvalue()


def test_a_changed_record_fails_on_the_page_and_in_the_command(world: World) -> None:
    record = _signed(world)
    _tamper(record)
    page = Client().get(reverse("acks:verify", args=[record.verification_code]))
    assert page.status_code == 200
    assert page.context["intact"] is False and page.context["record_ok"] is False
    assert b"does NOT match" in page.content
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 records do not verify"):
        call_command("verify_acknowledgments", stdout=out)
    assert f"BROKEN record {record.pk} ({record.verification_code})" in out.getvalue()
