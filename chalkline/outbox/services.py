"""Outbound mail: queue it in the caller's transaction, send it after commit, record each attempt.

- ``queue_mail``/``queue_mails`` write one ``Delivery`` per recipient (``queued``) and, after the
  transaction commits, enqueue the sending task. A (ref_type, ref_id, address) already queued is
  not queued again.
- ``send_due`` claims due rows with a conditional UPDATE (``queued``/``retrying`` -> ``sending``
  with a worker token), so two workers never send one mail twice, then sends them over up to
  ``OUTBOX_SMTP_CONNECTIONS`` SMTP connections, recording the outcomes every ``RECORD_EVERY``
  answers (a worker killed mid-batch leaves only those unrecorded, to go again; when a record
  fails, the connections stop sending). A 5xx answer fails the delivery for good, with the
  server's reason; a 4xx answer or a connection problem retries it after 1, 5, 30 minutes and 2
  hours, then fails it.
- Logs name the delivery id and the SMTP code, never the address or the server's text (which
  usually repeats the address); the reason is kept on the row for the people who may see it.
"""

from __future__ import annotations

import logging
import queue
import secrets
import smtplib
import threading
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.batches import in_list_chunks, iter_chunks
from chalkline.lib.signed_address import signed_address
from chalkline.outbox.models import Delivery
from chalkline.people.models import District, User

logger = logging.getLogger(__name__)

# The wait after the 1st, 2nd, 3rd and 4th temporary failure; the 5th fails the delivery.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A row left in "sending" this long (its worker died mid-batch) is due again.
STALE_CLAIM = timedelta(minutes=15)
SEND_BATCH = 200
# Outcomes are written every this many sends, not once a batch: the rows a killed worker had
# already sent but not yet recorded go out a second time after STALE_CLAIM, so this bounds how
# many people get a mail twice after a crash (the whole batch of 200 before).
RECORD_EVERY = 20


@dataclass(frozen=True)
class Mail:
    """One message to one address; ``ref_id`` names what it is about (see ``Delivery``)."""

    to: str
    subject: str
    body: str
    ref_id: int | None = None
    reply_to: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def queue_mail(
    *,
    district: District | int,
    to: Sequence[str],
    subject: str,
    body: str,
    kind: str,
    ref_type: str,
    ref_id: int | None,
    by: User | None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one message for each address of ``to``; returns how many deliveries were queued."""
    return queue_mails(
        district=district,
        mails=[Mail(to=address, subject=subject, body=body, ref_id=ref_id) for address in to],
        kind=kind,
        ref_type=ref_type,
        by=by,
        not_before=not_before,
        now=now,
    )


@transaction.atomic
def queue_mails(
    *,
    district: District | int,
    mails: Iterable[Mail],
    kind: str,
    ref_type: str,
    by: User | None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Queue many messages of one kind (one audit event); none is sent before ``not_before``
    (quiet hours). Messages without an address, or already queued for their ref, are skipped."""
    now = now or timezone.now()
    district_id = district if isinstance(district, int) else district.pk
    queued = 0
    for chunk in iter_chunks([m for m in mails if m.to], 2000):
        refs = [m.ref_id for m in chunk if m.ref_id is not None]
        have = {
            pair
            for part in in_list_chunks(refs)
            for pair in Delivery.objects.filter(ref_type=ref_type, ref_id__in=part).values_list(
                "ref_id", "to"
            )
        }
        fresh = [
            Delivery(
                district_id=district_id,
                to=m.to,
                subject=m.subject[:200],
                body=m.body,
                kind=kind,
                ref_type=ref_type,
                ref_id=m.ref_id,
                reply_to=m.reply_to,
                headers=m.headers,
                next_attempt_at=max(now, not_before) if not_before else now,
                created_at=now,
                created_by=by,
            )
            for m in chunk
            if (m.ref_id, m.to) not in have
        ]
        Delivery.objects.bulk_create(fresh, ignore_conflicts=True)
        queued += len(fresh)
    if queued:
        record_event(
            district=district_id,
            actor=by,
            action=Action.MAIL_QUEUED,
            target=(ref_type, 0),
            after={
                "kind": kind,
                "queued": queued,
                "not_before": not_before.isoformat() if not_before else None,
            },
        )
        enqueue_sending()
    return queued


def enqueue_sending() -> None:
    """Send what is due once the current transaction commits (the task loads nothing else)."""
    from chalkline.outbox.tasks import send_mail_task

    transaction.on_commit(lambda: send_mail_task.enqueue(), robust=True)


@transaction.atomic
def retry_failed_mail(
    *, deliveries: QuerySet[Delivery], by: User, district: District, now: datetime | None = None
) -> int:
    """Queue the failed deliveries of ``deliveries`` again, with a fresh round of retries."""
    now = now or timezone.now()
    retried = deliveries.filter(district=district, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.QUEUED, tries=0, next_attempt_at=now, claimed_by=""
    )
    if retried:
        record_event(
            district=district,
            actor=by,
            action=Action.MAIL_RETRY_REQUESTED,
            after={"retried": retried},
        )
        enqueue_sending()
    return retried


@dataclass(frozen=True)
class SendResult:
    sent: int
    retrying: int
    failed: int


def _due(now: datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        Q(status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING], next_attempt_at__lte=now)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    )


def send_due(*, now: datetime | None = None, limit: int = 50_000) -> SendResult:
    """Send every delivery that is due. Outside a transaction on purpose: SMTP is slow, and each
    claim and each outcome commits on its own."""
    now = now or timezone.now()
    token = secrets.token_hex(8)
    sent = retrying = failed = 0
    while sent + retrying + failed < limit:
        ids = list(
            _due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SEND_BATCH]
        )
        if not ids:
            break
        claimed = (
            _due(now)
            .filter(pk__in=ids)
            .update(status=Delivery.Status.SENDING, claimed_by=token, claimed_at=now)
        )
        if not claimed:
            continue  # another worker took this batch; look again
        batch = list(
            Delivery.objects.filter(pk__in=ids, claimed_by=token, status=Delivery.Status.SENDING)
        )
        s, r, f = _send_batch(batch, token=token, now=now)
        sent, retrying, failed = sent + s, retrying + r, failed + f
    return SendResult(sent=sent, retrying=retrying, failed=failed)


def _message(delivery: Delivery) -> EmailMessage:
    """The e-mail of a delivery. With a reply domain set, its envelope sender is the signed
    VERP address ``bounce+<delivery>.<sig>@domain`` (the From header stays the district's), so
    a bounce names the delivery it is about (``record_bounce``)."""
    headers = {**delivery.headers, "X-Chalkline-Delivery": str(delivery.pk)}
    envelope = signed_address("bounce", delivery.pk)
    if envelope:
        headers["From"] = settings.DEFAULT_FROM_EMAIL
    return EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=envelope or settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to],
        reply_to=[delivery.reply_to] if delivery.reply_to else None,
        headers=headers,
    )


def record_bounce(*, delivery_id: int, reason: str, now: datetime | None = None) -> Delivery | None:
    """A delivery the receiving side sent back (a DSN or a VERP bounce): failed for good, with
    the reason, and ``bounced_at`` set. Returns it, or None when there is no such delivery or
    it was already recorded as bounced (a second DSN for the same delivery changes nothing).
    Not audited here: the caller audits the business event the bounce is about."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.bounced_at is not None:
            return None
        delivery.status = Delivery.Status.FAILED
        delivery.bounced_at = now
        delivery.last_error = f"bounced: {reason}".strip()[:300]
        delivery.claimed_by = ""
        delivery.save(update_fields=["status", "bounced_at", "last_error", "claimed_by"])
    logger.info("mail delivery %s bounced", delivery.pk)
    return delivery


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _smtp_answer(exc: Exception) -> tuple[int | None, str]:
    """The SMTP code and text of a failure; no code for a connection problem."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (None, b""))
        return code, _text(text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code, _text(exc.smtp_error)
    return None, f"could not reach the mail server ({type(exc).__name__})"


Outcome = tuple[Delivery, int | None, str | None]


def _send_over_one_connection(deliveries: list[Delivery]) -> Generator[Outcome]:
    """Send these deliveries over one SMTP connection (reopened after a dropped connection),
    yielding ``(delivery, code, reason)`` as each is answered, reason None when it was sent. No
    database work here: this runs in a sending thread."""
    connection = mailers.default
    opened = False
    try:
        for delivery in deliveries:
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([_message(delivery)])
            except (smtplib.SMTPException, OSError) as exc:
                code, reason = _smtp_answer(exc)
                if code is None or code == 421:  # the connection is gone: reopen for the next
                    connection.close()
                    opened = False
                yield delivery, code, reason
            else:
                yield delivery, None, None
    finally:
        if opened:
            connection.close()


def _lane(
    deliveries: list[Delivery],
    outcomes: queue.SimpleQueue[Outcome | None],
    stop: threading.Event,
) -> None:
    """A sending thread: each outcome to ``outcomes`` as it comes, then None (also after an
    unexpected error, which the pool's future then carries). It sends nothing more once ``stop``
    is set: the outcomes can no longer be recorded, and each unrecorded e-mail goes twice."""
    try:
        for outcome in _send_over_one_connection(deliveries):
            outcomes.put(outcome)
            if stop.is_set():
                break
    finally:
        outcomes.put(None)


def _send_batch(batch: list[Delivery], *, token: str, now: datetime) -> tuple[int, int, int]:
    """Send a claimed batch over up to ``OUTBOX_SMTP_CONNECTIONS`` connections at once (the
    time goes into waiting for the mail server's answers). This thread records the outcomes
    every ``RECORD_EVERY`` answers, while the sending threads go on."""
    lanes = max(1, min(int(getattr(settings, "OUTBOX_SMTP_CONNECTIONS", 1)), len(batch)))
    totals = [0, 0, 0]
    pending: list[Outcome] = []
    stop = threading.Event()

    def take(outcome: Outcome) -> None:
        pending.append(outcome)
        if len(pending) >= RECORD_EVERY:
            flush()

    def flush() -> None:
        try:
            recorded = _record(pending, token=token, now=now)
        except BaseException:
            stop.set()  # the database is gone (or a bug): the sending threads stop at once
            raise
        for i, n in enumerate(recorded):
            totals[i] += n
        pending.clear()

    try:
        if lanes == 1:
            with closing(_send_over_one_connection(batch)) as answers:  # closed even mid-way
                for outcome in answers:
                    take(outcome)
        else:
            outcomes: queue.SimpleQueue[Outcome | None] = queue.SimpleQueue()
            with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="outbox-smtp") as pool:
                futures = [
                    pool.submit(_lane, batch[i::lanes], outcomes, stop) for i in range(lanes)
                ]
                running = lanes
                while running:
                    item = outcomes.get()
                    if item is None:
                        running -= 1
                    else:
                        take(item)
                for future in futures:
                    future.result()  # a sending thread's unexpected error, raised here
    finally:
        if not stop.is_set():
            flush()  # the last answers, recorded also when something failed on the way
    return totals[0], totals[1], totals[2]


def _record(outcomes: list[Outcome], *, token: str, now: datetime) -> tuple[int, int, int]:
    """Record answered deliveries: the sent ones in one UPDATE, each failure on its own."""
    sent_ids: list[int] = []
    retrying = failed = 0
    for delivery, code, reason in outcomes:
        if reason is None:
            sent_ids.append(delivery.pk)
        elif _record_failure(delivery, code=code, reason=reason, token=token, now=now):
            retrying += 1
        else:
            failed += 1
    if sent_ids:
        Delivery.objects.filter(pk__in=sent_ids, claimed_by=token).update(
            status=Delivery.Status.SENT,
            sent_at=now,
            last_attempt_at=now,
            claimed_by="",
            last_error="",
            attempts=F("attempts") + 1,
            tries=F("tries") + 1,
        )
    return len(sent_ids), retrying, failed


def _record_failure(
    delivery: Delivery, *, code: int | None, reason: str, token: str, now: datetime
) -> bool:
    """Record a failed attempt; True when the delivery will be tried again."""
    delivery.attempts += 1
    delivery.tries += 1
    permanent = code is not None and 500 <= code < 600
    again = not permanent and delivery.tries <= len(BACKOFF)
    delivery.status = Delivery.Status.RETRYING if again else Delivery.Status.FAILED
    if again:
        delivery.next_attempt_at = now + BACKOFF[delivery.tries - 1]
    delivery.last_attempt_at = now
    delivery.last_error = (f"{code} {reason}" if code else reason).strip()[:300]
    delivery.claimed_by = ""
    Delivery.objects.filter(pk=delivery.pk, claimed_by=token).update(
        status=delivery.status,
        attempts=delivery.attempts,
        tries=delivery.tries,
        next_attempt_at=delivery.next_attempt_at,
        last_attempt_at=now,
        last_error=delivery.last_error,
        claimed_by="",
    )
    logger.warning(
        "mail delivery %s: attempt %s failed (SMTP %s), %s",
        delivery.pk,
        delivery.attempts,
        code or "no answer",
        "will retry" if again else "gave up",
    )
    return again
