"""Referral from the messaging review queue becomes a case (issue 18, point 8; issue 19,
points 1 and 4).

The reviewer's "referral" outcome opens a case (``cases.services.open_referral``) about the
message's sender, cites the message on it by reference with its SHA-256
(``CaseMessageCitation``), and records the outcome on the review item with the case's id, in one
transaction: when the item was already reviewed, nothing is stored.

The case page shows each cited message (its text, sender, conversation and recipients) and
recomputes its SHA-256 from the archive every time it opens: "hash verified" when the archived
text, the hash stored with the message and the hash cited all agree, "MISMATCH" otherwise.
"""

from __future__ import annotations

from django.db import transaction

from chalkline.cases import services as cases
from chalkline.cases.citations import Citation, register_citation_reader
from chalkline.cases.models import Case
from chalkline.messaging.models import Message, Recipient, ReviewItem
from chalkline.messaging.referrals import set_referral_handler
from chalkline.messaging.services import body_digest, record_review_outcome
from chalkline.people.models import Building, Person, User
from chalkline.workflows.models import CaseMessageCitation


def _name(user: User) -> str:
    return user.person.display_name if user.person else user.get_username()


@transaction.atomic
def refer_to_case(*, item: ReviewItem, by: User, note: str) -> Case:
    """Open a case carrying the message, cite it, and close the review item as a referral."""
    message = Message.objects.select_related("thread", "sender__person").get(pk=item.message_id)
    sender = message.sender
    subject = sender.person if sender.person and sender.person.kind == Person.Kind.STAFF else None
    building = (
        Building.objects.filter(pk=item.building_id, district_id=item.district_id).first()
        if item.building_id
        else None
    )
    lines = [
        "Referral from the messaging review queue carrying the message "
        f"#{message.pk} ({item.get_kind_display().lower()}).",
    ]
    if item.reason:
        lines.append(f"Reason given: {item.reason}")
    if note.strip():
        lines.append(f"Reviewer's note: {note.strip()}")
    lines.append(f"The message is cited by reference with its SHA-256 {message.sha256}.")
    case = cases.open_referral(
        district=message.thread.district,
        by=by,
        description="\n".join(lines),
        subject=subject,
        building=building,
        happened_on=message.sent_at.date(),
    )
    CaseMessageCitation.objects.create(
        case=case, message=message, sha256=message.sha256, review_item_id=item.pk, cited_by=by
    )
    record_review_outcome(
        item=item, by=by, outcome=ReviewItem.Outcome.REFERRAL, note=note, case_id=case.pk
    )
    return case


def _refer(item: ReviewItem, by: User, note: str) -> int:
    return refer_to_case(item=item, by=by, note=note).pk


def _recipient_name(r: Recipient) -> str:
    if r.person is not None:
        return r.person.display_name
    if r.user is not None:
        return r.user.get_username()
    return "(unknown)"


def cited_messages(case: Case) -> list[Citation]:
    """Each message the case cites, re-read from the archive and re-hashed now."""
    out: list[Citation] = []
    rows = (
        CaseMessageCitation.objects.filter(case=case)
        .select_related("message__thread", "message__sender__person")
        .order_by("pk")
    )
    for row in rows:
        m = row.message
        current = body_digest(m.body)
        notes = []
        if current != m.sha256:
            notes.append("The archived text does not match the hash stored with the message.")
        recipients = Recipient.objects.filter(message=m).select_related("person", "user")
        out.append(
            Citation(
                kind="message",
                label=f"Message #{m.pk}",
                sender=_name(m.sender),
                sent_at=f"{m.sent_at:%b %d, %Y %H:%M} UTC",
                recipients=[_recipient_name(r) for r in recipients.order_by("pk")],
                body=m.body,
                cited_sha256=row.sha256,
                current_sha256=current if current == m.sha256 else f"{current} (stored {m.sha256})",
                thread=f"{m.thread.subject} (to {m.thread.audience_label})",
                notes=notes,
            )
        )
    return out


def register() -> None:
    set_referral_handler(_refer)
    register_citation_reader(cited_messages)
