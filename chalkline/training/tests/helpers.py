"""Small helpers that put trainings in a district through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chalkline.people.models import Building, District, User
from chalkline.training import services
from chalkline.training.models import Session, Training

QUESTIONS = [
    {
        "question": "Which channel may staff use with students?",
        "choices": ["Personal text", "District app"],
        "answer": 1,
    },
    {
        "question": "Who reports suspected abuse?",
        "choices": ["Everyone on staff", "Only the nurse"],
        "answer": 0,
    },
]


def make_training(district: District, *, by: User | None = None, **fields: Any) -> Training:
    fields.setdefault("title", "Educator ethics in-service")
    fields.setdefault("content", "Boundaries with students, and this policy.")
    fields.setdefault("pd_hours", Decimal("1.5"))
    return services.create_training(district=district, by=by, **fields)


def make_session(
    training: Training,
    *,
    by: User | None = None,
    building: Building | None = None,
    format: str = Session.Format.IN_PERSON,
    presenter: User | None = None,
) -> Session:
    starts = None if format == Session.Format.SELF_PACED else timezone.now() + timedelta(days=1)
    return services.schedule_session(
        training=training,
        by=by,
        format=format,
        building=building,
        starts_at=starts,
        location="Library",
        presenter=presenter,
    )
