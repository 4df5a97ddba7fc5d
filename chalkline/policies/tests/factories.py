"""Small helpers that put policies in a district through the services (never around them)."""

from __future__ import annotations

import re

from chalkline.people.models import District, User
from chalkline.policies import services
from chalkline.policies.models import GuidelineVersion, PolicyVersion
from chalkline.workflows.publishing import publish_version_and_follow_up

from .helpers import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
LOGO_OLD = "Refrain from using the District’s logos without permission."
LOGO_NEW = "Refrain from using the District’s logos or mascots without written permission."
# Version 2 rewords duty 7 and adds a new duty before duty 1, which renumbers every duty.
NEW_DUTY = "Complete the annual training on social media and student privacy."


def seed_v2_text() -> str:
    text = SEED_TEXT.replace(LOGO_OLD, LOGO_NEW)
    start = text.index("  1. Adhere to the high standards")
    end = text.index("The Superintendent or designee shall:")
    duties = re.sub(
        r"^  (\d+)\. ", lambda m: f"  {int(m.group(1)) + 1}. ", text[start:end], flags=re.M
    )
    return text[:start] + f"  1. {NEW_DUTY}\n\n" + duties + text[end:]


def import_seed(
    district: District, *, by: User | None = None, publish: bool = True, text: str | None = None
) -> PolicyVersion:
    data = (text or SEED_TEXT).encode("utf-8")
    result = services.import_policy(district=district, data=data, filename=SEED.name, by=by)
    version = result.version
    if publish and version.is_draft:
        version = publish_version_and_follow_up(
            version=version, change_summary="Adopted text", material=True, by=by
        )
    return version


def small_policy(number: str, title: str, body: str) -> bytes:
    return f"Policy {number}\n\n{title}\n\n{body}\n\nAdopted: January 5, 2021\n".encode()


def guideline(
    version: PolicyVersion,
    *,
    title: str = "Texting families",
    body: str = "Use the hub.",
    publish: bool = True,
    kind: str = "guideline",
) -> GuidelineVersion:
    g = services.create_guideline(policy=version.policy, kind=kind, title=title, body=body, by=None)
    if publish:
        g = services.publish_guideline_version(version=g, change_summary="First", by=None)
    return g
