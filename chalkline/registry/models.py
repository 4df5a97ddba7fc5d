"""The registry of District-approved accounts and applications (SOPPA, 105 ILCS 85/27), the
breaches of covered information, and the district's public privacy page text."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from chalkline.people.models import District, Person


class AppQuerySet(models.QuerySet["App"]):
    def in_district(self, district: District) -> AppQuerySet:
        return self.filter(district=district)

    def approved(self) -> AppQuerySet:
        return self.filter(status=App.Status.APPROVED)

    def posted(self) -> AppQuerySet:
        """What the public page lists: approved apps whose agreement is posted. An expired
        agreement stays here (shown "review due"); only retiring an app takes it off."""
        return self.approved().filter(posted_at__isnull=False)


class App(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        UNDER_REVIEW = "under_review", "Under review"
        CHANGES_REQUESTED = "changes_requested", "Changes asked for"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        RETIRED = "retired", "Retired"

    class Purpose(models.TextChoices):
        STAFF_STUDENT = "staff_student", "Staff–student"
        STAFF_FAMILY = "staff_family", "Staff–family"
        STAFF_ONLY = "staff_only", "Staff only"

    class Recommendation(models.TextChoices):
        NONE = "", "None yet"
        APPROVE = "approve", "Approve"
        REFUSE = "refuse", "Refuse"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="apps")
    name = models.CharField(max_length=200)
    operator = models.CharField(max_length=200)
    operator_address = models.CharField(max_length=400, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    data_elements = models.TextField(blank=True, help_text="One data element a line.")
    domains = models.CharField(
        max_length=500, blank=True, help_text="Internet domains, comma-separated."
    )
    subcontractors = models.TextField(blank=True, help_text="One subcontractor a line.")
    subcontractors_url = models.URLField(blank=True)
    reason = models.TextField(blank=True, help_text="Why staff asked for it.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The network administrator's review against the checklist.
    check_data_elements = models.BooleanField(default=False)
    check_age_limits = models.BooleanField(default=False)
    check_accessibility = models.BooleanField(default=False)
    check_security = models.BooleanField(default=False)
    recommendation = models.CharField(
        max_length=10, choices=Recommendation.choices, blank=True, default=""
    )
    review_notes = models.TextField(blank=True)
    decision_notes = models.TextField(blank=True)
    # The agreement, signed by the official the district authorizes.
    agreement = models.FileField(upload_to="registry/agreements/", blank=True)
    redacted_agreement = models.FileField(upload_to="registry/agreements/", blank=True)
    signed_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    objects = AppQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "district",
                Lower("name"),
                name="registry_app_unique_name",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(expires_on__gte=models.F("signed_on")),
                name="registry_app_expires_after_signing",
            ),
        ]
        indexes = [models.Index(fields=["district", "status", "name"])]

    def __str__(self) -> str:
        return self.name

    def review_due(self, today: datetime.date) -> bool:
        """An approved app whose agreement has expired: it stays listed, marked review due."""
        return (
            self.status == self.Status.APPROVED
            and self.expires_on is not None
            and self.expires_on < today
        )

    @property
    def data_element_list(self) -> list[str]:
        return [x.strip() for x in self.data_elements.splitlines() if x.strip()]

    @property
    def subcontractor_list(self) -> list[str]:
        return [x.strip() for x in self.subcontractors.splitlines() if x.strip()]

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.domains.replace("\n", ",").split(",") if d.strip()]

    @property
    def posted_file(self) -> models.fields.files.FieldFile | None:
        """The copy the public page offers: the redacted one when there is one."""
        if self.redacted_agreement:
            return self.redacted_agreement
        return self.agreement or None


class Breach(models.Model):
    class Cause(models.TextChoices):
        OPERATOR = "operator", "The operator (notify within 60 days)"
        DISTRICT = "district", "The district (notify within 30 days)"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="breaches")
    app = models.ForeignKey(
        App, on_delete=models.PROTECT, related_name="breaches", null=True, blank=True
    )
    cause = models.CharField(max_length=10, choices=Cause.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    estimated = models.BooleanField(default=False)
    students = models.PositiveIntegerField()
    discovered_on = models.DateField()
    description = models.TextField(blank=True)
    notify_by = models.DateField()
    delay_requested = models.BooleanField(default=False)
    delay_request = models.TextField(
        blank=True, help_text="Law enforcement's request to delay notice, as recorded."
    )
    delayed_until = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="registry_breach_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach of {self.started_on.isoformat()}"

    @property
    def deadline(self) -> datetime.date:
        return self.delayed_until or self.notify_by


class PrivacyPage(models.Model):
    """The district's own text on its public SOPPA page."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="privacy_page")
    data_explanation = models.TextField(blank=True)
    parent_rights = models.TextField(blank=True)
    host_name = models.CharField(max_length=200, blank=True)
    host_address = models.CharField(max_length=400, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Privacy page of {self.district_id}"


class LogoPermissionQuerySet(models.QuerySet["LogoPermission"]):
    def in_district(self, district: District) -> LogoPermissionQuerySet:
        return self.filter(district=district)

    def current(self, today: datetime.date) -> LogoPermissionQuerySet:
        """Granted, and ``today`` falls within the granted period."""
        return self.filter(
            status=LogoPermission.Status.GRANTED, starts_on__lte=today, ends_on__gte=today
        )


class LogoPermission(models.Model):
    """An employee's permission to use the District's logo for a purpose (Policy 5:125, duty 7:
    "Refrain from using the District's logos without permission"). Staff ask; the
    superintendent or designee grants it for a period, refuses it with a reason, or revokes it.
    A grant whose period ended is expired: it stays on record, and no longer counts."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="logo_permissions")
    purpose = models.CharField(max_length=300)
    details = models.TextField(blank=True, help_text="Where and how the logo will be used.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was refused or revoked.")
    objects = LogoPermissionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="registry_logo_permission_period",
            ),
            models.CheckConstraint(
                condition=~Q(status="granted")
                | (Q(starts_on__isnull=False) & Q(ends_on__isnull=False)),
                name="registry_logo_permission_granted_has_period",
            ),
        ]
        indexes = [models.Index(fields=["district", "person", "status"])]

    def __str__(self) -> str:
        return f"Logo permission {self.pk}"

    def is_expired(self, today: datetime.date) -> bool:
        return (
            self.status == self.Status.GRANTED and self.ends_on is not None and self.ends_on < today
        )

    def state_label(self, today: datetime.date) -> str:
        """What the employee and the designee read: the status, or "Expired"/"Not yet
        started" for a grant outside its period."""
        if self.status == self.Status.GRANTED and self.ends_on and self.starts_on:
            if self.ends_on < today:
                return "Expired"
            if self.starts_on > today:
                return "Granted, not yet started"
        return self.get_status_display()


class DistrictLogo(models.Model):
    """An image of the District's logo that screening looks for in attachments."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    image = models.FileField(upload_to="registry/logos/")
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint("district", Lower("name"), name="registry_logo_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
