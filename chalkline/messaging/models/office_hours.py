"""Staff office hours: when a family may expect an answer (one automatic reply outside them)."""

from __future__ import annotations

from django.db import models

from chalkline.people.models import District, User


class OfficeHours(models.Model):
    """A staff member's weekly hours, in the district's time zone (``TIME_ZONE``): ``hours``
    maps a weekday ("0" Monday … "6" Sunday) to ``[["08:00", "15:30"], …]``; a day not named
    is closed. No row: no hours set, no automatic reply."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    hours = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"office hours of {self.user_id}"
