"""Every change of the reviews app: one function per business event, each one transaction with
its audit event."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.outbox.services import Mail, queue_mails
from chalkline.people.models import District, Membership, User
from chalkline.people.roles import Role
from chalkline.policies import services as policy_services
from chalkline.policies.models import Policy, PolicyVersion, VersionStatus
from chalkline.policies.parsing import ParsedPolicy
from chalkline.reviews.drafting import join_sections
from chalkline.reviews.models import (
    DEFAULT_CYCLE_MONTHS,
    BoardItem,
    BoardPacket,
    Comment,
    ModelUpdate,
    Participant,
    Review,
    ReviewReminder,
    ReviewSchedule,
)
from chalkline.reviews.schedule import add_months
from chalkline.reviews.wordfile import WordFileError, docx_to_text


class ReviewError(Exception):
    """The change is refused; ``str(exc)`` is a message for the user."""


class ClauseIdsLost(ReviewError):
    """The new text would drop clause ids that the draft has: ask before saving."""

    def __init__(self, lost: list[str]) -> None:
        self.lost = lost
        super().__init__(
            f"This text would remove {len(lost)} clause{'s' if len(lost) != 1 else ''} "
            "(findings, signatures and comments cite clause ids): " + ", ".join(lost)
        )


class DraftConflict(ReviewError):
    """Someone saved the draft after this editor opened it: they must merge, not overwrite."""

    def __init__(self, revision: int) -> None:
        self.revision = revision
        super().__init__(
            f"Someone else saved this draft (now revision {revision}) after you opened it. "
            "Nothing of yours was saved: merge your changes into the current text below and "
            "save again."
        )


def _email_of(user: User | None) -> str:
    if user is None:
        return ""
    if user.email:
        return user.email
    person = getattr(user, "person", None)
    return (getattr(person, "email", "") or "") if person is not None else ""


# --- the review schedule ----------------------------------------------------------------------


@transaction.atomic
def set_review_schedule(
    *, policy: Policy, cycle_months: int, next_review_on: date, owner: User | None, by: User | None
) -> ReviewSchedule:
    """Set a policy's review cycle, next-review date and owner (created on first use)."""
    if not 1 <= cycle_months <= 120:
        raise ReviewError("The review cycle must be between 1 and 120 months.")
    schedule = ReviewSchedule.objects.select_for_update().filter(policy=policy).first()
    before = (
        {
            "cycle_months": schedule.cycle_months,
            "next_review_on": schedule.next_review_on.isoformat(),
            "owner": schedule.owner_id,
        }
        if schedule
        else None
    )
    if schedule is None:
        schedule = ReviewSchedule.objects.create(
            policy=policy,
            district_id=policy.district_id,
            cycle_months=cycle_months,
            next_review_on=next_review_on,
            owner=owner,
        )
    else:
        schedule.cycle_months = cycle_months
        schedule.next_review_on = next_review_on
        schedule.owner = owner
        schedule.save(update_fields=["cycle_months", "next_review_on", "owner", "updated_at"])
    record_event(
        district=policy.district_id,
        actor=by,
        action=Action.REVIEW_SCHEDULE_SET,
        target=schedule,
        before=before,
        after={
            "policy": policy.number,
            "cycle_months": cycle_months,
            "next_review_on": next_review_on.isoformat(),
            "owner": owner.pk if owner else None,
        },
    )
    return schedule


@transaction.atomic
def send_review_reminders(
    *, district: District, by: User | None, days_before: int = 60, now: datetime | None = None
) -> int:
    """Queue one e-mail (outbox) to the owner of every scheduled review due within
    ``days_before`` days, or overdue, that was not yet reminded of that date. Each schedule is
    claimed with a conditional UPDATE, so two runs at once, or a second run, send nothing more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=days_before)
    due = (
        ReviewSchedule.objects.filter(
            district=district, owner__isnull=False, next_review_on__lte=horizon
        )
        .select_related("policy", "owner__person")
        .order_by("next_review_on")
    )
    mails: list[Mail] = []
    for schedule in due:
        if schedule.reminded_for == schedule.next_review_on:
            continue
        claimed = (
            ReviewSchedule.objects.filter(pk=schedule.pk, next_review_on=schedule.next_review_on)
            .exclude(reminded_for=schedule.next_review_on)
            .update(reminded_for=schedule.next_review_on)
        )
        if not claimed:
            continue
        reminder = ReviewReminder.objects.create(
            schedule=schedule, due_on=schedule.next_review_on, sent_to=schedule.owner, sent_at=now
        )
        address = _email_of(schedule.owner)
        if not address:
            continue
        policy = schedule.policy
        when = schedule.next_review_on
        late = " (overdue)" if when < today else ""
        mails.append(
            Mail(
                to=address,
                subject=f"Policy {policy.number_raw} is due for review on {when:%B %-d, %Y}{late}",
                body=(
                    f"Policy {policy.number_raw}, {policy.title}, is due for its review on "
                    f"{when:%B %-d, %Y}{late}. Board Policy 5:125 asks the Superintendent to "
                    "review it periodically with employee representatives and the network "
                    "administrators. Open the review dashboard in Chalkline to start the review."
                ),
                ref_id=reminder.pk,
            )
        )
    if mails:
        queue_mails(
            district=district,
            mails=mails,
            kind="review_reminder",
            ref_type="reviews.reviewreminder",
            by=by,
            now=now,
        )
    record_event(
        district=district,
        actor=by,
        action=Action.REVIEW_REMINDERS_SENT,
        target=None,
        after={"count": len(mails), "days_before": days_before},
    )
    return len(mails)


# --- reviews ------------------------------------------------------------------------------------

_KIND_BY_ROLE = {
    Role.EMPLOYEE_REP: Participant.Kind.EMPLOYEE_REP,
    Role.NETWORK_ADMIN: Participant.Kind.NETWORK_ADMIN,
    Role.HR: Participant.Kind.HR,
}


def participant_kind(user: User, district: District | int) -> str:
    """What a participant takes part as, from their roles in the district."""
    roles = set(
        Membership.objects.filter(user=user, district=district, active=True).values_list(
            "role", flat=True
        )
    )
    for role, kind in _KIND_BY_ROLE.items():
        if role in roles:
            return kind
    return Participant.Kind.OTHER


def open_review(*, policy: Policy, participants: Sequence[User], by: User | None) -> Review:
    """Open a review of a published policy with its participants. The draft is the policy's
    open draft, or a new one holding the published text (parsed before the transaction)."""
    if Review.objects.filter(policy=policy, status__in=["open", "at_board"]).exists():
        raise ReviewError(f"Policy {policy.number_raw} already has a review under way.")
    base = policy.versions.filter(status=VersionStatus.PUBLISHED).first()
    if base is None:
        raise ReviewError("Only a published policy can be reviewed.")
    try:
        draft = policy_services.open_policy_draft(policy=policy, by=by)
    except (policy_services.PolicyImportError, policy_services.PolicyStateError) as exc:
        raise ReviewError(str(exc)) from exc
    return _store_review(policy=policy, base=base, draft=draft, participants=participants, by=by)


@transaction.atomic
def _store_review(
    *,
    policy: Policy,
    base: PolicyVersion,
    draft: PolicyVersion,
    participants: Sequence[User],
    by: User | None,
) -> Review:
    Policy.objects.select_for_update().get(pk=policy.pk)
    if Review.objects.filter(policy=policy, status__in=["open", "at_board"]).exists():
        raise ReviewError(f"Policy {policy.number_raw} already has a review under way.")
    now = timezone.now()
    review = Review.objects.create(
        district_id=policy.district_id,
        policy=policy,
        base=base,
        draft=draft,
        opened_by=by,
        opened_at=now,
    )
    rows = [
        Participant(
            review=review,
            user=user,
            kind=participant_kind(user, policy.district_id),
            added_at=now,
        )
        for user in dict.fromkeys(participants)
    ]
    Participant.objects.bulk_create(rows)
    record_event(
        district=policy.district_id,
        actor=by,
        action=Action.REVIEW_OPENED,
        target=review,
        after={
            "policy": policy.number,
            "base": review.base_id,
            "draft": review.draft_id,
            "participants": [[p.user.pk, p.kind] for p in rows],
        },
    )
    return review


def save_review_draft(
    *,
    review: Review,
    sections: Sequence[str],
    revision: int,
    confirm_lost: bool,
    by: User | None,
) -> Review:
    """Save the draft edited by sections. The text is parsed first (outside the transaction);
    a text that would drop clause ids raises ``ClauseIdsLost`` unless ``confirm_lost``; a save
    made from an older ``revision`` than the draft's raises ``DraftConflict``."""
    text = join_sections(list(sections))
    return _save_data(
        review=review,
        data=text.encode("utf-8"),
        filename=None,
        content_type=None,
        revision=revision,
        confirm_lost=confirm_lost,
        by=by,
    )


def import_review_draft(
    *,
    review: Review,
    data: bytes,
    filename: str,
    content_type: str | None,
    revision: int,
    confirm_lost: bool,
    by: User | None,
) -> Review:
    """Replace the draft with an uploaded file: a Word file (.docx, read by ``wordfile``), or
    text, HTML or PDF (read by the policy importer, in its sandbox). The same checks as
    ``save_review_draft``."""
    if filename.lower().endswith(".docx"):
        try:
            data = docx_to_text(data).encode("utf-8")
        except WordFileError as exc:
            raise ReviewError(str(exc)) from exc
        filename, content_type = filename[:-5] + ".txt", "text/plain"
    return _save_data(
        review=review,
        data=data,
        filename=filename,
        content_type=content_type,
        revision=revision,
        confirm_lost=confirm_lost,
        by=by,
    )


def _save_data(
    *,
    review: Review,
    data: bytes,
    filename: str | None,
    content_type: str | None,
    revision: int,
    confirm_lost: bool,
    by: User | None,
) -> Review:
    if not review.is_open:
        raise ReviewError("This review is closed; its draft no longer changes.")
    draft = review.draft
    try:
        parsed = policy_services.parse_for_import(
            data=data,
            filename=filename,
            content_type=content_type,
            number=review.policy.number_raw,
        )
    except policy_services.PolicyImportError as exc:
        raise ReviewError(str(exc)) from exc
    now_ids = list(draft.clauses.values_list("clause_id", flat=True))
    new_ids = set(policy_services.draft_clause_ids(version=draft, parsed=parsed))
    lost = [cid for cid in now_ids if cid not in new_ids]
    if lost and not confirm_lost:
        raise ClauseIdsLost(lost)
    return _store_draft(review=review, parsed=parsed, revision=revision, lost=lost, by=by)


@transaction.atomic
def _store_draft(
    *, review: Review, parsed: ParsedPolicy, revision: int, lost: list[str], by: User | None
) -> Review:
    claimed = Review.objects.filter(
        pk=review.pk, draft_revision=revision, status__in=["open", "at_board"]
    ).update(draft_revision=F("draft_revision") + 1)
    if not claimed:
        current = Review.objects.get(pk=review.pk)
        if not current.is_open:
            raise ReviewError("This review is closed; its draft no longer changes.")
        raise DraftConflict(current.draft_revision)
    try:
        policy_services.save_parsed_draft(version=review.draft, parsed=parsed, by=by)
    except (policy_services.PolicyImportError, policy_services.PolicyStateError) as exc:
        raise ReviewError(str(exc)) from exc
    review.refresh_from_db()
    record_event(
        district=review.district_id,
        actor=by,
        action=Action.REVIEW_DRAFT_SAVED,
        target=review,
        before={"revision": revision},
        after={
            "revision": review.draft_revision,
            "sha256": review.draft.sha256,
            "clause_ids_removed": lost,
        },
    )
    return review


@transaction.atomic
def add_comment(
    *,
    review: Review,
    by: User,
    body: str,
    clause_id: str = "",
    quote: str = "",
    proposed_text: str = "",
    parent: Comment | None = None,
) -> Comment:
    """A comment (or, with ``proposed_text``, a proposed wording) on a clause of the draft,
    optionally on a range of its text; or a reply to a comment (``parent``)."""
    if not review.is_open:
        raise ReviewError("This review is closed; it takes no more comments.")
    body = body.strip()
    if not body:
        raise ReviewError("Write the comment.")
    if parent is not None:
        if parent.review_id != review.pk:
            raise ReviewError("That comment belongs to another review.")
        root = parent.parent or parent
        kind, clause_id, quote, proposed_text = Comment.Kind.REPLY, root.clause_id, "", ""
        parent = root
    else:
        clause = review.draft.clauses.filter(clause_id=clause_id).first()
        if clause is None:
            raise ReviewError(f"The draft has no clause {clause_id!r}.")
        quote = quote.strip()
        if quote and quote not in clause.text:
            raise ReviewError(
                f"The quoted text is not in clause {clause_id}: quote it exactly, or leave it "
                "empty to comment on the whole clause."
            )
        proposed_text = proposed_text.strip()
        kind = Comment.Kind.PROPOSAL if proposed_text else Comment.Kind.COMMENT
    comment = Comment.objects.create(
        review=review,
        parent=parent,
        author=by,
        clause_id=clause_id,
        quote=quote,
        kind=kind,
        body=body,
        proposed_text=proposed_text,
        created_at=timezone.now(),
    )
    record_event(
        district=review.district_id,
        actor=by,
        action=Action.REVIEW_COMMENTED,
        target=comment,
        after={
            "review": review.pk,
            "clause_id": clause_id,
            "kind": kind,
            "parent": parent.pk if parent else None,
            "quote": quote[:200],
        },
    )
    return comment


@transaction.atomic
def resolve_comment(*, comment: Comment, resolution: str, reason: str, by: User) -> Comment:
    """Resolve a top-level comment: accepted, rejected (with a reason) or deferred."""
    comment = Comment.objects.select_for_update().select_related("review").get(pk=comment.pk)
    if comment.parent_id is not None:
        raise ReviewError("Replies are not resolved; resolve the comment they answer.")
    if resolution not in (
        Comment.Resolution.ACCEPTED,
        Comment.Resolution.REJECTED,
        Comment.Resolution.DEFERRED,
    ):
        raise ReviewError("Choose accepted, rejected or deferred.")
    reason = reason.strip()
    if resolution == Comment.Resolution.REJECTED and not reason:
        raise ReviewError("Give the reason for rejecting the comment.")
    before = {"resolution": comment.resolution, "reason": comment.reason}
    comment.resolution = resolution
    comment.reason = reason
    comment.resolved_by = by
    comment.resolved_at = timezone.now()
    comment.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])
    record_event(
        district=comment.review.district_id,
        actor=by,
        action=Action.REVIEW_COMMENT_RESOLVED,
        target=comment,
        before=before,
        after={"review": comment.review_id, "resolution": resolution, "reason": reason},
    )
    return comment


# --- the Board -----------------------------------------------------------------------------------


@transaction.atomic
def place_on_agenda(
    *, review: Review, public_first_reading: bool = False, by: User | None
) -> BoardItem:
    """Send a review's draft to the Board as an agenda item."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != Review.Status.OPEN:
        raise ReviewError("Only an open review goes to the Board.")
    if BoardItem.objects.filter(review=review).exists():
        raise ReviewError("This draft is already on the Board's agenda.")
    item = BoardItem.objects.create(
        review=review,
        district_id=review.district_id,
        placed_at=timezone.now(),
        placed_by=by,
        public_first_reading=public_first_reading,
    )
    review.status = Review.Status.AT_BOARD
    review.save(update_fields=["status"])
    record_event(
        district=review.district_id,
        actor=by,
        action=Action.BOARD_ITEM_PLACED,
        target=item,
        after={
            "review": review.pk,
            "draft": review.draft_id,
            "draft_sha256": review.draft.sha256,
            "public_first_reading": public_first_reading,
        },
    )
    return item


@transaction.atomic
def record_reading(*, item: BoardItem, reading: str, on: date, by: User | None) -> BoardItem:
    """Record the first reading held on ``on``, or that the Board waived the first reading at
    the meeting of ``on`` (adoption then follows at that meeting)."""
    item = BoardItem.objects.select_for_update().get(pk=item.pk)
    if item.status == BoardItem.Status.ADOPTED:
        raise ReviewError("The Board already adopted this draft.")
    if item.first_reading_on is not None or item.first_reading_waived:
        raise ReviewError("The first reading is already recorded.")
    before = {"status": item.status}
    if reading == "first":
        item.first_reading_on = on
    elif reading == "waived":
        item.first_reading_waived = True
    else:
        raise ReviewError("Choose the first reading or a waived first reading.")
    item.status = BoardItem.Status.FIRST_READING
    item.save(update_fields=["first_reading_on", "first_reading_waived", "status"])
    record_event(
        district=item.district_id,
        actor=by,
        action=Action.BOARD_READING_RECORDED,
        target=item,
        before=before,
        after={"reading": reading, "on": on.isoformat()},
    )
    return item


def check_adoption(*, item: BoardItem, adopted_on: date, motion: str, vote: str) -> None:
    """Raise ``ReviewError`` when the adoption cannot be recorded (asked before the
    confirm-first page, and again under the lock)."""
    if item.status == BoardItem.Status.ADOPTED:
        raise ReviewError("The Board already adopted this draft.")
    if item.first_reading_on is None and not item.first_reading_waived:
        raise ReviewError("Record the first reading (or that the Board waived it) first.")
    if item.first_reading_on is not None and adopted_on <= item.first_reading_on:
        raise ReviewError(
            f"The second reading must come after the first reading "
            f"({item.first_reading_on:%B %-d, %Y})."
        )
    if not motion.strip() or not vote.strip():
        raise ReviewError("Enter the motion and the vote as the minutes state them.")


@transaction.atomic
def record_adoption(
    *,
    item: BoardItem,
    adopted_on: date,
    motion: str,
    vote: str,
    minutes_url: str,
    material: bool,
    by: User | None,
) -> BoardItem:
    """Record the Board's adoption as the minutes state it (date, motion, vote, link to the
    minutes) at the second reading, or at the meeting that waived the first reading. The
    version itself is published by ``chalkline.workflows.adoption``, which calls this; the
    policy's next review moves one cycle after the adoption."""
    item = BoardItem.objects.select_for_update().select_related("review").get(pk=item.pk)
    check_adoption(item=item, adopted_on=adopted_on, motion=motion, vote=vote)
    motion, vote = motion.strip(), vote.strip()
    item.adopted_on = adopted_on
    item.second_reading_on = None if item.first_reading_waived else adopted_on
    item.motion = motion
    item.vote = vote[:200]
    item.minutes_url = minutes_url.strip()
    item.material = material
    item.status = BoardItem.Status.ADOPTED
    item.save(
        update_fields=[
            "adopted_on",
            "second_reading_on",
            "motion",
            "vote",
            "minutes_url",
            "material",
            "status",
        ]
    )
    review = item.review
    review.status = Review.Status.ADOPTED
    review.save(update_fields=["status"])
    schedule = ReviewSchedule.objects.select_for_update().filter(policy_id=review.policy_id).first()
    cycle = schedule.cycle_months if schedule else DEFAULT_CYCLE_MONTHS
    if schedule is not None:
        schedule.next_review_on = add_months(adopted_on, cycle)
        schedule.save(update_fields=["next_review_on", "updated_at"])
    record_event(
        district=item.district_id,
        actor=by,
        action=Action.BOARD_ADOPTION_RECORDED,
        target=item,
        after={
            "review": review.pk,
            "version": review.draft_id,
            "adopted_on": adopted_on.isoformat(),
            "second_reading_on": item.second_reading_on.isoformat()
            if item.second_reading_on
            else None,
            "first_reading_waived": item.first_reading_waived,
            "motion": motion,
            "vote": vote,
            "minutes_url": item.minutes_url,
            "material": material,
        },
    )
    return item


@transaction.atomic
def save_cover_memo(*, item: BoardItem, text: str, by: User | None) -> BoardItem:
    item = BoardItem.objects.select_for_update().get(pk=item.pk)
    before = {"chars": len(item.cover_memo)}
    item.cover_memo = text.replace("\r\n", "\n").strip()
    item.save(update_fields=["cover_memo"])
    record_event(
        district=item.district_id,
        actor=by,
        action=Action.BOARD_COVER_MEMO_EDITED,
        target=item,
        before=before,
        after={"chars": len(item.cover_memo)},
    )
    return item


@transaction.atomic
def make_board_packet(*, item: BoardItem, by: User | None) -> BoardPacket:
    """Make the Board packet PDF and keep it, its SHA-256 recorded in the audit chain. The packet
    prints the chain's head as it stood when the packet was made (before this event)."""
    import hashlib

    from chalkline.audit.selectors import current_head
    from chalkline.reviews.packet import packet_data, packet_pdf

    item = (
        BoardItem.objects.select_for_update()
        .select_related("review__policy__district", "review__base", "review__draft")
        .get(pk=item.pk)
    )
    now = timezone.now()
    head = current_head(item.district_id)
    data = packet_pdf(packet_data(item, head_seq=head.seq, head_hash=head.hash, made_at=now))
    digest = hashlib.sha256(data).hexdigest()
    packet = BoardPacket.objects.create(
        item=item,
        district_id=item.district_id,
        data=data,
        sha256=digest,
        pages=len(re.findall(rb"/Type\s*/Page\b(?!s)", data)),
        head_seq=head.seq,
        head_hash=head.hash,
        made_at=now,
        made_by=by,
    )
    record_event(
        district=item.district_id,
        actor=by,
        action=Action.BOARD_PACKET_MADE,
        target=packet,
        after={
            "item": item.pk,
            "sha256": digest,
            "bytes": len(data),
            "draft_sha256": item.review.draft.sha256,
            "printed_head": {"seq": head.seq, "hash": head.hash},
        },
    )
    return packet


# --- model-policy updates -------------------------------------------------------------------------


@transaction.atomic
def import_model_update(
    *, review: Review, label: str, old_model_text: str, new_model_text: str, by: User | None
) -> ModelUpdate:
    """Keep a newer model text (and the model text the district's version was based on) next to
    the review, for the three-way comparison."""
    if not review.is_open:
        raise ReviewError("This review is closed.")
    if not old_model_text.strip() or not new_model_text.strip():
        raise ReviewError(
            "Paste both model texts: the one your policy was based on, and the new one."
        )
    update = ModelUpdate.objects.create(
        review=review,
        district_id=review.district_id,
        label=label.strip()[:200] or "Model update",
        old_model_text=old_model_text.replace("\r\n", "\n"),
        new_model_text=new_model_text.replace("\r\n", "\n"),
        created_at=timezone.now(),
        created_by=by,
    )
    record_event(
        district=review.district_id,
        actor=by,
        action=Action.REVIEW_MODEL_IMPORTED,
        target=update,
        after={"review": review.pk, "label": update.label},
    )
    return update


def decide_model_change(
    *, update: ModelUpdate, index: int, take: bool, revision: int, by: User | None
) -> ModelUpdate:
    """Take model change ``index`` into the draft (saved like an edit: clause ids carried, a
    stale revision refused) or leave it out; either way the decision is kept and audited."""
    from chalkline.reviews.threeway import apply_change, compare

    review = Review.objects.select_related("draft", "policy").get(pk=update.review_id)
    changes = compare(
        update.old_model_text, update.new_model_text, review.draft.canonical_text
    ).model_changes
    if not 0 <= index < len(changes):
        raise ReviewError("No such model change.")
    if take:
        text = apply_change(
            update.old_model_text, update.new_model_text, review.draft.canonical_text, index
        )
        _save_data(
            review=review,
            data=text.encode("utf-8"),
            filename=None,
            content_type=None,
            revision=revision,
            confirm_lost=True,  # taking the model's change is the explicit choice to drop them
            by=by,
        )
    return _record_decision(
        update=update, index=index, take=take, conflict=changes[index].conflict, by=by
    )


@transaction.atomic
def _record_decision(
    *, update: ModelUpdate, index: int, take: bool, conflict: bool, by: User | None
) -> ModelUpdate:
    update = ModelUpdate.objects.select_for_update().get(pk=update.pk)
    decisions = dict(update.decisions)
    decisions[str(index)] = "taken" if take else "left"
    update.decisions = decisions
    update.save(update_fields=["decisions"])
    record_event(
        district=update.district_id,
        actor=by,
        action=Action.REVIEW_MODEL_CHANGE_DECIDED,
        target=update,
        after={"change": index, "decision": decisions[str(index)], "conflict": conflict},
    )
    return update
