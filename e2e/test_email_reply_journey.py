"""E-mail in a browser journey: the teacher writes to a family without an account; the e-mail
reaches a real SMTP server with a signed Reply-To; the guardian answers from her mail client
through `chalkline mail-in` (a real LMTP server); the teacher, on a phone, finds the reply in
the thread (quoted history cut) and the per-recipient delivery status. axe and phone fit on
both pages."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Any

import pytest

from chalkline.messaging.mailin_server import MailInController
from chalkline.messaging.models import Message
from chalkline.outbox.tests.conftest import MailServer
from chalkline.outbox.tests.conftest import mail_server as mail_server
from chalkline.people.models import GuardianLink, Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_fits_phone, axe_violations, sign_in

PASSWORD = "correct horse battery staple"
DOMAIN = "replies.prairie.example.org"


@pytest.fixture
def district(transactional_db: Any, settings: Any) -> dict[str, Any]:
    settings.MESSAGING_REPLY_DOMAIN = DOMAIN
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    liam = make_person(
        d, kind=Person.Kind.STUDENT, building=north, given_name="Liam", family_name="Okafor"
    )
    ada = make_person(
        d,
        kind=Person.Kind.GUARDIAN,
        given_name="Ada",
        family_name="Okafor",
        email="ada.okafor@families.example.net",
    )
    GuardianLink.objects.create(guardian=ada, student=liam)
    tess = make_person(d, building=north, given_name="Tess", family_name="Teacher")
    make_user(d, Role.PRINCIPAL, building=north, person=tess, username="teacher")
    return {"district": d, "liam": liam}


@pytest.fixture
def mail_in(district: dict[str, Any]) -> Any:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = MailInController(host="127.0.0.1", port=port, lmtp=True)
    controller.start()
    yield port
    controller.stop()


def test_a_guardian_answers_by_email_and_the_teacher_reads_it_on_a_phone(
    page: Any,
    phone_page: Any,
    live_server: Any,
    district: dict[str, Any],
    mail_server: MailServer,
    mail_in: int,
) -> None:
    base = live_server.url
    sign_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/messages/new/?to=family:{district['liam'].pk}")
    page.locator("#id_subject").fill("Field trip")
    page.locator("#id_body").fill("The field trip is on Friday. Please send a packed lunch.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Message sent.").wait_for()

    # the e-mail reached the district's mail server, plain text, with a signed Reply-To
    mail_server.arrived.wait(10)
    (received,) = mail_server.messages
    assert received["To"] == "ada.okafor@families.example.net"
    reply_to = received["Reply-To"]
    assert reply_to.startswith("reply+") and reply_to.endswith("@" + DOMAIN)
    original = received.get_payload(decode=True).decode()

    # Ada answers from her mail client; her server hands it to mail-in over LMTP
    answer = EmailMessage()
    answer["From"] = "Ada Okafor <ada.okafor@families.example.net>"
    answer["To"] = reply_to
    answer["Subject"] = "Re: Field trip"
    answer["Message-ID"] = "<answer-1@families.example.net>"
    quoted = "\n".join("> " + line for line in original.splitlines())
    answer.set_content(f"Thanks, Liam will bring his lunch.\n\nOn Thu, Tess wrote:\n{quoted}\n")
    with smtplib.LMTP("127.0.0.1", mail_in) as lmtp:
        lmtp.sendmail(
            "ada.okafor@families.example.net", [reply_to], answer.as_bytes(policy=SMTP_POLICY)
        )
    reply = Message.objects.get(body="Thanks, Liam will bring his lunch.")

    sign_in(phone_page, base, "teacher", PASSWORD)
    phone_page.goto(f"{base}/messages/")
    phone_page.get_by_role("link", name="Field trip").click()
    phone_page.get_by_text("Thanks, Liam will bring his lunch.").wait_for()
    assert phone_page.get_by_text("Please send a packed lunch.").count() == 1  # not quoted back
    assert reply.thread_id == Message.objects.exclude(pk=reply.pk).get().thread_id
    assert axe_violations(phone_page, impacts=("minor", "moderate", "serious", "critical")) == []
    assert_fits_phone(phone_page)
    phone_page.get_by_role("link", name="Delivery status per recipient").click()
    phone_page.get_by_role("heading", name="Delivery status").wait_for()
    row = phone_page.get_by_role("row", name="Ada Okafor")
    assert "E-mail" in row.inner_text() and "Sent" in row.inner_text()
    assert axe_violations(phone_page, impacts=("minor", "moderate", "serious", "critical")) == []
    assert_fits_phone(phone_page)
