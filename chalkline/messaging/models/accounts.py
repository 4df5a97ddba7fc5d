"""Family and student accounts: invitations from the roster's addresses, one-time sign-in links,
each person's language and contact preferences, contact restrictions (court orders, no-contact
orders) and the district's choices about who is invited and how adult students are reached."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from chalkline.people.models import District, Person, User

#: Students are invited from this grade up unless the district chose otherwise (grades 6-12:
#: the same default as the grades in which students can be reached directly).
DEFAULT_STUDENTS_FROM_GRADE = 6
ADULT_AGE = 18


class FamilyAccountSettings(models.Model):
    """The district's choices for family and student accounts. Absent means every default."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="+")
    #: students in this grade and above may be invited; None: students are never invited
    students_invited_from_grade = models.PositiveSmallIntegerField(
        null=True, blank=True, default=DEFAULT_STUDENTS_FROM_GRADE
    )
    #: a student aged 18 or more is reached as an adult: directly, and without guardian copies
    adult_students_reached_as_adults = models.BooleanField(default=False)
    #: how long an invitation link works
    invitation_days = models.PositiveSmallIntegerField(default=14)

    def __str__(self) -> str:
        return f"family account settings of {self.district_id}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def live(self, now: object) -> InvitationQuerySet:
        """Invitations whose link still works: not claimed, not replaced, not expired."""
        return self.filter(claimed_at__isnull=True, superseded_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """One invitation mail to one roster person at the address the roster held when it was sent.
    Sending again makes a new row and replaces the old one (its link stops working)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    #: a random value in the link: the signed token names the row and this nonce
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the form submission that sent it: a double submit sends nothing more
    batch_key = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["person", "claimed_at"], name="msg_invitation_person_idx"),
            models.Index(fields=["created_by", "batch_key"], name="msg_invitation_batch_idx"),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class SignInLink(models.Model):
    """A one-time sign-in link mailed to an account's roster address; used once, expires soon."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link {self.pk}"


class ContactPreference(models.Model):
    """How a guardian or student wants to hear from the hub; one row per person. The delivery
    part reads ``channel``, ``cadence`` and ``language`` (see docs/messaging.md: the contract)."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In the app only"
        EMAIL = "email", "By e-mail as well"

    class Cadence(models.TextChoices):
        IMMEDIATE = "immediate", "As each message arrives"
        DIGEST = "digest", "Once a day, in a daily digest"

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.IMMEDIATE)
    #: a BCP 47 tag from settings.LANGUAGES ("en", "es", ...); empty: the district's language
    language = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["in_app", "email"]), name="msg_contact_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=["immediate", "digest"]), name="msg_contact_cadence_known"
            ),
        ]

    def __str__(self) -> str:
        return f"contact preference of {self.person_id}"


class ContactRestrictionQuerySet(models.QuerySet["ContactRestriction"]):
    def in_force(self, today: date) -> ContactRestrictionQuerySet:
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            ended_at__isnull=True,
            starts_on__lte=today,
        )


class ContactRestriction(models.Model):
    """Guardian ``guardian`` receives nothing about student ``student`` (a court order or a
    no-contact order), from ``starts_on`` to ``ends_on`` (open-ended when empty) or until ended.
    Confidential: only those who manage contact restrictions see these rows."""

    class Kind(models.TextChoices):
        COURT_ORDER = "court_order", "Court order"
        NO_CONTACT = "no_contact", "No-contact order"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reference = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ContactRestrictionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["student", "guardian"], name="msg_restriction_pair_idx"),
            models.Index(fields=["guardian"], name="msg_restriction_guardian_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="msg_restriction_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"contact restriction {self.pk}"
