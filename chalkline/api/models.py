"""API tokens: how an integration (a messaging system, an SIS, a script) calls /api/v1.

Only a SHA-256 of each token is stored. The plain token is shown once, when it is created; its
first characters (``prefix``) are kept in clear so people can tell tokens apart and the lookup is
one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chalkline.people.models import District


class Scope(models.TextChoices):
    SCREEN = "screen", "Screen messages (POST /api/v1/screen)"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def in_district(self, district: District) -> ApiTokenQuerySet:
        return self.filter(district=district)

    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses this token, e.g. 'Hub relay'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="First characters, in clear.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256, hex.")
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_created",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])
