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
