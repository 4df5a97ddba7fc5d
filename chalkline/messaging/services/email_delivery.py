"""Hub messages by e-mail, through the one outbound module (``chalkline.outbox``).

- ``email_sent_message``: the task a send enqueues (``messaging/tasks.py``) calls it, off the
  request: ``queue_message_emails`` for the message, once, even when the task runs twice.
- ``queue_message_emails``: one ``Delivery`` per recipient whose preference is e-mail (``preferences.py``), with a signed Reply-To
  (``reply+<recipient>.<sig>@MESSAGING_REPLY_DOMAIN``); digest readers wait for
  ``queue_message_digests`` unless the message is urgent. Plain text, no tracking of any kind.
  With ``MESSAGING_JOURNAL_ADDRESS`` set, a journal copy goes to the archive too.
- ``record_message_bounce``: a bounce (``mail-in``) fails the delivery and marks the recipient.
- ``receive_email_reply``: a signed reply becomes a reply in the thread, by the person it was
  sent to (an inactive account of theirs is made for it when they have none: it cannot sign in).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.signed_address import signed_address
from chalkline.messaging.models import Message, Recipient, UrgentMark
from chalkline.messaging.preferences import DIGEST, contact_preferences
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import Mail, queue_mails, record_bounce
from chalkline.people.models import District, Person, User

logger = logging.getLogger(__name__)

KIND = "messaging.message"
REF_TYPE = "messaging.recipient"
JOURNAL_REF_TYPE = "messaging.journal"
DIGEST_REF_TYPE = "messaging.digest"


def _name(user: User) -> str:
    return user.person.display_name if user.person else user.get_username()


def _is_urgent(message: Message) -> bool:
    """Marked urgent by a role allowed to (quiet hours, models/review.py): never in a digest."""
    return UrgentMark.objects.filter(message_id=message.pk).exists()


def _footer(can_reply: bool) -> str:
    how = (
        "Reply to this e-mail to answer in the District's messaging hub."
        if can_reply
        else "To answer, use the District's messaging hub (replies to this e-mail are not read)."
    )
    return (
        f"\n\n-- \n{how}\nMessages in the hub are kept in the District's records "
        "(Board Policy 5:125). Please do not send student records or passwords by e-mail."
    )


def message_email_body(message: Message, *, can_reply: bool) -> str:
    thread = message.thread
    return (
        f"{_name(message.sender)} wrote in \u201c{thread.subject}\u201d:\n\n"
        f"{message.body}{_footer(can_reply)}"
    )


@transaction.atomic
def email_sent_message(*, message_id: int, now: datetime | None = None) -> int:
    """The e-mails of a message that was sent (the task ``email_message_task`` runs this after
    the send commits). A second run (a retried task) queues nothing: the recipients it e-mailed
    carry ``emailed_at`` and are locked while it runs, and the outbox queues a (ref, address)
    once. A message since disposed of has nothing to send. Returns e-mails queued."""
    message = (
        Message.objects.select_related("thread", "sender__person").filter(pk=message_id).first()
    )
    if message is None:
        return 0
    return queue_message_emails(message=message, now=now, lock=True)


def queue_message_emails(
    *, message: Message, now: datetime | None = None, journal: bool = True, lock: bool = False
) -> int:
    """Queue the e-mails of a message (in a transaction): one per recipient who reads by e-mail
    at once, plus the journal copy. ``lock``: take the recipients' rows first, so two runs at
    once for one message e-mail each recipient once. Returns e-mails queued."""
    now = now or timezone.now()
    thread = message.thread
    # a delivery held for quiet hours is e-mailed when `release-held-messages` delivers it
    waiting = (
        message.recipients.filter(person__isnull=False, emailed_at__isnull=True)
        .exclude(status=Recipient.Status.HELD)
        .select_related("person")
    )
    if lock:
        waiting = waiting.select_for_update(of=("self",))
    recipients = list(waiting)
    prefs = contact_preferences(r.person for r in recipients if r.person is not None)
    urgent = _is_urgent(message)
    mails: list[Mail] = []
    emailed: list[int] = []
    for r in recipients:
        pref = prefs.get(r.person_id or 0)
        if pref is None or not pref.by_email:
            continue
        if pref.cadence == DIGEST and not urgent:
            continue  # waits for `send-message-digests`
        reply_to = signed_address("reply", r.pk)
        mails.append(
            Mail(
                to=pref.address,
                subject=thread.subject,
                body=message_email_body(message, can_reply=bool(reply_to)),
                ref_id=r.pk,
                reply_to=reply_to,
                headers={"X-Chalkline-Thread": str(thread.pk)},
            )
        )
        emailed.append(r.pk)
    queued = 0
    if mails:
        queued = queue_mails(
            district=thread.district_id, mails=mails, kind=KIND, ref_type=REF_TYPE, by=None, now=now
        )
        Recipient.objects.filter(pk__in=emailed).update(emailed_at=now)
    # the journal copy goes once, when the message is sent (not again when a held delivery is
    # released: ``journal=False``)
    return queued + (_queue_journal_copy(message, now=now) if journal else 0)


def _queue_journal_copy(message: Message, *, now: datetime) -> int:
    """The archive copy (Smarsh, Global Relay and the like ingest an RFC 5322 message whose
    X-headers name the sender and every recipient)."""
    archive = str(getattr(settings, "MESSAGING_JOURNAL_ADDRESS", "") or "")
    if not archive:
        return 0
    thread = message.thread
    rows = message.recipients.select_related("person", "user").order_by("pk")
    names = [
        (r.person.display_name + (f" <{r.person.email}>" if r.person.email else ""))
        if r.person
        else (r.user.get_username() if r.user else "")
        for r in rows
    ]
    sender = message.sender
    sender_email = (sender.person.email if sender.person else "") or sender.email
    headers = {
        "X-Chalkline-Journal": "1",
        "X-Chalkline-Sender": f"{_name(sender)} <{sender_email}>"
        if sender_email
        else _name(sender),
        "X-Chalkline-Recipients": "; ".join(n for n in names if n)[:8000],
        "X-Chalkline-Thread": str(thread.pk),
        "X-Chalkline-Message": str(message.pk),
        "X-Chalkline-SHA256": message.sha256,
        "X-Chalkline-Sent-At": message.sent_at.isoformat(),
    }
    return queue_mails(
        district=thread.district_id,
        mails=[
            Mail(
                to=archive,
                subject=thread.subject,
                body=message.body,
                ref_id=message.pk,
                headers=headers,
            )
        ],
        kind="messaging.journal",
        ref_type=JOURNAL_REF_TYPE,
        by=None,
        now=now,
    )


@transaction.atomic
def record_message_bounce(*, delivery_id: int, reason: str) -> Delivery | None:
    """A bounce of one delivery: the outbox records it (failed, ``bounced_at``); when it was a
    hub message, its recipient becomes ``bounced`` and the event is audited. A repeated DSN
    changes nothing. The reason is the DSN's status code and diagnostic, never the body."""
    delivery = record_bounce(delivery_id=delivery_id, reason=reason)
    if delivery is None:
        return None
    if delivery.ref_type == REF_TYPE and delivery.ref_id is not None:
        Recipient.objects.filter(pk=delivery.ref_id).update(status=Recipient.Status.BOUNCED)
    record_event(
        district=delivery.district_id,
        actor=None,
        action=Action.MESSAGE_EMAIL_BOUNCED,
        target=("outbox.delivery", delivery.pk),
        after={"ref_type": delivery.ref_type, "ref_id": delivery.ref_id, "reason": reason[:120]},
    )
    return delivery


def account_for(person: Person) -> User:
    """The person's account; for someone without one, an inactive account that only carries
    their e-mail replies (it cannot sign in; an invitation may activate it later)."""
    found = User.objects.filter(person=person).first()
    if found is not None:
        return found
    user = User(username=f"mail-in-{person.pk}", is_active=False, person=person)
    user.set_unusable_password()
    user.save()
    return user


def reply_key(message_id: str, raw: bytes) -> str:
    """The idempotency key of an e-mail reply: the same e-mail delivered twice (a retrying
    mail server) makes one message."""
    source = message_id.strip().encode() if message_id.strip() else raw
    return "mail-" + hashlib.sha256(source).hexdigest()[:59]


@transaction.atomic
def receive_email_reply(
    *,
    recipient: Recipient,
    body: str,
    idempotency_key: str,
    findings: dict[str, Any],
    from_matches: bool,
) -> Message:
    """A signed e-mail reply, already screened (``findings``), as a reply in the thread by the
    person it was sent to. An e-mail cannot be coached before it is sent, so nothing is held:
    the findings are stored with the message for review."""
    from chalkline.messaging.services.sending import reply_in_thread

    person = recipient.person
    thread = recipient.message.thread
    if person is None:
        raise ValueError("an e-mail reply needs the person the message was sent to")
    by = account_for(person)
    message = reply_in_thread(
        thread=thread,
        by=by,
        body=body,
        idempotency_key=idempotency_key,
        findings={**findings, "via": "email"},
    )
    record_event(
        district=thread.district_id,
        actor=by,
        action=Action.MESSAGE_EMAIL_REPLY_RECEIVED,
        target=message,
        after={
            "thread": message.thread_id,
            "in_reply_to_recipient": recipient.pk,
            "from_matches_roster": from_matches,
        },
    )
    return message


@transaction.atomic
def queue_message_digests(*, district: District, now: datetime | None = None) -> int:
    """One e-mail per digest reader with messages waiting: every message not yet e-mailed to
    them, oldest first. Rows are claimed with a conditional UPDATE (``emailed_at`` still empty),
    so two runs never send a message twice; a second run the same day finds nothing."""
    now = now or timezone.now()
    waiting = list(
        Recipient.objects.filter(
            message__thread__district=district,
            person__isnull=False,
            emailed_at__isnull=True,
            # delivered and not yet read in the hub (an account holder may read by e-mail too;
            # a delivery held for quiet hours waits for its release)
            status__in=[Recipient.Status.QUEUED, Recipient.Status.SENT],
            message__sent_at__lte=now,
        )
        .select_related("person", "message__thread", "message__sender__person")
        .order_by("person_id", "message__sent_at", "pk")
    )
    prefs = contact_preferences({r.person_id: r.person for r in waiting if r.person}.values())
    by_person: dict[int, list[Recipient]] = {}
    for r in waiting:
        pref = prefs.get(r.person_id or 0)
        if pref is not None and pref.by_email and pref.cadence == DIGEST:
            by_person.setdefault(r.person_id or 0, []).append(r)
    mails: list[Mail] = []
    day = timezone.localdate(now)
    for person_id, rows in by_person.items():
        claimed = Recipient.objects.filter(
            pk__in=[r.pk for r in rows], emailed_at__isnull=True
        ).update(emailed_at=now)
        if claimed != len(rows):
            raise RuntimeError("another digest run claimed these rows; try again")
        parts = [
            f"{_name(r.message.sender)} in \u201c{r.message.thread.subject}\u201d "
            f"({timezone.localtime(r.message.sent_at):%b %d %H:%M}):\n\n{r.message.body}"
            for r in rows
        ]
        pref = prefs[person_id]
        mails.append(
            Mail(
                to=pref.address,
                subject=f"Your messages for {day:%B %d, %Y} ({len(rows)})",
                body=("\n\n* * *\n\n".join(parts)) + _footer(False),
                ref_id=rows[0].pk,  # each recipient row is claimed once: unique
            )
        )
    queued = 0
    if mails:
        queued = queue_mails(
            district=district,
            mails=mails,
            kind="messaging.digest",
            ref_type=DIGEST_REF_TYPE,
            by=None,
            now=now,
        )
        record_event(
            district=district,
            actor=None,
            action=Action.MESSAGE_DIGESTS_QUEUED,
            target=("messaging.digest", day.toordinal()),
            after={"digests": queued, "messages": sum(len(v) for v in by_person.values())},
        )
    return queued
