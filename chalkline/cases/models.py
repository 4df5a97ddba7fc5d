"""Cases: concerns raised under Board Policy 5:125, their investigation with due process, the
outcome, and the mandated-report log (docs/cases.md).

A case is confidential: only the people named on it (``CaseMember``) and the superintendent see
it, and what each member sees depends on their part (``CaseMember.Part``). Every step is an
entry of the case's one timeline (``CaseEntry``, append-only); a closed case takes no more
changes, only amendments."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from chalkline.people.models import Building, District, Person

# How long each step may take before reminders start (calendar days; the district's own
# procedure may be stricter). 325 ILCS 5/4 needs no entry: the call to DCFS is immediate and
# never waits for a case.
STEP_DAYS: dict[str, int] = {
    "received": 3,
    "investigating": 20,
    "notice_sent": 10,
    "findings": 5,
    "outcome": 5,
    "acknowledgment": 10,
}


class CaseQuerySet(models.QuerySet["Case"]):
    def in_district(self, district: District) -> CaseQuerySet:
        return self.filter(district=district)

    def open(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def overdue(self, today: datetime.date) -> CaseQuerySet:
        return (
            self.open()
            .filter(due_on__lt=today)
            .filter(Q(paused_until__isnull=True) | Q(paused_until__lte=today))
        )


class Case(models.Model):
    class Kind(models.TextChoices):
        COMMUNICATION = "communication", "A communication with a student or family"
        PASSWORD_REQUEST = (
            "password_request",
            "Someone asked for my social-media password or access",
        )
        CONDUCT = "conduct", "Other use of personal technology or social media"

    class Source(models.TextChoices):
        SIGNED_IN = "signed_in", "Reported by someone signed in"
        PUBLIC = "public", "The public concerns page"
        MANUAL = "manual", "Entered by hand"
        REFERRAL = "referral", "Referred from message review"

    class ReporterKind(models.TextChoices):
        STAFF = "staff", "Staff member"
        GUARDIAN = "guardian", "Parent or guardian"
        STUDENT = "student", "Student"
        COMMUNITY = "community", "Member of the community"
        APPLICANT = "applicant", "Job applicant"
        DISTRICT = "district", "The District"

    class Position(models.TextChoices):
        STAFF = "staff", "A teacher or other staff member"
        PRINCIPAL = "principal", "A principal"
        HR = "hr", "Human resources"
        SUPERINTENDENT = "superintendent", "The superintendent"
        UNKNOWN = "unknown", "I don't know"

    class Route(models.TextChoices):
        NORMAL = "normal", "Human resources and the superintendent"
        SUPERINTENDENT = "superintendent", "The superintendent (human resources is the subject)"
        BOARD = "board", "The Board's designee (the superintendent is the subject)"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received, waiting for triage"
        INVESTIGATING = "investigating", "Under investigation"
        NOTICE_SENT = "notice_sent", "Notice sent to the employee"
        FINDINGS = "findings", "Findings recorded"
        OUTCOME = "outcome", "Outcome decided"
        ACKNOWLEDGMENT = "acknowledgment", "Outcome acknowledged or refusal witnessed"
        CLOSED = "closed", "Closed"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cases")
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.NORMAL)
    # Who it is about: as the reporter described them, and the directory person once known.
    subject_name = models.CharField(max_length=200, blank=True)
    subject_position = models.CharField(
        max_length=20, choices=Position.choices, default=Position.UNKNOWN
    )
    subject = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_about"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_kind = models.CharField(max_length=20, choices=ReporterKind.choices)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_contact = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    happened_on = models.DateField(null=True, blank=True)
    # The screening engine's abuse_disclosure detector found abuse or neglect in the intake:
    # whoever reads it is reminded of their own duty to report (325 ILCS 5/4).
    describes_abuse = models.BooleanField(default=False)
    title_ix = models.BooleanField(default=False)
    interim_measures = models.TextField(blank=True)
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_investigated",
    )
    findings = models.TextField(blank=True)
    outcome = models.ForeignKey(
        "OutcomeType", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    outcome_text = models.TextField(blank=True)
    outcome_until = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    retain_until = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    # The concern forms' hidden key (issue 19): a double submit returns the case it opened.
    idempotency_key = models.CharField(max_length=64, blank=True, default="")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="cases_concern_submitted_once",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "-opened_at"], name="cases_district_status"),
            models.Index(fields=["district", "kind"], name="cases_district_kind"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_paused(self) -> bool:
        return self.paused_until is not None

    @property
    def has_final_outcome(self) -> bool:
        return self.outcome_id is not None and self.status in {
            self.Status.OUTCOME,
            self.Status.ACKNOWLEDGMENT,
            self.Status.CLOSED,
        }

    @property
    def foia_releasable(self) -> bool:
        """The final outcome of a case that imposes discipline is releasable under FOIA
        (5 ILCS 140/7(1)(n)); the rest of the case is not."""
        return self.has_final_outcome and bool(self.outcome and self.outcome.discipline)


class CaseMember(models.Model):
    """A person named on a case, and their part in it (what they may see and do)."""

    class Part(models.TextChoices):
        MANAGER = "manager", "Case manager"
        INVESTIGATOR = "investigator", "Investigator"
        TITLE_IX = "title_ix", "Title IX coordinator"
        VIEWER = "viewer", "May see the case"
        SUBJECT = "subject", "The employee"
        EMPLOYEE_REP = "employee_rep", "The employee's representative"
        REPORTER = "reporter", "Reporter"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_parts"
    )
    part = models.CharField(max_length=20, choices=Part.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user", "part"], name="cases_member_unique")
        ]
        indexes = [models.Index(fields=["user", "case"], name="cases_member_user")]

    def __str__(self) -> str:
        return f"{self.get_part_display()} on case {self.case_id}"


FULL_PARTS = frozenset(
    {
        CaseMember.Part.MANAGER,
        CaseMember.Part.INVESTIGATOR,
        CaseMember.Part.TITLE_IX,
        CaseMember.Part.VIEWER,
    }
)
EMPLOYEE_PARTS = frozenset({CaseMember.Part.SUBJECT, CaseMember.Part.EMPLOYEE_REP})


class CaseEntryQuerySet(AppendOnlyQuerySet["CaseEntry"]):
    noun = "Case timeline entries"


class CaseEntry(AppendOnlyModel):
    """One step on the case's timeline. Append-only: a correction is a later entry."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Case opened"
        TRIAGED = "triaged", "Triaged"
        NOTE = "note", "Note"
        INTERVIEW = "interview", "Interview"
        EVIDENCE = "evidence", "Evidence added"
        NOTICE = "notice", "Notice to the employee"
        RESPONSE = "response", "The employee's written response"
        REP_INVITED = "rep_invited", "Employee representative invited"
        FINDINGS = "findings", "Findings"
        OUTCOME = "outcome", "Outcome"
        ACKNOWLEDGED = "acknowledged", "The employee acknowledged the outcome"
        REFUSAL = "refusal", "Witnessed refusal to acknowledge"
        PAUSED = "paused", "Paused"
        RESUMED = "resumed", "Resumed"
        CLOSED = "closed", "Closed"
        AMENDMENT = "amendment", "Amendment after closing"
        REBUTTAL = "rebuttal", "The employee's rebuttal"
        HOLD = "hold", "Legal hold changed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    # Shown to the employee (and their representative): notices addressed to them, their own
    # responses, the outcome and its acknowledgment.
    for_employee = models.BooleanField(default=False)

    objects = CaseEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="cases_entry_case_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"


class Evidence(models.Model):
    """An uploaded file, stored with its SHA-256 (also written into the audit chain), and the
    reason it may be kept (the Personnel Record Review Act, 820 ILCS 40/9, limits records of
    off-duty activities)."""

    class Reason(models.TextChoices):
        REPORTED_CONTENT = "reported", "Content reported to the District (shared with it)"
        DISTRICT_SYSTEM = "district_system", "From a District account or device"
        WORK_RELATED = "work_related", "Concerns the employee's work or students"
        PUBLIC = "public", "Public content anyone could see"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="cases/evidence/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="cases_evidence_case")]

    def __str__(self) -> str:
        return self.name


class OutcomeType(models.Model):
    """One outcome on the policy's range ("ranging from prohibiting the employee from possessing
    or using any personal technology or social media at school to dismissal and/or
    indemnification of the District"). The district may rename and extend the list."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="outcome_types")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    rank = models.PositiveSmallIntegerField(default=0)
    discipline = models.BooleanField(
        default=False, help_text="Imposes discipline: releasable under FOIA, 5 ILCS 140/7(1)(n)."
    )
    personnel_file = models.BooleanField(default=False)
    has_period = models.BooleanField(default=False)
    isbe_may_apply = models.BooleanField(
        default=False, help_text="May have to be reported to ISBE for the employee's licence."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="cases_outcome_code")
        ]

    def __str__(self) -> str:
        return self.label


class CaseSettings(models.Model):
    """Per district: who the Board designated to receive cases about the superintendent."""

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="case_settings"
    )
    board_designee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retention_years = models.PositiveSmallIntegerField(default=5)

    def __str__(self) -> str:
        return f"Case settings of district {self.district_id}"


class MandatedReport(models.Model):
    """ "I reported to DCFS": the employee's own record of a call or online report they made
    (325 ILCS 5/4). It never gates, delays or replaces the call; the designee sees it to support
    the employee, never to approve it. Not a student record: no family view or export shows it."""

    class Method(models.TextChoices):
        PHONE = "phone", "By phone (1-800-25-ABUSE)"
        ONLINE = "online", "Online"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mandated_reports"
    )
    reported_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"Report to DCFS {self.pk}"


class InspectionRequest(models.Model):
    """An employee's request to inspect their personnel file (820 ILCS 40/2): the District
    provides the opportunity within 7 working days, or 7 more when it shows it cannot."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="inspection_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()
    extended_reason = models.CharField(max_length=300, blank=True)
    fulfilled_on = models.DateField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Inspection request {self.pk}"


class Disclosure(models.Model):
    """A disciplinary record of a case disclosed to a third party, with the written notice the
    employee got first (820 ILCS 40/7: mailed on or before the day it is divulged), or the
    exception that applies."""

    class Basis(models.TextChoices):
        NOTICE = "notice", "Written notice to the employee"
        FOIA = "foia", "A FOIA request (notice by e-mail or mail, 820 ILCS 40/7(4))"
        LEGAL = "legal", "Ordered in a legal action or arbitration (no notice, 40/7(3)(b))"
        AGENCY = "agency", "A government agency's claim or criminal investigation (40/7(3)(c))"
        WAIVED = "waived", "The employee waived notice in a signed application (40/7(3)(a))"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosures")
    recipient = models.CharField(max_length=200)
    basis = models.CharField(max_length=10, choices=Basis.choices)
    notice_sent_on = models.DateField(null=True, blank=True)
    disclosed_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_on", "-pk"]

    def __str__(self) -> str:
        return f"Disclosure {self.pk} of case {self.case_id}"


class DisclosurePrompt(models.Model):
    """The Check a draft page showed the abuse_disclosure prompt to this employee: 24 hours
    later a reminder asks whether a log entry followed (``send-dcfs-log-reminders``). A reminder
    only; it never gates, delays or replaces the call."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shown_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["reminded_at", "shown_at"], name="cases_prompt_due")]

    def __str__(self) -> str:
        return f"Abuse prompt {self.pk}"
