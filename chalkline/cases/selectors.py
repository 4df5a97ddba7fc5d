"""Reads that span the case models: the periodic review's counts (Supt. 6)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from chalkline.cases.models import Case
from chalkline.people.models import District


@dataclass(frozen=True)
class ReviewRow:
    school_year: str
    building: str
    kind: str
    outcome: str
    cases: int


def school_year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def review_counts(district: District) -> list[ReviewRow]:
    """Counts of cases by school year (July to June), building, kind and outcome: no names, no
    case numbers, for the review packet."""
    start = SqlCase(
        When(month__gte=7, then=F("year")),
        default=F("year") - Value(1),
        output_field=IntegerField(),
    )
    rows = (
        Case.objects.in_district(district)
        .annotate(year=ExtractYear("opened_at"), month=ExtractMonth("opened_at"))
        .annotate(sy=start)
        .values("sy", "building__name", "kind", "outcome__label")
        .annotate(n=Count("pk"))
        .order_by("-sy", "building__name", "kind", "outcome__label")
    )
    kinds = dict(Case.Kind.choices)
    return [
        ReviewRow(
            school_year=school_year(r["sy"]),
            building=r["building__name"] or "Not given",
            kind=str(kinds.get(r["kind"], r["kind"])),
            outcome=r["outcome__label"] or "No outcome yet",
            cases=r["n"],
        )
        for r in rows
    ]
