"""Job categories derived from free-text job titles (pure; no ORM).

Rosters carry job titles as districts write them ("Teacher, Grade 3", "Bus Driver"). Campaigns
target categories, so each title maps to one category: the first rule whose keyword appears in the
lower-cased title wins; a title matching nothing is "other". docs/acknowledgments.md lists the rules.
"""

from __future__ import annotations

import re

CATEGORIES: dict[str, str] = {
    "administration": "Administrators",
    "teaching": "Teachers",
    "paraprofessional": "Paraprofessionals and aides",
    "student_services": "Student services",
    "office": "Office and clerical",
    "custodial": "Custodial and maintenance",
    "transportation": "Transportation",
    "food_service": "Food service",
    "other": "Other staff",
}

# (category, keywords) in priority order: "Assistant Principal" is administration, not teaching.
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "administration",
        ("principal", "superintendent", "director", "administrator", "dean", "coordinator"),
    ),
    ("paraprofessional", ("paraprofessional", "para ", "aide", "assistant teacher")),
    ("teaching", ("teacher", "instructor", "interventionist", "coach", "specialist")),
    (
        "student_services",
        ("counselor", "nurse", "psycholog", "social worker", "speech", "librar", "therapist"),
    ),
    ("office", ("secretary", "clerk", "receptionist", "bookkeeper", "registrar", "office")),
    ("custodial", ("custodian", "maintenance", "groundskeeper", "engineer")),
    ("transportation", ("driver", "bus ", "transportation", "mechanic")),
    ("food_service", ("food", "cook", "cafeteria", "nutrition", "kitchen")),
)


def category_of(job_title: str) -> str:
    title = re.sub(r"\s+", " ", job_title.casefold()).strip() + " "
    for category, keywords in RULES:
        if any(k in title for k in keywords):
            return category
    return "other"


def label_of(category: str) -> str:
    return CATEGORIES.get(category, CATEGORIES["other"])
