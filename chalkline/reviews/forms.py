"""Forms of the reviews pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from chalkline.people.models import User


class UserChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ScheduleForm(forms.Form):
    cycle_months = forms.IntegerField(
        label="Review every (months)", min_value=1, max_value=120, initial=24
    )
    next_review_on = forms.DateField(
        label="Next review", widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = UserChoice(
        queryset=User.objects.none(),
        required=False,
        label="Owner (reminded by e-mail)",
    )

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class UsersChoice(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class OpenReviewForm(forms.Form):
    participants = UsersChoice(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Employee representatives, network administrators, HR and anyone else on staff.",
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    clause_id = forms.ChoiceField(label="Clause")
    quote = forms.CharField(
        label="Text you comment on (optional)",
        required=False,
        max_length=2000,
        help_text="Copy the words exactly from the clause; leave empty for the whole clause.",
    )
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))
    proposed_text = forms.CharField(
        label="Proposed wording (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, clause_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clause_id"].choices = [(c, c) for c in clause_ids]  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    body = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        choices=[("accepted", "Accepted"), ("rejected", "Rejected"), ("deferred", "Deferred")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the comment is rejected.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("resolution") == "rejected" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for rejecting the comment.")
        return data


class PlaceOnAgendaForm(forms.Form):
    public_first_reading = forms.BooleanField(
        required=False,
        label="Show the draft on the public portal while it is out for first reading",
    )


class ReadingForm(forms.Form):
    reading = forms.ChoiceField(
        choices=[("first", "First reading held"), ("waived", "First reading waived")],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label="Meeting date", widget=forms.DateInput(attrs={"type": "date"}))


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label="Adopted on (meeting date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    motion = forms.CharField(
        label="Motion, as the minutes state it", widget=forms.Textarea(attrs={"rows": 2})
    )
    vote = forms.CharField(label="Vote, as the minutes state it", max_length=200)
    minutes_url = forms.URLField(
        label="Link to the official minutes", required=False, max_length=500, assume_scheme="https"
    )
    change_summary = forms.CharField(
        label="Change summary (shown in the policy's history)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    material = forms.BooleanField(
        required=False,
        label="Material change: staff must acknowledge the new version (opens the follow-up campaign)",
    )


class CoverMemoForm(forms.Form):
    cover_memo = forms.CharField(
        label="Cover memo",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The first page of the Board packet: why the change, what the Board is asked.",
    )


class UploadDraftForm(forms.Form):
    file = forms.FileField(
        label="Word file (.docx), text, HTML or PDF",
        help_text="A Word file may be at most 20 MB; it must not be password-protected.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm_lost = forms.BooleanField(
        required=False, label="Remove the clauses this file does not have, and save"
    )


class ModelUpdateForm(forms.Form):
    label = forms.CharField(label="Which update", max_length=200, help_text="e.g. PRESS Issue 118")
    old_model_text = forms.CharField(
        label="The model text your policy was based on",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    new_model_text = forms.CharField(
        label="The new model text", widget=forms.Textarea(attrs={"rows": 6})
    )
