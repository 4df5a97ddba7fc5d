"""The detectors. Each is ``detect(ctx) -> list[Finding]``; TEXT_DETECTORS run in this order."""

from __future__ import annotations

from collections.abc import Callable

from ..types import Finding
from . import conduct, identifiers, student_names, student_records
from .context import ScreenContext

Detector = Callable[[ScreenContext], list[Finding]]

TEXT_DETECTORS: dict[str, Detector] = {
    "student_name": student_names.detect,
    "student_identifier": identifiers.detect,
    "student_record": student_records.detect,
    "credential_request": conduct.credential_request,
    "personal_channel": conduct.personal_channel,
    "secrecy": conduct.secrecy,
    "abuse_disclosure": conduct.abuse_disclosure,
    "harassment": conduct.harassment,
}
IMAGE_DETECTORS = ("photo_face", "district_logo")

__all__ = ["IMAGE_DETECTORS", "TEXT_DETECTORS", "Detector", "ScreenContext"]
