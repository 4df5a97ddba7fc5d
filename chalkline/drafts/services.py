"""Write paths of the "Check a draft" page. The screening engine itself writes nothing."""

from __future__ import annotations

from django.db import transaction

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.drafts.models import DraftCheck
from chalkline.people.models import District, User


@transaction.atomic
def keep_draft_check(
    *,
    district: District,
    audience: str,
    by_detector: dict[str, int],
    severities: dict[str, int],
    had_image: bool,
    text: str | None,
    by: User,
) -> DraftCheck:
    """Store a draft check the employee chose to keep; the text only when ``text`` is given.
    The audit event carries counts, never the text."""
    check = DraftCheck.objects.create(
        district=district,
        user=by,
        audience=audience,
        findings=sum(severities.values()),
        blocks=severities.get("block", 0),
        warnings=severities.get("warn", 0),
        notes=severities.get("info", 0),
        by_detector=dict(sorted(by_detector.items())),
        had_image=had_image,
        text=text or "",
    )
    record_event(
        district=district,
        actor=by,
        action=Action.DRAFT_CHECK_KEPT,
        target=check,
        after={
            "audience": audience,
            "findings": check.findings,
            "detectors": check.by_detector,
            "had_image": had_image,
            "kept_text": bool(text),
        },
    )
    return check
