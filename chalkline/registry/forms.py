"""Forms of the registry pages. They validate; the views hand cleaned_data to a service."""

from __future__ import annotations

from typing import Any

from django import forms

from chalkline.registry.agreements import read_agreement
from chalkline.registry.models import App, Breach

_DATE = forms.DateInput(attrs={"type": "date"})


class RequestForm(forms.Form):
    name = forms.CharField(max_length=200, label="App or account name")
    operator = forms.CharField(max_length=200, label="Company (operator)")
    operator_address = forms.CharField(
        max_length=400, required=False, label="Operator's business address"
    )
    purpose = forms.ChoiceField(choices=App.Purpose.choices, label="Used for")
    data_elements = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Data elements shared",
        help_text="One a line, e.g. student name, school email, class roster.",
    )
    domains = forms.CharField(
        max_length=500,
        required=False,
        label="Internet domains",
        help_text="Comma-separated, e.g. seesaw.me, app.seesaw.me.",
    )
    subcontractors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One a line."
    )
    subcontractors_url = forms.URLField(
        required=False, label="Link to the operator's list of subcontractors"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What you will use it for"
    )


class ReviewForm(forms.Form):
    check_data_elements = forms.BooleanField(required=False, label="Data elements are acceptable")
    check_age_limits = forms.BooleanField(required=False, label="Age limits fit our students")
    check_accessibility = forms.BooleanField(required=False, label="Accessible (WCAG 2.1 AA)")
    check_security = forms.BooleanField(required=False, label="Security practices are adequate")
    recommendation = forms.ChoiceField(
        choices=[(App.Recommendation.APPROVE, "Approve"), (App.Recommendation.REFUSE, "Refuse")],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AgreementFile(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            read_agreement(upload)
        return upload


class ApproveForm(forms.Form):
    agreement = AgreementFile(label="Signed agreement (PDF, at most 20 MB)")
    redacted = AgreementFile(
        required=False,
        label="Redacted copy for posting (PDF, optional)",
        help_text="SOPPA allows redactions in the posted copy; without one, the agreement is posted.",
    )
    signed_on = forms.DateField(widget=_DATE, label="Signed on")
    expires_on = forms.DateField(widget=_DATE, required=False, label="Expires on")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed, expires = data.get("signed_on"), data.get("expires_on")
        if signed and expires and expires < signed:
            self.add_error("expires_on", "The agreement expires before it is signed.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="Registry CSV")


class BreachForm(forms.Form):
    app = forms.ModelChoiceField(queryset=App.objects.none(), required=False, label="Operator")
    cause = forms.ChoiceField(choices=Breach.Cause.choices, label="Caused by")
    started_on = forms.DateField(widget=_DATE, label="Date (or first day)")
    ended_on = forms.DateField(widget=_DATE, required=False, label="Last day, for a date range")
    estimated = forms.BooleanField(required=False, label="The dates are estimated")
    students = forms.IntegerField(min_value=0, max_value=10_000_000, label="Number of students")
    discovered_on = forms.DateField(widget=_DATE, label="The district learned of it on")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, apps: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["app"].queryset = apps  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The breach ends before it starts.")
        return data


class DelayForm(forms.Form):
    request = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Law enforcement's request",
        help_text="Who asked, when, and why, as recorded.",
    )
    delayed_until = forms.DateField(widget=_DATE, label="Notice delayed until")


class PrivacyPageForm(forms.Form):
    data_explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="The data the district collects, and why",
        help_text="In plain language: what, how it is used, to whom it is disclosed and why.",
    )
    parent_rights = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="How parents exercise their rights",
    )
    host_name = forms.CharField(
        max_length=200, required=False, label="Who hosts Chalkline for the district (if not us)"
    )
    host_address = forms.CharField(max_length=400, required=False, label="The host's address")


class SearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Search the operators")


# --- the District's logo -----------------------------------------------------------------------


class LogoRequestForm(forms.Form):
    purpose = forms.CharField(
        max_length=300,
        label="What will you use the logo for?",
        help_text="e.g. the robotics team's T-shirts for the 2026-2027 season.",
    )
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Where and how it will appear",
        help_text="Optional: the places, the sizes, how long.",
    )


class LogoGrantForm(forms.Form):
    starts_on = forms.DateField(widget=_DATE, label="Permitted from")
    ends_on = forms.DateField(widget=_DATE, label="Permitted until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return data


class LogoReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Reason (the employee sees it)",
    )


class LogoImageForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="e.g. District seal, mascot.")
    image = forms.FileField(
        label="Logo image (PNG or JPEG, up to 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
