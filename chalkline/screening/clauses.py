"""Stable clause ids cited by screening findings.

Format: ``<policy number>/<slugified heading>/<item>``; a paragraph-level clause has no item.
These ids are part of the public contract (see docs/screening.md); never renumber them.
"""

from __future__ import annotations

from typing import Final

POLICY: Final = "5:125"

STANDARDS: Final = f"{POLICY}/use-of-personal-technology/1"
ABUSE_REPORTING: Final = f"{POLICY}/use-of-personal-technology/4"
STUDENT_PII: Final = f"{POLICY}/use-of-personal-technology/6"
LOGO: Final = f"{POLICY}/use-of-personal-technology/7"
SCHOOL_CHANNELS: Final = f"{POLICY}/use-of-electronic-communications-for-school-related-matters"
CREDENTIAL_REQUESTS: Final = f"{POLICY}/the-superintendent-or-designee-shall/5"

#: detector name -> clause id. One mapping, used by every detector.
CLAUSES: Final[dict[str, str]] = {
    "student_name": STUDENT_PII,
    "student_identifier": STUDENT_PII,
    "student_record": STUDENT_PII,
    "photo_face": STUDENT_PII,
    "image_error": STUDENT_PII,
    "district_logo": LOGO,
    "credential_request": CREDENTIAL_REQUESTS,
    "personal_channel": SCHOOL_CHANNELS,
    "secrecy": STANDARDS,
    "harassment": STANDARDS,
    "abuse_disclosure": ABUSE_REPORTING,
}


def clause_for(detector: str) -> str:
    return CLAUSES[detector]
