"""Forms of the records officer's pages: schedule items, disposal certificates, legal holds."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from chalkline.messaging.models import SERIES_CHOICES, LegalHold, RetentionSchedule
from chalkline.messaging.models.retention import MAX_RETENTION_MONTHS

DATE = forms.DateInput(attrs={"type": "date"})


class ScheduleForm(forms.Form):
    schedule_number = forms.CharField(
        label="Schedule (application) number",
        max_length=40,
        help_text="As the Local Records Commission approved it, e.g. 24-0117.",
    )
    item_number = forms.CharField(label="Item number", max_length=20)
    title = forms.CharField(
        label="Record series title",
        max_length=200,
        help_text="As written on the schedule, e.g. Electronic correspondence with families.",
    )
    series = forms.ChoiceField(
        label="Messages in this series",
        choices=SERIES_CHOICES,
        help_text="Which of the hub's messages the item covers, by audience.",
    )
    retention_months = forms.IntegerField(
        label="Retention period (months)",
        min_value=1,
        max_value=MAX_RETENTION_MONTHS,
        help_text="E.g. 60 for five years. Permanent records are not scheduled for disposal.",
    )
    approved_on = forms.DateField(label="Approval date", widget=DATE)
    commission_reference = forms.CharField(
        label="Commission reference",
        max_length=200,
        help_text="The Commission's approval as written on the schedule (meeting, number).",
    )


class ScheduleChoiceField(forms.ModelChoiceField[RetentionSchedule]):
    def label_from_instance(self, obj: RetentionSchedule) -> str:
        return obj.label


class CertificateForm(forms.Form):
    schedule = ScheduleChoiceField(
        label="Schedule item",
        queryset=RetentionSchedule.objects.none(),
        empty_label="Choose the schedule item",
    )
    number = forms.CharField(label="Certificate number", max_length=40)
    approved_on = forms.DateField(label="Approval date", widget=DATE)
    covers_from = forms.DateField(
        label="Covers messages sent from",
        required=False,
        widget=DATE,
        help_text="Leave empty when the certificate covers everything up to its last date.",
    )
    covers_through = forms.DateField(label="Covers messages sent through", widget=DATE)
    description = forms.CharField(
        label="What it covers",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The records as listed on the certificate.",
    )
    file = forms.FileField(
        label="Scan of the approved certificate (optional)",
        required=False,
        help_text="PDF, PNG or JPEG, at most 20 MB.",
    )

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["schedule"]
        assert isinstance(field, ScheduleChoiceField)  # noqa: S101
        field.queryset = RetentionSchedule.objects.filter(district=district)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("covers_from"), data.get("covers_through")
        if start and end and start > end:
            self.add_error("covers_from", "It is after the last date the certificate covers.")
        return data


class HoldForm(forms.Form):
    name = forms.CharField(label="Name of the hold", max_length=200)
    matter = forms.CharField(
        label="Matter",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The lawsuit, investigation or request it preserves records for.",
    )
    scope = forms.ChoiceField(
        label="What it keeps", choices=LegalHold.Scope.choices, widget=forms.RadioSelect
    )
    person = forms.CharField(
        label="Person's roster ID",
        max_length=255,
        required=False,
        help_text="For a person's messages: their ID in the student information or HR system.",
    )
    thread = forms.IntegerField(
        label="Conversation number",
        min_value=1,
        required=False,
        help_text="For one conversation: the number at the end of its address.",
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="Through", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == LegalHold.Scope.PERSON and not data.get("person"):
            self.add_error("person", "A hold on a person's messages names the person.")
        if scope == LegalHold.Scope.THREAD and not data.get("thread"):
            self.add_error("thread", "A hold on a conversation names its number.")
        if scope == LegalHold.Scope.DATES:
            start: datetime.date | None = data.get("date_from")
            end: datetime.date | None = data.get("date_to")
            if start is None:
                self.add_error("date_from", "A hold over dates needs its first date.")
            if end is None:
                self.add_error("date_to", "A hold over dates needs its last date.")
            if start and end and start > end:
                self.add_error("date_to", "It is before the first date.")
        return data


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why the hold ends",
        max_length=500,
        help_text="E.g. the matter was settled and counsel released the hold.",
    )


class DisposeForm(forms.Form):
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I confirm the Local Records Commission approved this certificate and these "
        "messages may be destroyed.",
    )
