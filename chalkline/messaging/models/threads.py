"""The messaging hub's records: threads, messages (append-only), retractions (append-only),
recipients with their delivery status, blocked attempts (append-only, never the text) and the
district's screening rules."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from chalkline.people.models import District, Person, User

MAX_MESSAGE_CHARS = 10_000
MAX_SUBJECT_CHARS = 200


class MessageImmutable(AppendOnlyError):
    """A sent message, a retraction or a blocked attempt cannot be changed or deleted."""


class AudienceKind(models.TextChoices):
    FAMILY = "family", "One family (a student's guardians)"
    CLASS_FAMILIES = "class_families", "A class's families"
    CLASS_STUDENTS = "class_students", "A class's students"
    BUILDING_FAMILIES = "building_families", "A building's families"
    BUILDING_STAFF = "building_staff", "A building's staff"
    DISTRICT = "district", "The whole district"
    DIRECT = "direct", "One staff member"
    STAFF_GROUP = "staff_group", "A staff group"


#: Audiences that reach many people: a reply to one of them goes privately to its sender. A staff
#: group is not one of them: it is a working team, and a reply goes to the whole group (as it is
#: now) and the thread's starter.
WIDE_KINDS: frozenset[str] = frozenset(
    {
        AudienceKind.CLASS_FAMILIES,
        AudienceKind.CLASS_STUDENTS,
        AudienceKind.BUILDING_FAMILIES,
        AudienceKind.BUILDING_STAFF,
        AudienceKind.DISTRICT,
    }
)


class Thread(models.Model):
    """A conversation with one audience. ``audience_key`` names it in the directory: the
    student's id (family), the class's id, the building's id, the staff member's account id
    (direct), empty for the district. A private reply to a wide thread is a direct thread whose
    ``parent`` is the wide one."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    audience_kind = models.CharField(max_length=20, choices=AudienceKind.choices)
    audience_key = models.CharField(max_length=40, blank=True)
    audience_label = models.CharField(max_length=300)
    subject = models.CharField(max_length=MAX_SUBJECT_CHARS)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="private_replies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "started_by"],
                condition=Q(parent__isnull=False),
                name="messaging_one_private_reply_thread",
            ),
        ]
        indexes = [
            # the inbox of someone who started many threads (archive18): their threads newest
            # first straight from the index (backwards), not all of them sorted for each page
            models.Index(
                fields=["started_by", "last_message_at"], name="messaging_thread_starter_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class MessageQuerySet(AppendOnlyQuerySet["Message"]):
    error = MessageImmutable
    noun = "Messages"


class Message(AppendOnlyModel):
    """A sent message. Never edited: a correction is a new message; a retraction hides it from
    recipients (``Retraction``) while the archive keeps it. Its SHA-256 is in the audit chain."""

    append_only_error = MessageImmutable

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=64)
    # What screening found and what the sender did about it (detector names, the reason of an
    # override); never more of the text than the body itself.
    findings = models.JSONField(default=dict, blank=True)
    override_reason = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"], name="messaging_message_sent_once"
            ),
        ]
        indexes = [
            # the archive (m18e): newest first, and one sender's messages by date; also the
            # retention sweep's "sent before" (the BRIN index of 0005 was dropped in 0014)
            models.Index(fields=["sent_at"], name="messaging_message_sent_idx"),
            models.Index(fields=["sender", "sent_at"], name="messaging_message_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk}"


class RetractionQuerySet(AppendOnlyQuerySet["Retraction"]):
    error = MessageImmutable
    noun = "Retractions"


class Retraction(AppendOnlyModel):
    append_only_error = MessageImmutable

    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="retraction")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = RetractionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"retraction of {self.message_id}"


class Recipient(models.Model):
    """One person (or account) a message went to, with its in-app delivery status: ``queued``
    until the person has a way to read it (an account; email comes later), ``sent`` once in
    their inbox, ``read`` when they opened the thread. ``copy_of_student`` marks a guardian who
    sees a staff-student message because of the district's setting."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        READ = "read", "Read"
        # quiet hours (models/review.py): stored and archived, not delivered until held_until
        HELD = "held", "Held for quiet hours"
        # e-mail (services/email_delivery.py): the district's mail server returned it
        BOUNCED = "bounced", "Bounced"

    #: the statuses of a delivery its recipient can see (everything but HELD)
    DELIVERED: tuple[str, ...] = ("queued", "sent", "read", "bounced")

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="recipients")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    copy_of_student = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    read_at = models.DateTimeField(null=True, blank=True)
    #: set on a delivery held for quiet hours: when ``release-held-messages`` delivers it
    held_until = models.DateTimeField(null=True, blank=True)
    # When the message was handed to the outbox for this person (at once, or in a digest).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(user__isnull=False),
                name="messaging_recipient_is_someone",
            ),
            models.UniqueConstraint(
                fields=["message", "person"],
                condition=Q(person__isnull=False),
                name="messaging_recipient_person_once",
            ),
            models.UniqueConstraint(
                fields=["message", "user"],
                condition=Q(user__isnull=False),
                name="messaging_recipient_user_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["held_until"],
                condition=Q(status="held"),
                name="messaging_recipient_held_idx",
            ),
            models.Index(fields=["user", "status"], name="messaging_recipient_user_idx"),
            models.Index(fields=["person", "status"], name="messaging_recipient_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.person_id or self.user_id}"


class BlockedAttemptQuerySet(AppendOnlyQuerySet["BlockedAttempt"]):
    error = MessageImmutable
    noun = "Blocked attempts"


class BlockedAttempt(AppendOnlyModel):
    """A send that screening blocked: who, when, which detectors, the audience. Its text only
    when the district keeps blocked texts (``MessagingSettings.keep_blocked_text``; off by
    default): a blocked draft was never sent, and most districts keep no copy of it."""

    append_only_error = MessageImmutable

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detectors = models.JSONField(default=list)
    audience_kind = models.CharField(max_length=20, choices=AudienceKind.choices)
    audience_key = models.CharField(max_length=40, blank=True)
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: the blocked text, kept only when the district turned that on (empty otherwise)
    body = models.TextField(blank=True, default="")

    objects = BlockedAttemptQuerySet.as_manager()

    def __str__(self) -> str:
        return f"blocked attempt {self.pk}"


class ScreeningRule(models.TextChoices):
    BLOCK = "block", "Block the message"
    CONFIRM = "confirm", "Ask the sender to confirm with a reason"
    NOTE = "note", "Show a note only"


#: What a finding of each detector does unless the district chose otherwise. abuse_disclosure
#: is not here: it never blocks, it only prompts with the hotline (see ``rules.py``).
DEFAULT_RULES: dict[str, str] = {
    "student_name": ScreeningRule.BLOCK,
    "student_identifier": ScreeningRule.BLOCK,
    "student_record": ScreeningRule.BLOCK,
    "credential_request": ScreeningRule.CONFIRM,
    "personal_channel": ScreeningRule.CONFIRM,
    "secrecy": ScreeningRule.CONFIRM,
    "harassment": ScreeningRule.CONFIRM,
    "photo_face": ScreeningRule.CONFIRM,
    "district_logo": ScreeningRule.CONFIRM,
}


class MessagingSettings(models.Model):
    """The district's messaging choices. Absent means every default."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="+")
    #: detector -> ScreeningRule value; detectors not named keep DEFAULT_RULES
    rules = models.JSONField(default=dict, blank=True)
    students_may_start = models.BooleanField(default=False)
    #: staff-student threads are copied to guardians of students up to this grade (None: never)
    guardians_see_student_threads_through_grade = models.PositiveSmallIntegerField(
        null=True, blank=True, default=8
    )
    #: students are reached directly (a class's students) only in these grades (0: kindergarten);
    #: a student whose grade the roster does not give is not reached directly; adult students
    #: are, when the district reaches them as adults (families.adult_students)
    students_reachable_from_grade = models.PositiveSmallIntegerField(default=6)
    students_reachable_through_grade = models.PositiveSmallIntegerField(default=12)
    #: keep the text of a send that screening blocked (off: who, when, detectors, audience only)
    keep_blocked_text = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"messaging settings of {self.district_id}"

    def rule_for(self, detector: str) -> str:
        value: Any = self.rules.get(detector) or DEFAULT_RULES.get(detector, ScreeningRule.CONFIRM)
        return str(value)
