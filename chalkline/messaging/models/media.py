"""The district's choice of what a student's unknown media release means for photos."""

from __future__ import annotations

from django.db import models

from chalkline.people.models import District, Person


class MediaReleaseSettings(models.Model):
    """Absent means the default: a student whose media release is not known has none."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="+")
    unknown_means_release = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"media release settings of {self.district_id}"


def unknown_means_release(district: District) -> bool:
    found = MediaReleaseSettings.objects.filter(district=district).first()
    return bool(found and found.unknown_means_release)


def has_media_release(person: Person, unknown_means: bool) -> bool:
    """Whether a student may be pictured beyond their own family."""
    return person.media_release if person.media_release_known else unknown_means
