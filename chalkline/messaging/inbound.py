"""What ``chalkline mail-in`` does with one e-mail: a reply threaded in, a bounce recorded, an
auto-reply ignored, anything else refused with an SMTP answer.

Decisions (docs/messaging.md, "E-mail"):

- A reply to ``reply+<recipient>.<sig>@domain`` whose signature matches becomes a reply in the
  thread by the person the message went to, screened like any incoming message (findings
  stored, nothing held: an e-mail cannot be coached before it is sent).
- A signature that does not match, an unknown address, or a recipient who is no longer active:
  refused with 550 at RCPT, so nothing is stored and the sending server tells its user. No
  quarantine: a forged or mangled address carries nothing we should keep.
- Auto-replies (``Auto-Submitted`` other than ``no``, ``X-Autoreply``, ``X-Autorespond``,
  ``Precedence: bulk/junk/list/auto_reply``, out-of-office subjects, a null sender) are
  accepted (250) and dropped, so a 2,000-family send cannot start a reply storm.
- Bounces: a DSN (``multipart/report; report-type=delivery-status`` with ``Action: failed``) or
  a bounce from a mailer daemon to a signed VERP address ``bounce+<delivery>.<sig>@domain``
  records the delivery as bounced. A DSN is matched by its VERP address, else by the
  ``X-Chalkline-Delivery`` header of the returned original.
- Malformed mail (no headers, no From, undecodable text) gets 550 5.6.0 and stores nothing;
  more than ``MAIL_IN_MAX_BYTES`` (10 MB) gets 552, more than 10,000 characters of reply text
  (after quoted history is cut) gets 552 5.3.4 naming the limit.
- Logs name the outcome and ids, never an address, a subject or a body.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser, HeaderParser
from email.utils import parseaddr
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.db import transaction

from chalkline.lib.signed_address import read_address
from chalkline.messaging.models import MAX_MESSAGE_CHARS, AudienceKind, Recipient
from chalkline.messaging.screen import engine_audience, screen_message
from chalkline.messaging.selectors import reply_addressees
from chalkline.messaging.services.email_delivery import (
    account_for,
    receive_email_reply,
    record_message_bounce,
    reply_key,
)
from chalkline.outbox.models import Delivery
from chalkline.screening import ScreeningInputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    code: int
    text: str

    @property
    def line(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300


ACCEPTED = Answer(250, "2.0.0 OK")
IGNORED = Answer(250, "2.0.0 OK (automatic reply: not threaded)")
NO_MAILBOX = Answer(550, "5.1.1 No such mailbox here")
BAD_SIGNATURE = Answer(550, "5.7.1 This reply address is not valid (its signature does not match)")
CLOSED = Answer(550, "5.1.1 This conversation no longer takes e-mail replies")
MALFORMED = Answer(550, "5.6.0 Malformed message: it could not be read as an e-mail")
EMPTY = Answer(550, "5.6.0 The reply has no text above the quoted message")


def check_recipient(address: str) -> Answer:
    """At RCPT TO: accept our signed addresses that still lead somewhere; refuse the rest."""
    found = read_address(address)
    if found is None:
        return NO_MAILBOX
    tag, ident, good = found
    if not good:
        logger.info("mail-in: refused an address with a bad signature (%s)", tag)
        return BAD_SIGNATURE
    if tag == "reply":
        live = Recipient.objects.filter(
            pk=ident, person__isnull=False, person__active=True
        ).exists()
        return ACCEPTED if live else CLOSED
    if tag == "bounce":
        return ACCEPTED if Delivery.objects.filter(pk=ident).exists() else NO_MAILBOX
    return NO_MAILBOX


def parse(raw: bytes) -> EmailMessage | None:
    """The e-mail, or None when it is not one (no headers, or no sender address)."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        if not msg.keys():
            return None
        sender = parseaddr(str(msg.get("From", "")))[1]
    except (ValueError, TypeError, IndexError, LookupError):
        return None
    if "@" not in sender or not isinstance(msg, EmailMessage):
        return None
    return msg


_OOO = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|"
    r"away from (my|the) (desk|office)|on vacation|abwesenheit|fuera de la oficina|"
    r"respuesta autom[aá]tica|absence|r[ée]ponse automatique",
    re.IGNORECASE,
)


def is_auto_reply(msg: Message, *, mail_from: str) -> bool:
    """RFC 3834 and the usual vendor headers, a null envelope sender, or an out-of-office
    subject: anything a machine wrote instead of a person."""
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or msg.get("X-Autoresponse"):
        return True
    if str(msg.get("Precedence", "")).strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if mail_from.strip("<> ") == "":
        return True
    return bool(_OOO.search(str(msg.get("Subject", ""))))


def is_dsn(msg: Message) -> bool:
    return (
        msg.get_content_type() == "multipart/report"
        and str(msg.get_param("report-type", "")).lower() == "delivery-status"
    )


def dsn_failure(msg: Message) -> str | None:
    """The status and diagnostic of a failed recipient in a DSN; None when it reports no
    failure (delayed, delivered, relayed)."""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload: Any = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks:
            if str(block.get("Action", "")).strip().lower() == "failed":
                status = str(block.get("Status", "")).strip()
                diagnostic = str(block.get("Diagnostic-Code", "")).strip()
                return f"{status} {diagnostic}".strip()[:250] or "failed"
    return None


def returned_delivery_id(msg: Message) -> int | None:
    """The ``X-Chalkline-Delivery`` header of the original a DSN sends back."""
    for part in msg.walk():
        kind = part.get_content_type()
        headers: Message | None = None
        if kind == "message/rfc822":
            payload: Any = part.get_payload()
            headers = payload[0] if isinstance(payload, list) and payload else None
        elif kind == "text/rfc822-headers":
            data: Any = part.get_payload(decode=True)
            text = data.decode("ascii", "replace") if isinstance(data, bytes) else ""
            headers = HeaderParser().parsestr(text)
        if headers is not None:
            value = str(headers.get("X-Chalkline-Delivery", "")).strip()
            if value.isdigit():
                return int(value)
    return None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "blockquote"):
            self._skip += 1
        if tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "blockquote") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def reply_text(msg: EmailMessage) -> str | None:
    """The reply's text: its text/plain part, else its HTML as text (quoted blockquotes left
    out). None when it has neither or it cannot be decoded."""
    try:
        body = msg.get_body(preferencelist=("plain", "html"))
        if body is None:
            return None
        content = body.get_content()
    except (LookupError, UnicodeError, KeyError, AttributeError):
        return None
    if not isinstance(content, str):
        return None
    if body.get_content_subtype() == "html":
        parser = _Text()
        parser.feed(content)
        content = "".join(parser.parts)
    return content.replace("\r\n", "\n")


_CUT = (
    re.compile(r"^On\b.{0,300}\bwrote:\s*$"),
    re.compile(r"^Le\b.{0,300}\ba écrit\s*:\s*$"),
    re.compile(r"^El\b.{0,300}\bescribió:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),
    re.compile(r"^_{20,}\s*$"),
    re.compile(r"^-- $"),  # a signature, or the footer of our own e-mail quoted back
)


def strip_quoted(text: str) -> str:
    """The new text of a reply: cut at the first "On ... wrote:", "Original Message", Outlook
    "From:/Sent:" block or signature line, and drop the quoted (">") lines at its end."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        joined = line + " " + (lines[i + 1] if i + 1 < len(lines) else "")
        if any(p.match(line) for p in _CUT) or (
            line.startswith("On ") and _CUT[0].match(joined.strip())
        ):
            lines = lines[:i]
            break
        if (
            line.startswith("From:")
            and i + 1 < len(lines)
            and lines[i + 1].startswith(("Sent:", "Date:"))
        ):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


def handle(raw: bytes, *, rcpt: str, mail_from: str) -> Answer:
    """One e-mail for one of our addresses; the SMTP answer for it."""
    limit = int(settings.MAIL_IN_MAX_BYTES)
    if len(raw) > limit:
        return Answer(552, f"5.3.4 Message too big: at most {limit // (1024 * 1024)} MB")
    found = read_address(rcpt)
    if found is None:
        return NO_MAILBOX
    tag, ident, good = found
    if not good:
        return BAD_SIGNATURE
    msg = parse(raw)
    if msg is None:
        logger.info("mail-in: refused a malformed message (%s bytes)", len(raw))
        return MALFORMED
    if is_dsn(msg):
        return _bounce(msg, ident if tag == "bounce" else returned_delivery_id(msg))
    if is_auto_reply(msg, mail_from=mail_from) and not (tag == "bounce" and _daemon(msg)):
        logger.info("mail-in: ignored an automatic reply (%s %s)", tag, ident)
        return IGNORED
    if tag == "bounce":
        if _daemon(msg):
            return _bounce(msg, ident, reason="bounced (no delivery report)")
        return IGNORED  # a person answering the envelope sender: nobody reads it
    if tag == "reply":
        return _reply(msg, raw, recipient_id=ident)
    return NO_MAILBOX


def _daemon(msg: Message) -> bool:
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    return sender.startswith(("mailer-daemon@", "postmaster@"))


def _bounce(msg: Message, delivery_id: int | None, reason: str | None = None) -> Answer:
    failure = reason or dsn_failure(msg)
    if failure is None or delivery_id is None:
        logger.info("mail-in: a delivery report with nothing to record")
        return ACCEPTED
    recorded = record_message_bounce(delivery_id=delivery_id, reason=failure)
    logger.info(
        "mail-in: delivery %s %s", delivery_id, "bounced" if recorded else "already bounced"
    )
    return ACCEPTED


def _reply(msg: EmailMessage, raw: bytes, *, recipient_id: int) -> Answer:
    text = reply_text(msg)
    if text is None:
        logger.info("mail-in: refused a reply without readable text (recipient %s)", recipient_id)
        return MALFORMED
    body = strip_quoted(text)
    if not body:
        return EMPTY
    if len(body) > MAX_MESSAGE_CHARS:
        return Answer(
            552,
            f"5.3.4 Reply too long: at most {MAX_MESSAGE_CHARS:,} characters "
            f"(this one has {len(body):,})",
        )
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_related("person", "message__thread__district")
            .filter(pk=recipient_id, person__isnull=False, person__active=True)
            .first()
        )
        if recipient is None or recipient.person is None:
            return CLOSED
        person = recipient.person
        thread = recipient.message.thread
        by = account_for(person)
        addressees = reply_addressees(thread, by)
        try:
            screened = screen_message(
                district=thread.district,
                by=by,
                text=body,
                audience=engine_audience(thread.district, AudienceKind.DIRECT, "", addressees),
            )
        except ScreeningInputError:
            return MALFORMED
        sender = parseaddr(str(msg.get("From", "")))[1].lower()
        message = receive_email_reply(
            recipient=recipient,
            body=body,
            idempotency_key=reply_key(str(msg.get("Message-ID", "")), raw),
            findings=screened.summary,
            from_matches=bool(person.email) and sender == person.email.lower(),
        )
    logger.info("mail-in: reply %s threaded into thread %s", message.pk, message.thread_id)
    return ACCEPTED
