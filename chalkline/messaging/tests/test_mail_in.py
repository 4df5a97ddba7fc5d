"""`chalkline mail-in` as a real aiosmtpd LMTP (and SMTP) server on a free port, fed with
smtplib: replies threaded in and screened, forged addresses refused, auto-replies ignored,
bounces (DSN and VERP) recorded, malformed and oversized mail refused with nothing stored."""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.lib.signed_address import signed_address
from chalkline.messaging import access, inbound
from chalkline.messaging.mailin_server import MailInController
from chalkline.messaging.models import Message, Recipient, Thread
from chalkline.messaging.services import start_thread
from chalkline.messaging.tests.conftest import School, audit_actions
from chalkline.outbox.models import Delivery
from chalkline.people.models import User

DOMAIN = "replies.prairie.example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def reply_domain(settings: Any) -> str:
    settings.MESSAGING_REPLY_DOMAIN = DOMAIN
    return DOMAIN


@pytest.fixture
def lmtp(reply_domain: str) -> Iterator[int]:
    port = _free_port()
    controller = MailInController(host="127.0.0.1", port=port, lmtp=True)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def sent(school: School, reply_domain: str, transactional_db: None) -> Recipient:
    """A message from the North teacher to Liam's family; Ada Okafor (no account) reads it by
    e-mail. Committed for real (transactional_db): the server's threads use their own
    database connections."""
    w = school.world
    teacher = w.users["teacher_north"]
    aud = access.resolve_audience(teacher, w.district, "family", str(school.classmate.pk))
    message = start_thread(
        district=w.district,
        by=teacher,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Field trip",
        body="The field trip is on Friday.",
        idempotency_key="trip",
    )
    return Recipient.objects.get(message=message, person=school.classmate_guardian)


def _reply(
    school: School,
    text: str = "Thank you, Liam will be there.\n",
    *,
    subject: str = "Re: Field trip",
    message_id: str = "<r1@mail.example.net>",
    **headers: str,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Ada Okafor <{school.classmate_guardian.email}>"
    mail["To"] = "whoever"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return mail


def _lmtp_send(port: int, mail: EmailMessage | bytes, to: str, sender: str = "ada@x.net") -> Any:
    with smtplib.LMTP("127.0.0.1", port) as client:
        raw = mail if isinstance(mail, bytes) else mail.as_bytes(policy=SMTP_POLICY)
        return client.sendmail(sender, [to], raw)


def test_a_signed_reply_is_threaded_in_screened_and_shown_to_the_teacher(
    client: Client, school: School, sent: Recipient, lmtp: int
) -> None:
    w = school.world
    text = "Thank you, Liam will be there.\n\nOn Fri, Dec 4, 2026 Tess wrote:\n> The field trip"
    _lmtp_send(lmtp, _reply(school, text), signed_address("reply", sent.pk))
    reply = Message.objects.exclude(pk=sent.message_id).get()
    assert reply.thread_id == sent.message.thread_id
    assert reply.body == "Thank you, Liam will be there."  # the quoted history is cut
    assert reply.findings["via"] == "email" and "detectors" in reply.findings
    ada = User.objects.get(person=school.classmate_guardian)
    assert reply.sender == ada and not ada.is_active and not ada.has_usable_password()
    assert "messaging.email_reply_received" in audit_actions(w)
    teacher_copy = Recipient.objects.get(message=reply, user=w.users["teacher_north"])
    assert teacher_copy.status == "sent"
    client.force_login(w.users["teacher_north"])
    page = client.get(reverse("messaging:thread", args=[reply.thread_id])).content.decode()
    assert "Thank you, Liam will be there." in page
    # the same e-mail delivered again (a retrying server) makes no second message
    _lmtp_send(lmtp, _reply(school, text), signed_address("reply", sent.pk))
    assert Message.objects.count() == 2


def test_the_teachers_answer_goes_back_by_email(school: School, sent: Recipient, lmtp: int) -> None:
    from chalkline.messaging.services import reply_in_thread

    _lmtp_send(lmtp, _reply(school), signed_address("reply", sent.pk))
    thread = Thread.objects.get(pk=sent.message.thread_id)
    answer = reply_in_thread(
        thread=thread,
        by=school.world.users["teacher_north"],
        body="Great, see you then.",
        idempotency_key="a1",
    )
    again = Recipient.objects.get(message=answer, person=school.classmate_guardian)
    delivery = Delivery.objects.get(ref_type="messaging.recipient", ref_id=again.pk)
    assert delivery.to == school.classmate_guardian.email
    assert delivery.reply_to == signed_address("reply", again.pk)


def test_a_forged_or_unknown_reply_address_is_refused_and_nothing_is_stored(
    school: School, sent: Recipient, lmtp: int
) -> None:
    good = signed_address("reply", sent.pk)
    forged = good.replace(f"reply+{sent.pk}.", f"reply+{sent.pk + 1}.")
    for address in (forged, f"someone@{DOMAIN}", "reply+1.00000000000000000000@elsewhere.org"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            _lmtp_send(lmtp, _reply(school), address)
        code, text = refused.value.recipients[address]
        assert code == 550, text
    assert Message.objects.count() == 1


def test_a_deactivated_family_can_no_longer_reply(
    school: School, sent: Recipient, lmtp: int
) -> None:
    guardian = school.classmate_guardian
    guardian.active = False
    guardian.deactivation_reason = "left the district"
    guardian.save(update_fields=["active", "deactivation_reason"])
    address = signed_address("reply", sent.pk)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _lmtp_send(lmtp, _reply(school), address)
    assert b"no longer takes e-mail replies" in refused.value.recipients[address][1]


AUTO_REPLIES = [
    ({"Auto_Submitted": "auto-replied"}, "Re: Field trip"),
    ({"X_Autoreply": "yes"}, "Re: Field trip"),
    ({"Precedence": "bulk"}, "Re: Field trip"),
    ({}, "Out of Office: Re: Field trip"),
    ({}, "Automatic reply: Field trip"),
]


@pytest.mark.parametrize(("headers", "subject"), AUTO_REPLIES)
def test_what_counts_as_an_auto_reply(headers: dict[str, str], subject: str) -> None:
    mail = EmailMessage()
    mail["From"] = "ada@example.net"
    mail["Subject"] = subject
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    assert inbound.is_auto_reply(mail, mail_from="ada@example.net")
    assert inbound.is_auto_reply(EmailMessage(), mail_from="<>")  # a null sender
    person = EmailMessage()
    person["Subject"] = "Re: Field trip"
    person["Auto-Submitted"] = "no"
    assert not inbound.is_auto_reply(person, mail_from="ada@example.net")


def test_auto_replies_are_accepted_and_dropped(school: School, sent: Recipient, lmtp: int) -> None:
    for n, (headers, subject) in enumerate(AUTO_REPLIES):
        mail = _reply(school, subject=subject, message_id=f"<auto{n}@x>", **headers)
        assert _lmtp_send(lmtp, mail, signed_address("reply", sent.pk)) == {}  # accepted
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Yes.\n\nOn Fri, Dec 4, 2026 at 9:00 AM Tess <t@x> wrote:\n> old", "Yes."),
        ("Yes.\n\nOn Fri, Dec 4, 2026 at 9:00 AM Tess Teacher\n<t@x> wrote:\n> old", "Yes."),
        ("Yes.\n-----Original Message-----\nFrom: x", "Yes."),
        ("Yes.\n\nFrom: Tess\nSent: Friday\nTo: Ada\n\nold", "Yes."),
        ("Yes.\n> quoted at the end\n>\n", "Yes."),
        ("> quoted first\nmy answer below it", "> quoted first\nmy answer below it"),
        ("Yes.\n-- \nAda", "Yes."),
    ],
)
def test_quoted_history_is_cut(text: str, kept: str) -> None:
    assert inbound.strip_quoted(text) == kept


def test_auto_submitted_no_is_a_person(school: School, sent: Recipient, lmtp: int) -> None:
    _lmtp_send(lmtp, _reply(school, Auto_Submitted="no"), signed_address("reply", sent.pk))
    assert Message.objects.count() == 2


def _dsn(original_headers: str, action: str = "failed") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: whoever\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        "Final-Recipient: rfc822; ada@example.net\r\n"
        f"Action: {action}\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{original_headers}"
        "\r\n--B--\r\n"
    ).encode()


def test_a_dsn_to_the_verp_address_marks_the_recipient_bounced(
    school: School, sent: Recipient, lmtp: int
) -> None:
    delivery = Delivery.objects.get(ref_type="messaging.recipient", ref_id=sent.pk)
    verp = signed_address("bounce", delivery.pk)
    _lmtp_send(lmtp, _dsn("Subject: Field trip\r\n", action="delayed"), verp, sender="")
    delivery.refresh_from_db()
    assert delivery.bounced_at is None  # a delay is not a bounce
    _lmtp_send(lmtp, _dsn("Subject: Field trip\r\n"), verp, sender="")
    _lmtp_send(lmtp, _dsn("Subject: Field trip\r\n"), verp, sender="")  # reported twice
    delivery.refresh_from_db()
    sent.refresh_from_db()
    assert delivery.status == "failed" and delivery.bounced_at is not None
    assert delivery.last_error == "bounced: 5.1.1 smtp; 550 5.1.1 user unknown"
    assert sent.status == "bounced"
    assert audit_actions(school.world).count("messaging.email_bounced") == 1


def test_a_dsn_elsewhere_is_matched_by_the_returned_delivery_header(
    school: School, sent: Recipient, lmtp: int
) -> None:
    delivery = Delivery.objects.get(ref_type="messaging.recipient", ref_id=sent.pk)
    dsn = _dsn(f"Subject: Field trip\r\nX-Chalkline-Delivery: {delivery.pk}\r\n")
    _lmtp_send(lmtp, dsn, signed_address("reply", sent.pk), sender="")
    sent.refresh_from_db()
    assert sent.status == "bounced"
    assert Message.objects.count() == 1  # a bounce is never a reply


def test_an_out_of_office_sent_to_the_envelope_sender_is_not_a_bounce(
    school: School, sent: Recipient, lmtp: int
) -> None:
    delivery = Delivery.objects.get(ref_type="messaging.recipient", ref_id=sent.pk)
    _lmtp_send(lmtp, _reply(school, subject="Out of office"), signed_address("bounce", delivery.pk))
    delivery.refresh_from_db()
    assert delivery.bounced_at is None


def test_malformed_mail_gets_a_5xx_is_logged_without_its_body_and_stores_nothing(
    school: School, sent: Recipient, lmtp: int, caplog: pytest.LogCaptureFixture
) -> None:
    address = signed_address("reply", sent.pk)
    garbage = b"this is not an e-mail, SECRET-BODY-TEXT\r\nno headers at all\r\n"
    with caplog.at_level(logging.INFO), pytest.raises(smtplib.SMTPDataError) as refused:
        _lmtp_send(lmtp, garbage, address)
    assert refused.value.smtp_code == 550
    assert b"Malformed" in refused.value.smtp_error
    assert "SECRET-BODY-TEXT" not in caplog.text
    assert "malformed" in caplog.text
    assert Message.objects.count() == 1
    assert not User.objects.filter(person=school.classmate_guardian).exists()


def test_limits_10000_characters_and_the_size_limit(
    school: School, sent: Recipient, lmtp: int, settings: Any
) -> None:
    address = signed_address("reply", sent.pk)
    with pytest.raises(smtplib.SMTPDataError) as too_long:
        _lmtp_send(lmtp, _reply(school, "\n".join(["y" * 99] * 101)), address)
    assert too_long.value.smtp_code == 552
    assert b"at most 10,000 characters (this one has 10,099)" in too_long.value.smtp_error
    # 9,999 characters of new text with a long quoted history below it is fine
    quoted = (
        "\n".join(["y" * 99] * 100) + "\n\nOn Fri, Dec 4, 2026 Tess wrote:\n" + "> old\n" * 3000
    )
    _lmtp_send(lmtp, _reply(school, quoted, message_id="<r2@x>"), address)
    assert Message.objects.count() == 2


def test_an_oversized_message_is_refused_before_it_is_read(
    school: School, sent: Recipient, settings: Any, reply_domain: str
) -> None:
    settings.MAIL_IN_MAX_BYTES = 4096
    port = _free_port()
    controller = MailInController(host="127.0.0.1", port=port, lmtp=True)
    controller.start()
    try:
        with pytest.raises(smtplib.SMTPException) as refused:
            _lmtp_send(port, _reply(school, "y" * 8000), signed_address("reply", sent.pk))
    finally:
        controller.stop()
    assert "552" in str(refused.value)
    assert Message.objects.count() == 1


def test_the_smtp_option_speaks_smtp(school: School, sent: Recipient, reply_domain: str) -> None:
    port = _free_port()
    controller = MailInController(host="127.0.0.1", port=port, lmtp=False)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(
                "ada@x.net",
                [signed_address("reply", sent.pk)],
                _reply(school).as_bytes(policy=SMTP_POLICY),
            )
    finally:
        controller.stop()
    assert Message.objects.count() == 2
