"""Policies, their versions and clauses, and the guidelines attached to them.

A version is a draft until it is published; a published version never changes again, except that
publishing its successor marks it superseded. Three guards enforce that: the services refuse, the
model refuses to save changed content (``ImmutableVersionError``), and a database trigger
(``chalkline.lib.appendonly``, migration 0003; SQLite and PostgreSQL) refuses any UPDATE of the
content columns, a DELETE of a non-draft row and (PostgreSQL) TRUNCATE.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyError
from chalkline.people.models import District, User


class ImmutableVersionError(AppendOnlyError):
    """A published or superseded version (or guideline version) was about to change."""


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


class _FrozenOnceIssued(models.Model):
    """Model-level guard: once a row is not a draft, only the listed fields may be saved."""

    MUTABLE_AFTER_PUBLISH: ClassVar[frozenset[str]] = frozenset({"status", "superseded_at"})

    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = self._loaded_status
        if loaded is not None and loaded != VersionStatus.DRAFT:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.MUTABLE_AFTER_PUBLISH:
                raise ImmutableVersionError(f"{type(self).__name__} {self.pk} is {loaded}.")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._loaded_status not in (None, VersionStatus.DRAFT):
            raise ImmutableVersionError(f"{type(self).__name__} {self.pk} cannot be deleted.")
        return super().delete(*args, **kwargs)

    _loaded_status: str | None = None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class PolicyQuerySet(models.QuerySet["Policy"]):
    def in_district(self, district: District) -> PolicyQuerySet:
        return self.filter(district=district)

    def with_published(self) -> PolicyQuerySet:
        return self.filter(versions__status=VersionStatus.PUBLISHED)


class Policy(models.Model):
    """One board policy of a district, identified by its normalized number (``5:125``)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="policies")
    number = models.CharField(max_length=40, help_text="Normalized number, e.g. 5:125.")
    number_raw = models.CharField(max_length=40, help_text="The number as the district writes it.")
    title = models.CharField(max_length=300)
    section_code = models.CharField(max_length=20, blank=True)
    section_name = models.CharField(max_length=200, blank=True)
    sort_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "number"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "number"], name="policy_number_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_raw} {self.title}"


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def published(self) -> PolicyVersionQuerySet:
        return self.filter(status=VersionStatus.PUBLISHED)

    def issued(self) -> PolicyVersionQuerySet:
        """Published or superseded: every version that was ever public."""
        return self.exclude(status=VersionStatus.DRAFT)


class PolicyVersion(_FrozenOnceIssued):
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(help_text="1 for the first version of the policy, then 2...")
    title = models.CharField(max_length=300)
    canonical_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    parsed = models.JSONField(help_text="The parser's JSON (docs/policy-format.md).")
    source_format = models.CharField(max_length=10, blank=True)
    source_filename = models.CharField(max_length=255, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    revised_on = models.DateField(null=True, blank=True)
    material = models.BooleanField(default=False)
    change_summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    # PostgreSQL full-text document, written by the publish service (GIN index in migration 0002).
    # SQLite searches an FTS5 table instead and leaves this empty. See chalkline/policies/search.py.
    search_document = SearchVectorField(null=True, blank=True, editable=False)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "seq"], name="policy_version_seq_unique"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="policy_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status=VersionStatus.DRAFT),
                name="policy_one_open_draft",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT)
                | (~Q(change_summary="") & Q(published_at__isnull=False)),
                name="policy_version_issued_needs_summary",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="policy_version_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status"], name="policy_version_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} v{self.seq} ({self.status})"

    @property
    def label(self) -> str:
        return f"Version {self.seq} ({self.get_status_display().lower()})"

    @property
    def warnings(self) -> list[dict[str, str]]:
        return list(self.parsed.get("warnings", []))


class Clause(models.Model):
    """A section, paragraph, definition or numbered item of one version, with its stable id."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="clauses")
    clause_id = models.CharField(max_length=300)
    kind = models.CharField(max_length=12)
    marker = models.CharField(max_length=20, blank=True, help_text="An item's marker: 3. or a)")
    text = models.TextField()
    position = models.PositiveIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "clause_id"], name="clause_id_unique"),
        ]
        indexes = [models.Index(fields=["clause_id"], name="clause_id_idx")]

    def __str__(self) -> str:
        return self.clause_id

    @property
    def depth(self) -> int:
        return self.clause_id.rsplit("/", 1)[-1].count(".") if self.kind == "item" else 0


class Guideline(models.Model):
    """A Markdown document attached to a policy: a Superintendent's guideline, or the
    community-awareness page that explains the policy to families (at most one per policy)."""

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Superintendent's guideline"
        COMMUNITY = "community", "Community awareness page"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="guidelines")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GUIDELINE)
    slug = models.SlugField(max_length=120)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "title"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "slug"], name="guideline_slug_unique"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(kind="community"),
                name="guideline_one_community_page",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GuidelineVersion(_FrozenOnceIssued):
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="versions")
    seq = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    sha256 = models.CharField(max_length=64)
    change_summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["guideline", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "seq"], name="guideline_version_seq"),
            models.UniqueConstraint(
                fields=["guideline"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="guideline_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["guideline"],
                condition=Q(status=VersionStatus.DRAFT),
                name="guideline_one_open_draft",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT)
                | (~Q(change_summary="") & Q(published_at__isnull=False)),
                name="guideline_version_issued_needs_summary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guideline_id} v{self.seq} ({self.status})"


class PolicyImport(models.Model):
    """One policy file on its way into the library: queued, parsing, then done or failed.

    The file's bytes wait here until a worker parses them (``data``), and are dropped once the
    import is over; ``message`` says what happened, in words for the staff page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PARSING = "parsing", "Reading the file"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    number = models.CharField(max_length=40, blank=True, help_text="Given by the user, if any.")
    size = models.PositiveIntegerField(default=0)
    data = models.BinaryField(default=b"", editable=False)
    message = models.TextField(blank=True)
    needs_number = models.BooleanField(default=False)
    unchanged = models.BooleanField(default=False)
    version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "parsing", "done", "failed"]),
                name="policy_import_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def source_label(self) -> str:
        return self.filename or "Pasted text"
