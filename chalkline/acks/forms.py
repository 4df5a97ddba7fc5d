"""Forms of the acknowledgment pages. They validate input; services do the work."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.db.models import QuerySet

from chalkline.acks.categories import CATEGORIES
from chalkline.acks.models import AssignmentStatus
from chalkline.lib.widgets import PlainSelect
from chalkline.people.models import Building
from chalkline.policies.models import PolicyVersion


class VersionChoiceField(forms.ModelMultipleChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.policy.number_raw} {obj.title} (version {obj.seq})"


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Annual policy acknowledgment")
    school_year = forms.RegexField(
        regex=r"^\d{4}-\d{4}$", max_length=9, help_text="For example 2026-2027."
    )
    due_on = forms.DateField(
        label="Due date",
        # A date input shows the date the browser's way and sends it as YYYY-MM-DD; the value put
        # back after an error must be YYYY-MM-DD too, or the picker shows an empty box.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The last day to sign. Pick it in the calendar, or type it as the box shows.",
    )
    versions = VersionChoiceField(
        queryset=PolicyVersion.objects.none(),
        label="Policies to sign (one packet)",
        widget=forms.CheckboxSelectMultiple,
    )
    buildings = forms.ModelMultipleChoiceField(
        queryset=Building.objects.none(),
        required=False,
        label="Buildings",
        help_text="Tick none for every building.",
        widget=forms.CheckboxSelectMultiple,
    )
    job_categories = forms.MultipleChoiceField(
        choices=list(CATEGORIES.items()),
        required=False,
        label="Job categories",
        help_text="Leave empty for all staff.",
        widget=forms.CheckboxSelectMultiple,
    )
    include_new_hires = forms.BooleanField(
        required=False, initial=True, label="Assign new hires automatically"
    )
    new_hire_days = forms.IntegerField(
        min_value=1, max_value=180, initial=30, label="Days a new hire has to sign"
    )
    escalate_superintendent_after_days = forms.IntegerField(
        min_value=1,
        max_value=120,
        initial=14,
        label="Escalate to the superintendent this many days after the due date",
    )
    duplicate_reason = forms.CharField(
        required=False,
        max_length=1000,
        label="Why a second campaign for the same text?",
        help_text="Kept in the audit log with the campaign.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        versions: QuerySet[PolicyVersion],
        buildings: QuerySet[Building],
        school_year: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if school_year:
            self.fields["school_year"].initial = school_year
        field_v = self.fields["versions"]
        field_b = self.fields["buildings"]
        assert isinstance(field_v, forms.ModelMultipleChoiceField)  # noqa: S101 - narrowing
        assert isinstance(field_b, forms.ModelMultipleChoiceField)  # noqa: S101 - narrowing
        field_v.queryset = versions
        field_b.queryset = buildings


class SignForm(forms.Form):
    typed_name = forms.CharField(
        max_length=250,
        required=False,
        label="Type your full name",
        help_text="As on your staff record; capital letters and spacing do not matter.",
    )
    password = forms.CharField(
        required=False,
        label="Or re-enter your password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "current-password"}),
    )
    comment = forms.CharField(
        required=False,
        max_length=5000,
        label="Comment or rebuttal (optional)",
        help_text="Kept with your signature in your personnel file.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("typed_name") or "").strip() and not data.get("password"):
            raise forms.ValidationError("Type your full name or re-enter your password to sign.")
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        max_length=5000, label="Why are you refusing?", widget=forms.Textarea(attrs={"rows": 4})
    )
    comment = forms.CharField(
        required=False,
        max_length=5000,
        label="Other comment (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label="I agree to sign electronically. I know I can sign on paper instead."
    )


class PaperForm(forms.Form):
    KIND_CHOICES = [("paper", "Signed paper form"), ("proxy", "Proxy acknowledgment")]
    kind = forms.ChoiceField(choices=KIND_CHOICES, label="Kind of record", initial="paper")
    rationale = forms.CharField(
        max_length=5000,
        label="Rationale",
        help_text="Why this acknowledgment is on paper or by proxy.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scan = forms.FileField(
        label="Scan of the signed form",
        help_text="PDF or image (JPEG, PNG, TIFF, GIF), 20 MB at most.",
    )


class WitnessedRefusalForm(forms.Form):
    witness_name = forms.CharField(max_length=200, label="Witness's full name")
    reason = forms.CharField(
        max_length=5000,
        label="Reason the employee gave",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scan = forms.FileField(
        required=False,
        label="Scan of the refusal form (optional)",
        help_text="PDF or image, 20 MB at most.",
    )


class StaffFilterForm(forms.Form):
    # PlainSelect: the building dashboard renders this form on every view (chalkline/lib/widgets)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *AssignmentStatus.choices],
        required=False,
        label="Status",
        widget=PlainSelect,
    )
    category = forms.ChoiceField(
        choices=[("", "Any job category"), *CATEGORIES.items()],
        required=False,
        label="Job",
        widget=PlainSelect,
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")
    q = forms.CharField(required=False, max_length=100, label="Name")
    page = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v and k != "page"}


class FollowUpForm(forms.Form):
    version = forms.ModelChoiceField(queryset=PolicyVersion.objects.none(), label="Revised version")

    def __init__(self, *args: Any, versions: QuerySet[PolicyVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing
        field.queryset = versions


class QuietHoursForm(forms.Form):
    quiet_start = forms.TimeField(
        label="Quiet hours start",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="No e-mail is sent from this time…",
    )
    quiet_end = forms.TimeField(
        label="Quiet hours end",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="…until this time. The same time for both turns quiet hours off.",
    )
    time_zone = forms.ChoiceField(
        label="District time zone",
        help_text="Quiet hours and due dates are read in this time zone.",
    )

    def __init__(self, *args: Any, district_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = zone_choices_first(district_zone)


def zone_choices_first(district_zone: str) -> list[tuple[str, str]]:
    """Every zone, the district's own first (it is the one most people keep or look for)."""
    choices = _zone_choices()
    mine = [c for c in choices if c[0] == district_zone]
    return mine + [c for c in choices if c[0] != district_zone]


@cache
def _zone_choices() -> list[tuple[str, str]]:
    """Every zone the system knows (available_timezones() walks the zone files on each call), so
    a district's current zone (UTC, EST5EDT…) is always among the choices and saving the hours
    never changes the zone by accident."""
    from zoneinfo import available_timezones

    return [(z, z.replace("_", " ")) for z in sorted(available_timezones())]
