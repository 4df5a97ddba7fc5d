"""Hub messages by e-mail through the outbox, to a real SMTP server: the signed Reply-To, the
VERP envelope, plain text without tracking, the delivery-status page, the journal copy and the
daily digest (frozen clock)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.lib.signed_address import read_address, signed_address
from chalkline.messaging import access, preferences
from chalkline.messaging.models import Recipient, Thread
from chalkline.messaging.services import (
    queue_message_digests,
    record_message_bounce,
    start_thread,
)
from chalkline.messaging.tests.conftest import School, audit_actions, emailed
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import send_due
from chalkline.outbox.tests.conftest import MailServer
from conftest import PERSONAS

DOMAIN = "replies.prairie.example.org"


@pytest.fixture
def reply_domain(settings: Any) -> str:
    settings.MESSAGING_REPLY_DOMAIN = DOMAIN
    settings.DEFAULT_FROM_EMAIL = "Prairie Valley <no-reply@prairie.example.org>"
    return DOMAIN


def _send_to_class(school: School, body: str = "Bring a calculator.", key: str = "k1") -> Thread:
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "class_families", str(school.math.pk))
    message = start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Math 4: calculators",
        body=body,
        idempotency_key=key,
    )
    return emailed(message).thread  # the send's e-mail task, as a worker runs it


def test_signed_addresses_round_trip_and_refuse_tampering(reply_domain: str) -> None:
    address = signed_address("reply", 42)
    assert re.fullmatch(rf"reply\+42\.[0-9a-f]{{20}}@{re.escape(DOMAIN)}", address)
    assert read_address(address) == ("reply", 42, True)
    assert read_address(address.upper()) == ("reply", 42, True)  # servers may change case
    forged = address.replace("reply+42.", "reply+43.")
    assert read_address(forged) == ("reply", 43, False)
    assert read_address("reply+42.0123@" + DOMAIN) is None
    assert read_address(address.replace(DOMAIN, "evil.example.com")) is None


def test_no_reply_domain_means_no_reply_address(settings: Any) -> None:
    settings.MESSAGING_REPLY_DOMAIN = ""
    assert signed_address("reply", 1) == ""
    assert read_address("reply+1.0123456789abcdef0123@anything") is None


def test_the_default_preference_is_the_app_with_an_account_and_email_without(
    school: School,
) -> None:
    w = school.world
    prefs = preferences.contact_preferences([w.guardian_north, school.classmate_guardian])
    assert prefs[w.guardian_north.pk].channel == preferences.IN_APP  # has an account
    ada = prefs[school.classmate_guardian.pk]
    assert ada.by_email and ada.address == school.classmate_guardian.email
    school.classmate_guardian.email = ""
    school.classmate_guardian.save(update_fields=["email"])
    again = preferences.contact_preferences([school.classmate_guardian])
    assert not again[school.classmate_guardian.pk].by_email


def test_a_family_without_an_account_gets_the_message_by_email_with_a_signed_reply_to(
    school: School, reply_domain: str, mail_server: MailServer
) -> None:
    thread = _send_to_class(school)
    ada = Recipient.objects.get(message__thread=thread, person=school.classmate_guardian)
    delivery = Delivery.objects.get(ref_type="messaging.recipient", ref_id=ada.pk)
    assert delivery.to == school.classmate_guardian.email
    assert delivery.reply_to == signed_address("reply", ada.pk)
    assert ada.emailed_at is not None
    # the guardian with an account reads in the app: no e-mail for her
    assert not Delivery.objects.filter(to=school.world.guardian_north.email).exists()
    assert send_due().sent == 1
    (mail,) = mail_server.messages
    assert mail["To"] == school.classmate_guardian.email
    assert mail["Reply-To"] == delivery.reply_to
    assert mail["From"] == "Prairie Valley <no-reply@prairie.example.org>"
    assert mail["Subject"] == "Math 4: calculators"
    assert not mail.is_multipart() and mail.get_content_type() == "text/plain"
    text = mail.get_payload(decode=True).decode()
    assert "Bring a calculator." in text and "Reply to this e-mail" in text
    assert "<img" not in text and "http" not in text  # no pixels, no tracked links
    # the envelope sender is the signed VERP address of this delivery
    assert mail_server.envelopes[0] == signed_address("bounce", delivery.pk)


def test_without_a_reply_domain_the_email_asks_for_an_answer_in_the_hub(
    school: School, settings: Any, mail_server: MailServer
) -> None:
    settings.MESSAGING_REPLY_DOMAIN = ""
    _send_to_class(school)
    assert send_due().sent == 1
    (mail,) = mail_server.messages
    assert mail["Reply-To"] is None
    assert "replies to this e-mail are not read" in mail.get_payload(decode=True).decode()


def test_the_sender_sees_each_recipients_status(
    client: Client, school: School, reply_domain: str, mail_server: MailServer
) -> None:
    w = school.world
    mail_server.refuse[school.classmate_guardian.email] = "550 5.1.1 No such user"
    thread = _send_to_class(school)
    message = thread.messages.get()
    status_url = reverse("messaging:delivery_status", args=[message.pk])
    client.force_login(w.users["teacher_north"])
    page = client.get(status_url).content.decode()
    assert re.search(r"Ada Okafor</th><td>E-mail</td><td><span class=\"badge\">Queued", page)
    assert re.search(r"Elena Garcia</th><td>In the app</td><td><span class=\"badge\">Sent", page)
    send_due()  # the server refuses Ada's address for good
    client.force_login(w.users["guardian_north"])
    client.get(reverse("messaging:thread", args=[thread.pk]))
    client.force_login(w.users["teacher_north"])
    page = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in page  # the htmx partial
    assert re.search(r"Ada Okafor</th><td>E-mail</td><td><span class=\"badge\">Bounced", page)
    assert re.search(r"Elena Garcia</th><td>In the app</td><td><span class=\"badge\">Read", page)
    thread_page = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert status_url in thread_page


def test_a_bounce_marks_the_recipient_once_and_is_audited(
    school: School, reply_domain: str, mail_server: MailServer
) -> None:
    thread = _send_to_class(school)
    send_due()
    ada = Recipient.objects.get(message__thread=thread, person=school.classmate_guardian)
    delivery = Delivery.objects.get(ref_type="messaging.recipient", ref_id=ada.pk)
    assert record_message_bounce(delivery_id=delivery.pk, reason="5.1.1 user unknown")
    assert record_message_bounce(delivery_id=delivery.pk, reason="5.1.1 again") is None
    delivery.refresh_from_db()
    ada.refresh_from_db()
    assert delivery.status == "failed" and delivery.bounced_at is not None
    assert delivery.last_error == "bounced: 5.1.1 user unknown"
    assert ada.status == "bounced"
    assert audit_actions(school.world).count("messaging.email_bounced") == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_delivery_status_role_matrix(
    client: Client, school: School, persona: str, reply_domain: str
) -> None:
    """The sender sees the status page; a recipient who sees the thread gets 403; everyone
    else 404 (the thread is hidden from them)."""
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "family", str(w.student_north.pk))
    message = start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Quiz",
        body="The quiz is on Friday.",
        idempotency_key="m1",
    )
    client.force_login(w.users[persona])
    url = reverse("messaging:delivery_status", args=[message.pk])
    expected = {"teacher_north": 200, "guardian_north": 403}.get(persona, 404)
    assert client.get(url).status_code == expected, persona
    assert client.post(url).status_code == 405, persona


def test_the_journal_copy_names_sender_and_recipients(
    school: School, settings: Any, mail_server: MailServer
) -> None:
    settings.MESSAGING_JOURNAL_ADDRESS = "journal@archive.prairie.example.org"
    thread = _send_to_class(school)
    message = thread.messages.get()
    journal = Delivery.objects.get(ref_type="messaging.journal", ref_id=message.pk)
    assert journal.to == "journal@archive.prairie.example.org"
    send_due()
    copy = next(m for m in mail_server.messages if m["To"] == journal.to)
    assert copy["X-Chalkline-Journal"] == "1"
    assert "Tess Teacher" in copy["X-Chalkline-Sender"]
    assert "Ada Okafor" in copy["X-Chalkline-Recipients"]
    assert "Elena Garcia" in copy["X-Chalkline-Recipients"]
    assert "".join(copy["X-Chalkline-SHA256"].split()) == message.sha256  # folded
    assert "Bring a calculator." in copy.get_payload(decode=True).decode()


def _digest_readers(monkeypatch: pytest.MonkeyPatch, *people: int) -> None:
    """These people chose a daily digest by e-mail (their ContactPreference rows)."""
    from chalkline.messaging.models import ContactPreference

    for pk in people:
        ContactPreference.objects.update_or_create(
            person_id=pk,
            defaults={
                "channel": ContactPreference.Channel.EMAIL,
                "cadence": ContactPreference.Cadence.DIGEST,
            },
        )


def test_digest_readers_get_one_email_a_day_and_a_second_run_sends_nothing(
    school: School, monkeypatch: pytest.MonkeyPatch, mail_server: MailServer
) -> None:
    w = school.world
    _digest_readers(monkeypatch, school.classmate_guardian.pk)
    _send_to_class(school, "First: bring a calculator.", key="k1")
    _send_to_class(school, "Second: and a ruler.", key="k2")
    assert not Delivery.objects.filter(to=school.classmate_guardian.email).exists()
    evening = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
    assert queue_message_digests(district=w.district, now=evening) == 1
    assert queue_message_digests(district=w.district, now=evening) == 0
    assert queue_message_digests(district=w.district, now=evening + timedelta(hours=1)) == 0
    call_command("send_message_digests", now=evening.isoformat())  # idempotent from cron too
    digest = Delivery.objects.get(to=school.classmate_guardian.email)
    assert digest.kind == "messaging.digest"
    assert "First: bring a calculator." in digest.body and "Second: and a ruler." in digest.body
    assert digest.body.index("First") < digest.body.index("Second")
    assert send_due(now=evening).sent == 1
    assert len(mail_server.messages) == 1
    assert audit_actions(w).count("messaging.digests_queued") == 1


def test_an_urgent_message_skips_the_digest(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = school.world
    _digest_readers(monkeypatch, school.classmate_guardian.pk)
    principal = w.users["principal_north"]  # holds MARK_URGENT for the building
    aud = access.resolve_audience(principal, w.district, "class_families", str(school.math.pk))
    message = start_thread(
        district=w.district,
        by=principal,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Early dismissal",
        body="School closes at noon today because of the storm.",
        idempotency_key="urgent-1",
        urgent_reason="Weather closure",
    )
    emailed(message)
    assert hasattr(message, "urgent_mark")
    assert Delivery.objects.filter(to=school.classmate_guardian.email).count() == 1
    # the same reader's ordinary messages still wait for the digest
    _send_to_class(school, "Not urgent.", key="plain-1")
    assert Delivery.objects.filter(to=school.classmate_guardian.email).count() == 1
