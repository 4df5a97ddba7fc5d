"""The versioned e-consent text (ESIGN/UETA style). Never edit a published version: add one.

An employee gives consent once per version; a new version asks again. The paper path is always
open: an employee who does not consent signs on paper and the principal records it.
"""

from __future__ import annotations

import hashlib

CONSENT_TEXTS: dict[int, str] = {
    1: (
        "Consent to sign electronically.\n\n"
        "You may sign policy acknowledgments electronically in Chalkline instead of on paper. "
        "If you agree:\n"
        "1. Your electronic signature (your typed full name, or re-entering your password) has "
        "the same effect as your handwritten signature.\n"
        "2. The district will keep an electronic record of what you signed, when, and from which "
        "device, and you can download a copy (PDF) at any time from My acknowledgments.\n"
        "3. You need a web browser and a PDF reader to view and keep these records.\n\n"
        "You do not have to agree. You may instead ask your building principal for a paper copy "
        "and sign it on paper, at no cost, now or at any later time. You may withdraw this consent "
        "by telling your principal or Human Resources; it then applies only to future "
        "acknowledgments."
    ),
}

CURRENT_CONSENT_VERSION = max(CONSENT_TEXTS)


def consent_text(version: int = CURRENT_CONSENT_VERSION) -> str:
    return CONSENT_TEXTS[version]


def consent_sha256(version: int = CURRENT_CONSENT_VERSION) -> str:
    return hashlib.sha256(CONSENT_TEXTS[version].encode("utf-8")).hexdigest()
