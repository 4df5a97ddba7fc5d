"""Forms of quiet hours and the review queue."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms

from chalkline.messaging.models import ReviewItem

_TIME = {"type": "time"}


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this message?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Reason: say what is wrong with this message.",
            "max_length": "Reason: at most 500 characters (this one has %(show_value)s).",
        },
        help_text="Up to 500 characters. The building principal or the District reviews it.",
    )

    def clean_reason(self) -> str:
        value: str = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("Reason: say what is wrong with this message.")
        return value


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ReviewItem.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Outcome: choose no action, a coaching note or a referral."},
    )
    note = forms.CharField(
        label="Note (required for a coaching note)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Up to 5,000 characters. A coaching note is for the employee's coaching; a "
        "referral's note goes on the case.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("outcome") == ReviewItem.Outcome.COACHING
            and not str(data.get("note", "")).strip()
        ):
            self.add_error("note", "Coaching note: write the note for the employee's coaching.")
        return data


def _parse_dates(text: str) -> list[datetime.date]:
    out: list[datetime.date] = []
    for n, raw in enumerate(text.replace(",", "\n").splitlines(), start=1):
        value = raw.strip()
        if not value:
            continue
        try:
            out.append(datetime.date.fromisoformat(value))
        except ValueError:
            raise forms.ValidationError(
                f"Non-school days: line {n} ({value[:20]!r}) is not a date like 2026-12-24."
            ) from None
    if len(out) > 400:
        raise forms.ValidationError("Non-school days: at most 400 dates.")
    return out


class QuietHoursForm(forms.Form):
    quiet_start = forms.TimeField(
        label="Quiet hours start", required=False, widget=forms.TimeInput(attrs=_TIME)
    )
    quiet_end = forms.TimeField(
        label="Quiet hours end", required=False, widget=forms.TimeInput(attrs=_TIME)
    )
    time_zone = forms.CharField(label="The district's time zone", max_length=64)
    escalate_after_school_days = forms.IntegerField(
        label="School days before an unreviewed item goes to the designee",
        min_value=1,
        max_value=20,
    )
    non_school_days = forms.CharField(
        label="Non-school days (one date per line, like 2026-12-24)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Saturdays and Sundays never count as school days.",
    )

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                f"Time zone: {value[:64]!r} is not a time zone name like America/Chicago."
            ) from None
        return value

    def clean_non_school_days(self) -> list[datetime.date]:
        return _parse_dates(self.cleaned_data.get("non_school_days") or "")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                "Quiet hours: give both the start and the end, or leave both empty."
            )
        return data


class BuildingQuietHoursForm(forms.Form):
    building = forms.IntegerField(widget=forms.HiddenInput)
    quiet_start = forms.TimeField(
        label="Start", required=False, widget=forms.TimeInput(attrs=_TIME)
    )
    quiet_end = forms.TimeField(label="End", required=False, widget=forms.TimeInput(attrs=_TIME))
