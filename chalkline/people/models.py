"""Districts, buildings, people and the memberships that give users their roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from chalkline.people.roles import Role


def batch_reference() -> models.ForeignKey[Any, Any]:
    """A roster row's reference to the import batch that last touched it: provenance, with no
    database constraint and no index (see ImportBatch)."""
    return models.ForeignKey(
        "people.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )


class District(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    email_domains = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated email domains the district hosts."
    )
    local_passwords_off = models.BooleanField(
        default=False,
        help_text="Accounts in the district's own domains sign in with the district's provider "
        "only (families, on their own addresses, keep their passwords).",
    )
    break_glass_user = models.ForeignKey(
        "User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The one account in the district's domains that keeps its local password.",
    )
    directory_generation = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Raised in the same transaction by every write to the district's people, "
        "affiliations or guardian links (people.services.directory_changes): the screening "
        "roster index compares it instead of counting the directory.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(",") if d.strip()]


class BuildingQuerySet(models.QuerySet["Building"]):
    def in_district(self, district: District) -> BuildingQuerySet:
        return self.filter(district=district)

    def active(self) -> BuildingQuerySet:
        return self.filter(active=True)


class Building(models.Model):
    class Level(models.TextChoices):
        ELEMENTARY = "elementary", "Elementary school"
        MIDDLE = "middle", "Middle school"
        HIGH = "high", "High school"
        EARLY = "early", "Early childhood center"
        OFFICE = "office", "District office"
        OTHER = "other", "Other"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=100, help_text="The identifier the SIS uses (sourcedId).")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.OTHER)
    active = models.BooleanField(default=True)
    sourced_id = models.CharField(
        max_length=255, blank=True, help_text="The OneRoster org sourcedId, when imported."
    )
    deactivation_reason = models.CharField(max_length=300, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"], name="building_code_unique_in_district"
            ),
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="building_sourced_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def in_district(self, district: District) -> PersonQuerySet:
        return self.filter(district=district)

    def active(self) -> PersonQuerySet:
        return self.filter(active=True)

    def staff(self) -> PersonQuerySet:
        return self.filter(kind=Person.Kind.STAFF)

    def students(self) -> PersonQuerySet:
        return self.filter(kind=Person.Kind.STUDENT)

    def in_building(self, building: Building) -> PersonQuerySet:
        return self.filter(affiliations__building=building, affiliations__active=True).distinct()

    def search(self, text: str) -> PersonQuerySet:
        query = Q()
        for word in text.split()[:5]:
            query &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(email__icontains=word)
                | Q(affiliations__job_title__icontains=word)
            )
        return self.filter(query).distinct()


class Person(models.Model):
    """Anyone the district knows about: staff, students and guardians. Never hard-deleted."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        STUDENT = "student", "Student"
        GUARDIAN = "guardian", "Guardian"

    # no index of its own: the (district, ...) indexes below lead with it
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="people", db_index=False
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    sourced_id = models.CharField(max_length=255, blank=True, help_text="OneRoster sourcedId.")
    identifier = models.CharField(
        max_length=255, blank=True, help_text="Employee or student number."
    )
    username = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=300, blank=True)
    hire_date = models.DateField(null=True, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    birth_date = models.DateField(
        null=True, blank=True, help_text="A student's date of birth, where the roster has it."
    )
    directory_opt_out = models.BooleanField(default=False)
    media_release = models.BooleanField(default=True)
    #: whether ``media_release`` was given (by the roster or recorded in the app); when not,
    #: the district's messaging setting says what it means (default: no release)
    media_release_known = models.BooleanField(default=False)
    row_hash = models.BigIntegerField(
        null=True, blank=True, help_text="Hash of the imported fields; unchanged rows are skipped."
    )
    import_batch = batch_reference()
    buildings = models.ManyToManyField(Building, through="Affiliation", related_name="people")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="person_sourced_id_unique_in_district",
            ),
            models.CheckConstraint(
                condition=Q(active=True) | ~Q(deactivation_reason=""),
                name="person_inactive_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "kind", "family_name"], name="person_dir_idx"),
            models.Index(fields=["district", "email"], name="person_email_idx"),
            models.Index(fields=["district", "identifier"], name="person_identifier_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}".strip()


class Affiliation(models.Model):
    """A person's place in a building: a staff position (with job title) or a student's school."""

    # no single-column indexes: affiliation_unique leads with person, affiliation_building_idx
    # with building
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="affiliations", db_index=False
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="affiliations", db_index=False
    )
    job_title = models.CharField(max_length=200, blank=True)
    is_primary = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    import_batch = batch_reference()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "building"], name="affiliation_unique"),
        ]
        indexes = [models.Index(fields=["building", "active"], name="affiliation_building_idx")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.building_id}"


class GuardianLink(models.Model):
    # guardian_link_unique leads with guardian: no index of its own
    guardian = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="student_links", db_index=False
    )
    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="guardian_links")
    relationship = models.CharField(max_length=50, blank=True)
    active = models.BooleanField(default=True)
    import_batch = batch_reference()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardian_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id}->{self.student_id}"


class User(AbstractUser):
    """A sign-in account. Its roles come from memberships; its person record from ``person``."""

    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )

    class Meta(AbstractUser.Meta):
        # a sign-in name looked up case-blind (``username__iexact``: the message archive's
        # sender and recipient searches, account setup) reads this index, not every account
        # (archive18: 29 ms of a recipient search at 85,000 accounts)
        indexes = [models.Index(Upper("username"), name="user_username_upper_idx")]
        swappable = "AUTH_USER_MODEL"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: User) -> MembershipQuerySet:
        return self.filter(user=user, active=True)


class Membership(models.Model):
    """A role held by a user in a district, district-wide (building empty) or for one building."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="memberships")
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the membership was suspended because its holder's person record was deactivated
    # (a leaver); a revocation by an administrator leaves both empty.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "role"],
                condition=Q(building__isnull=True),
                name="membership_unique_district_wide",
            ),
            models.UniqueConstraint(
                fields=["user", "building", "role"],
                condition=Q(building__isnull=False),
                name="membership_unique_per_building",
            ),
        ]

    def __str__(self) -> str:
        scope = self.building_id or "district"
        return f"{self.user_id}:{self.role}@{self.district_id}/{scope}"

    @property
    def suspended(self) -> bool:
        return not self.active and bool(self.suspension_reason)


class IdentityProvider(models.Model):
    """One of a district's OpenID Connect providers (sign-in with Google, Entra ID, ClassLink...).

    The client secret is never stored here: only the name of the environment variable, or the
    path of the file, that holds it on the server (see docs/operations.md).
    """

    class Kind(models.TextChoices):
        GOOGLE = "google", "Google Workspace"
        ENTRA = "entra", "Microsoft Entra ID"
        OIDC = "oidc", "OpenID Connect (ClassLink, Clever, other)"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="providers")
    slug = models.SlugField(max_length=80, unique=True, help_text="Part of the callback URL.")
    name = models.CharField(max_length=100, help_text='The button says "Sign in with <name>".')
    kind = models.CharField(max_length=10, choices=Kind.choices)
    issuer = models.URLField(help_text="The issuer, pinned: tokens from any other are refused.")
    client_id = models.CharField(max_length=255)
    client_secret_env = models.CharField(max_length=100, blank=True)
    client_secret_file = models.CharField(max_length=1000, blank=True)
    allowed_domains = models.CharField(
        max_length=500,
        blank=True,
        help_text="Comma-separated email domains to accept; empty means all the district's.",
    )
    tenant_id = models.CharField(max_length=100, blank=True, help_text="Entra ID: the tenant.")
    hosted_domain = models.CharField(
        max_length=255, blank=True, help_text="Google Workspace: the required hd claim."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["district_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="entra") | ~models.Q(tenant_id=""),
                name="provider_entra_has_tenant",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="google") | ~models.Q(hosted_domain=""),
                name="provider_google_has_hd",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IdentityLink(models.Model):
    """An account's identity at a provider: the provider's subject (``sub``), never the email."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="links")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_link_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="identity_link_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.user_id}"


class UserSession(AbstractBaseSession):
    """A signed-in session (``SESSION_ENGINE = "chalkline.people.sessions"``): Django's
    database session plus the user it belongs to, so a leaver's sessions are ended with one
    indexed DELETE instead of decoding every session of the site."""

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "people_user_session"

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from chalkline.people.sessions import SessionStore

        return SessionStore


# --- directory import (OneRoster and the supplemental staff CSV) ----------------------------


class ImportBatch(models.Model):
    """One run of the directory import. Written outside the import's own transaction, so a
    failed import still leaves its batch, marked failed, with its report.

    Every roster row an import touches records the batch (``import_batch``) as provenance. Those
    references have no database constraint: a first import of a large district writes 13,000,000
    rows, and PostgreSQL checks a deferred foreign key row by row at COMMIT (the batch constraint
    alone cost about a third of that COMMIT; docs/benchmarks.md). Nothing is lost by it: a batch
    is never deleted (no code path deletes one, and the ORM's PROTECT still refuses), and the
    importer only ever writes the id of the batch it is applying."""

    class Kind(models.TextChoices):
        ONEROSTER = "oneroster", "OneRoster package"
        STAFF_CSV = "staff_csv", "Supplemental staff CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Failed: nothing was changed"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="imports")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONEROSTER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    confirm_deactivations = models.BooleanField(
        default=False,
        help_text="Apply even if the import deactivates more than IMPORT_MAX_DEACTIVATION_SHARE "
        "of the district's active people.",
    )
    reread = models.BooleanField(
        default=False,
        help_text="Read and compare every row even if the files are identical to the last import.",
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the files' content (and, for OneRoster 1.2, the date: role windows "
        "depend on it). An import whose fingerprint matches the last applied one changes nothing.",
    )
    identical_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_name = models.CharField(max_length=255, help_text="The uploaded file's name only.")
    package_path = models.CharField(
        max_length=1000, blank=True, help_text="Where the upload waits for the worker."
    )
    staff_csv_path = models.CharField(max_length=1000, blank=True)
    version = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(max_length=100, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    issue_counts = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "-created_at"], name="import_batch_idx")]

    def __str__(self) -> str:
        return f"import #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))


class ImportLock(models.Model):
    """One row per district: the import that holds it. Claimed with a conditional UPDATE; the
    holder proves it is alive with ``heartbeat_at``."""

    district = models.OneToOneField(
        District, primary_key=True, on_delete=models.CASCADE, related_name="import_lock"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Written every few seconds by the running import (from its own connection); "
        "a claim whose heartbeat is older than IMPORT_HEARTBEAT_TIMEOUT counts as dead.",
    )

    def __str__(self) -> str:
        return f"import lock of district {self.district_id}"


class RosterOrg(models.Model):
    """Every org of the rosters, kept for reference; districts and schools also become
    Buildings (``building``)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="roster_orgs")
    sourced_id = models.CharField(max_length=255)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=40)
    identifier = models.CharField(max_length=255, blank=True)
    parent_sourced_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="roster_orgs"
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"], name="roster_org_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    """A class roster: its teachers and students come through ``Enrollment``."""

    # no single-column indexes: the unique (district, sourced_id) and class_building_idx lead
    # with them
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="classes", db_index=False
    )
    building = models.ForeignKey(
        Building,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classes",
        db_index=False,
    )
    sourced_id = models.CharField(max_length=255)
    title = models.CharField(max_length=200)
    class_code = models.CharField(max_length=100, blank=True)
    course_sourced_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=300, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True)
    import_batch = batch_reference()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"], name="class_sourced_id_unique_in_district"
            ),
            models.CheckConstraint(
                condition=Q(active=True) | ~Q(deactivation_reason=""),
                name="class_inactive_needs_reason",
            ),
        ]
        indexes = [models.Index(fields=["building", "active", "title"], name="class_building_idx")]

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    """A person in a class: a teacher (or aide, proctor, administrator) or a student."""

    # no single-column indexes (6,000,000 rows in a large district, each index costs every
    # import): the unique (district, sourced_id), enrollment_class_idx and enrollment_person_idx
    # lead with these columns
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrollments", db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrollments", db_index=False
    )
    sourced_id = models.CharField(max_length=255)
    role = models.CharField(max_length=30)
    primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=300, blank=True)
    row_hash = models.BigIntegerField(null=True, blank=True)
    import_batch = batch_reference()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"], name="enrollment_unique_in_district"
            ),
            models.CheckConstraint(
                condition=Q(active=True) | ~Q(deactivation_reason=""),
                name="enrollment_inactive_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "active"], name="enrollment_class_idx"),
            models.Index(fields=["person", "active"], name="enrollment_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.school_class_id}"


class RoleSuggestion(models.Model):
    """A SIS administrative role, suggested as a Chalkline role. It grants nothing until HR
    confirms it; confirming creates the Membership."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for HR"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="role_suggestions")
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    sis_role = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "building"],
                condition=Q(building__isnull=False),
                name="role_suggestion_unique_per_building",
            ),
            models.UniqueConstraint(
                fields=["person", "role"],
                condition=Q(building__isnull=True),
                name="role_suggestion_unique_district_wide",
            ),
        ]
        indexes = [models.Index(fields=["district", "status"], name="role_suggestion_idx")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.role}"
