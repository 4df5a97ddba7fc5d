"""What the "Check a draft" page stores: a draft check the employee chose to keep.

The screening engine (``chalkline.screening``) has no ORM. A draft check is stored only when the
employee clicks "keep this check", and its text only if they also ticked "keep the text".

The model moved here from ``screening`` in state only: its table keeps its old name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chalkline.people.models import District


class DraftCheck(models.Model):
    class AudienceKind(models.TextChoices):
        PUBLIC = "public", "A public or social-media post"
        CLASS = "class", "A message to a class"
        BUILDING = "building", "A message to a building’s families"
        FAMILY = "family", "A message to one family"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="draft_checks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="draft_checks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    audience = models.CharField(max_length=10, choices=AudienceKind.choices)
    findings = models.PositiveIntegerField(default=0)
    blocks = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    notes = models.PositiveIntegerField(default=0)
    by_detector = models.JSONField(default=dict)
    had_image = models.BooleanField(default=False)
    text = models.TextField(blank=True, help_text="Only when the employee chose to keep it.")

    class Meta:
        db_table = "screening_draftcheck"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(findings=models.F("blocks") + models.F("warnings") + models.F("notes")),
                name="draft_check_counts_add_up",
            )
        ]
        indexes = [
            models.Index(fields=["district", "user", "-created_at"], name="draftcheck_user_idx")
        ]

    def __str__(self) -> str:
        return f"draft check {self.pk} by {self.user_id}"
