"""The district's rule for unknown media releases (superintendent and designee)."""

from __future__ import annotations

from django.db import transaction

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.models import MediaReleaseSettings
from chalkline.people.models import District, User


@transaction.atomic
def set_unknown_media_release(
    *, district: District, means_release: bool, by: User
) -> MediaReleaseSettings:
    """What a student's unknown media release means for photos: a release, or none (the
    default). Audited with the value before and after."""
    current, _ = MediaReleaseSettings.objects.select_for_update().get_or_create(district=district)
    before = current.unknown_means_release
    current.unknown_means_release = means_release
    current.save(update_fields=["unknown_means_release"])
    record_event(
        district=district,
        actor=by,
        action=Action.MEDIA_UNKNOWN_RULE_CHANGED,
        target=current,
        before={"unknown_means_release": before},
        after={"unknown_means_release": means_release},
    )
    return current
