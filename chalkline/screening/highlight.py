"""Presentation of findings for people: numbered findings and the text cut into highlighted
segments (overlapping findings are split at every boundary, so the markup stays well formed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalkline.screening.types import SEVERITY_RANK, Finding

DETECTOR_LABELS: dict[str, str] = {
    "student_name": "Student name",
    "student_identifier": "Student ID or account",
    "student_record": "Student record detail",
    "photo_face": "Photo with a face",
    "image_error": "Image could not be checked",
    "district_logo": "District logo",
    "credential_request": "Request for social-media access or password",
    "personal_channel": "Personal channel",
    "secrecy": "Secrecy",
    "harassment": "Harassment",
    "abuse_disclosure": "Possible abuse or neglect",
}
SEVERITY_LABELS: dict[str, str] = {"block": "Must fix", "warn": "Please check", "info": "Note"}


@dataclass
class Shown:
    number: int
    finding: Finding
    excerpt: str = ""

    @property
    def label(self) -> str:
        return DETECTOR_LABELS.get(self.finding.detector, self.finding.detector)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.finding.severity, self.finding.severity)


@dataclass
class Segment:
    text: str
    severity: str = ""  # the most serious finding covering it; "" when not marked
    starts: list[Shown] = field(default_factory=list)
    ends: list[Shown] = field(default_factory=list)


def number_findings(findings: list[Finding], text: str) -> list[Shown]:
    return [
        Shown(n, f, text[f.start : f.end] if f.attachment is None else "")
        for n, f in enumerate(findings, start=1)
    ]


def segments(text: str, shown: list[Shown]) -> list[Segment]:
    spans = [s for s in shown if s.finding.attachment is None and s.finding.end > s.finding.start]
    cuts = {0, len(text)}
    for s in spans:
        cuts.add(max(0, min(s.finding.start, len(text))))
        cuts.add(max(0, min(s.finding.end, len(text))))
    points = sorted(cuts)
    out: list[Segment] = []
    for a, b in zip(points, points[1:], strict=False):
        if a == b:
            continue
        covering = [s for s in spans if s.finding.start <= a and s.finding.end >= b]
        worst = min(
            (s.finding.severity for s in covering), key=SEVERITY_RANK.__getitem__, default=""
        )
        out.append(
            Segment(
                text=text[a:b],
                severity=worst,
                starts=[s for s in covering if s.finding.start == a],
                ends=[s for s in covering if s.finding.end == b],
            )
        )
    return out
