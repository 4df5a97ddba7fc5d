from __future__ import annotations

from typing import Any

from django import forms

from chalkline.messaging.models import (
    DEFAULT_RULES,
    MAX_GROUP_DESCRIPTION,
    MAX_GROUP_NAME,
    MAX_MESSAGE_CHARS,
    MAX_SUBJECT_CHARS,
    ScreeningRule,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (what Django's documentation shows). The content checks are
    in ``chalkline.messaging.attachments``; this only collects the uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


ATTACHMENT_ACCEPT = (
    ".pdf,.png,.jpg,.jpeg,.txt,.docx,application/pdf,image/png,image/jpeg,text/plain"
)

_BODY_ERRORS = {
    "max_length": "Message: at most 10,000 characters (this one has %(show_value)s).",
    "required": "Message: write something to send.",
}


class _Screened(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MAX_MESSAGE_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_BODY_ERRORS,
        help_text="Plain text, up to 10,000 characters. It is checked against Board Policy "
        "5:125 as you type and again when you send.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    attachments = MultipleFileField(
        label="Attach files",
        required=False,
        help_text="PDF, PNG, JPEG, plain text or Word (.docx); up to 5 files of 10 MB each; "
        "images up to 40 megapixels. Files are checked with the message.",
    )
    reason = forms.CharField(
        label="Why send it anyway? (needed when a finding asks for it)",
        required=False,
        max_length=500,
        help_text="Recorded with the message for the District's review.",
    )

    urgent_reason = forms.CharField(
        label="Urgent: why it cannot wait (optional)",
        required=False,
        max_length=500,
        help_text="Only for roles that may mark messages urgent. An urgent message is delivered "
        "at once, even in quiet hours; the reason is recorded.",
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_BODY_ERRORS["required"])
        return body


class ComposeForm(_Screened):
    audience = forms.CharField(label="To", max_length=80)
    subject = forms.CharField(label="Subject", max_length=MAX_SUBJECT_CHARS)

    field_order = [
        "audience",
        "subject",
        "body",
        "attachments",
        "reason",
        "urgent_reason",
        "idempotency_key",
    ]

    def clean_audience(self) -> tuple[str, str]:
        value: str = self.cleaned_data["audience"]
        kind, sep, key = value.partition(":")
        if not sep or not kind:
            raise forms.ValidationError("To: choose who the message is for.")
        return kind, key


class ReplyForm(_Screened):
    pass


DETECTOR_LABELS = {
    "student_name": "A student's name to an audience with no right to it",
    "student_identifier": "A student's ID number, username or similar",
    "student_record": "Student records (grades, health, discipline, services)",
    "credential_request": "Asking for passwords or sign-in codes",
    "personal_channel": "Personal accounts, numbers or unapproved apps",
    "secrecy": "Asking to keep a conversation secret",
    "harassment": "Harassing or demeaning language",
    "photo_face": "Photos with faces",
    "district_logo": "The District's logo",
}


class SettingsForm(forms.Form):
    """One choice per detector, then the hub's settings."""

    students_may_start = forms.BooleanField(
        label="Students may start conversations with their teachers",
        required=False,
        help_text="Otherwise students only reply.",
    )
    guardians_through_grade = forms.IntegerField(
        label="Show staff–student conversations to the student's guardians through grade",
        required=False,
        min_value=0,
        max_value=12,
        help_text="0 is kindergarten. Leave empty to never show them.",
    )

    students_from_grade = forms.IntegerField(
        label="Students can be written to directly from grade",
        required=False,
        min_value=0,
        max_value=12,
        help_text="0 is kindergarten. A class's students below this grade are reached only "
        "through their families.",
    )
    students_through_grade = forms.IntegerField(
        label="… through grade", required=False, min_value=0, max_value=12
    )
    keep_blocked_text = forms.BooleanField(
        label="Keep the text of messages screening blocked",
        required=False,
        help_text="Off: a blocked attempt records who, when, which findings and the audience.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for detector in DEFAULT_RULES:
            self.fields[f"rule_{detector}"] = forms.ChoiceField(
                label=DETECTOR_LABELS.get(detector, detector),
                choices=ScreeningRule.choices,
            )

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[f"rule_{d}"] for d in DEFAULT_RULES]

    def other_fields(self) -> list[forms.BoundField]:
        return [
            self["students_may_start"],
            self["guardians_through_grade"],
            self["students_from_grade"],
            self["students_through_grade"],
            self["keep_blocked_text"],
        ]

    def reachable_grades(self) -> tuple[int, int] | None:
        """Both grades, or None to keep the district's (a form posted without them)."""
        low = self.cleaned_data.get("students_from_grade")
        high = self.cleaned_data.get("students_through_grade")
        return None if low is None or high is None else (low, high)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("students_from_grade"), data.get("students_through_grade")
        if low is not None and high is not None and low > high:
            self.add_error(
                "students_through_grade",
                f"… through grade: {high} is before grade {low}; the last grade comes last.",
            )
        return data

    def rules(self) -> dict[str, str]:
        return {d: self.cleaned_data[f"rule_{d}"] for d in DEFAULT_RULES}


# --- staff groups ------------------------------------------------------------------------------

DISTRICT_WIDE = "district"


class StaffGroupForm(forms.Form):
    """A group's name and description; on a new group, where it belongs (``buildings``: the
    choices the user keeps groups for, ``district_wide``: whether they keep district-wide
    ones)."""

    name = forms.CharField(
        label="Name",
        max_length=MAX_GROUP_NAME,
        help_text="For example “Grade 3 team”, “Special education case managers” or “Coaches”.",
        error_messages={
            "required": "Name: give the group a name.",
            "max_length": f"Name: at most {MAX_GROUP_NAME} characters.",
        },
    )
    description = forms.CharField(
        label="What the group is for",
        max_length=MAX_GROUP_DESCRIPTION,
        required=False,
        error_messages={"max_length": f"Description: at most {MAX_GROUP_DESCRIPTION} characters."},
    )

    def __init__(
        self,
        *args: Any,
        buildings: list[tuple[int, str]] | None = None,
        district_wide: bool = False,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["active"] = forms.BooleanField(
                label="In use (untick to retire the group: no new message to it)", required=False
            )
            return
        choices = [(DISTRICT_WIDE, "District-wide")] if district_wide else []
        choices += [(str(pk), name) for pk, name in buildings or []]
        self.fields["where"] = forms.ChoiceField(
            label="Belongs to",
            choices=choices,
            help_text="A building’s group is kept by its principal; a district-wide group by the "
            "district office.",
            error_messages={
                "required": "Belongs to: choose a building or district-wide.",
                "invalid_choice": "Belongs to: choose one of the buildings listed.",
            },
        )
        self.order_fields(["name", "where", "description"])

    def clean_where(self) -> int | None:
        value: str = self.cleaned_data["where"]
        return None if value == DISTRICT_WIDE else int(value)
