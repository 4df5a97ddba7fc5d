from __future__ import annotations

from datetime import date

from django import forms


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=80, label="Action starts with")
    actor = forms.CharField(required=False, max_length=150, label="Actor username")
    target_type = forms.CharField(required=False, max_length=80, label="Target type")
    target_id = forms.CharField(required=False, max_length=80, label="Target id")
    since = forms.DateField(
        required=False, label="From (date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To (date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10_000_000, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, date) and isinstance(until, date) and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data
