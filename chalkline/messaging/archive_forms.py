"""Forms of the archive pages: the search (GET) and the export request (POST)."""

from __future__ import annotations

from typing import Any

from django import forms

from chalkline.messaging.archive import MAX_TEXT, Criteria
from chalkline.messaging.models import ExportProfile
from chalkline.people.models import District, Person

_DATE = forms.DateInput(attrs={"type": "date"})


class ArchiveSearchForm(forms.Form):
    text = forms.CharField(
        label="Words in the message",
        required=False,
        max_length=MAX_TEXT,
        help_text="Every word must appear. Use quotes for a phrase and a minus sign to leave a "
        'word out ("field trip" -bus).',
    )
    sender = forms.CharField(
        label="Sender",
        required=False,
        max_length=100,
        help_text="A name, an e-mail address or a sign-in name.",
    )
    recipient = forms.CharField(
        label="Recipient",
        required=False,
        max_length=100,
        help_text="A name, an e-mail address or a sign-in name.",
    )
    date_from = forms.DateField(label="Sent on or after", required=False, widget=_DATE)
    date_to = forms.DateField(label="Sent on or before", required=False, widget=_DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Sent on or before: this day comes before the first day.")
        return data

    def criteria(self) -> Criteria:
        d = self.cleaned_data
        return Criteria(
            text=d.get("text", "").strip(),
            sender=d.get("sender", "").strip(),
            recipient=d.get("recipient", "").strip(),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )


class ExportForm(ArchiveSearchForm):
    profile = forms.ChoiceField(
        label="Profile", choices=ExportProfile.choices, widget=forms.RadioSelect
    )
    student = forms.CharField(
        label="Student (a parent's request)",
        required=False,
        max_length=255,
        help_text="The student's district id number. Required for a parent's request.",
    )
    reference = forms.CharField(label="Request number or matter", required=False, max_length=100)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    field_order = [
        "profile",
        "student",
        "reference",
        "text",
        "sender",
        "recipient",
        "date_from",
        "date_to",
    ]

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.student_person: Person | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("profile") == ExportProfile.PARENT:
            ident = (data.get("student") or "").strip()
            if not ident:
                self.add_error("student", "Student: a parent's request names the student.")
            else:
                found = (
                    Person.objects.filter(
                        district=self.district, kind=Person.Kind.STUDENT, identifier=ident
                    ).first()
                    or Person.objects.filter(
                        district=self.district, kind=Person.Kind.STUDENT, sourced_id=ident
                    ).first()
                )
                if found is None:
                    self.add_error("student", "Student: no student of the district has that id.")
                self.student_person = found
        return data
