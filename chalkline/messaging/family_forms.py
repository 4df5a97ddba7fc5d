"""Forms of the family-account pages: claiming an invitation, preferences, contact
restrictions, the district's family account settings."""

from __future__ import annotations

from typing import Any

from django import forms

from chalkline.messaging.models import ContactPreference, ContactRestriction

#: Languages a family may ask for (the hub's own pages are in English and Spanish; messages are
#: written by staff, and translation is for a later issue).
FAMILY_LANGUAGES = [
    ("", "The district's language"),
    ("en", "English"),
    ("es", "Español (Spanish)"),
    ("pl", "Polski (Polish)"),
    ("ar", "العربية (Arabic)"),
    ("zh", "中文 (Chinese)"),
    ("vi", "Tiếng Việt (Vietnamese)"),
    ("tl", "Tagalog"),
    ("ur", "اردو (Urdu)"),
    ("uk", "Українська (Ukrainian)"),
    ("ru", "Русский (Russian)"),
    ("ko", "한국어 (Korean)"),
    ("fr", "Français (French)"),
]


class ClaimForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters, not a common password and not only numbers.",
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "The two passwords differ: type the same one twice.")
        return data


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label="Preferred language", choices=FAMILY_LANGUAGES, required=False
    )
    channel = forms.ChoiceField(
        label="How you hear from the school",
        choices=ContactPreference.Channel.choices,
        widget=forms.RadioSelect,
    )
    cadence = forms.ChoiceField(
        label="How often",
        choices=ContactPreference.Cadence.choices,
        widget=forms.RadioSelect,
        help_text="Urgent messages always come at once.",
    )


class RestrictionForm(forms.Form):
    guardian = forms.TypedChoiceField(label="Guardian", coerce=int)
    kind = forms.ChoiceField(label="Kind of order", choices=ContactRestriction.Kind.choices)
    reference = forms.CharField(
        label="Reference", max_length=120, help_text="The order's case number or reference."
    )
    starts_on = forms.DateField(
        label="In force from", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for an order with no end date.",
    )
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, guardians: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].choices = guardians  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The restriction cannot end before it starts.")
        return data


class FamilyAccountSettingsForm(forms.Form):
    students_invited_from_grade = forms.IntegerField(
        label="Students may be invited from grade",
        required=False,
        min_value=0,
        max_value=12,
        help_text="0 is kindergarten. Leave empty to invite guardians only.",
    )
    adult_students_reached_as_adults = forms.BooleanField(
        label="Students aged 18 or more are reached as adults",
        required=False,
        help_text="They are reached directly and their guardians no longer get copies.",
    )
    invitation_days = forms.IntegerField(
        label="An invitation link works for (days)", min_value=1, max_value=60
    )
