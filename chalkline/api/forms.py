from __future__ import annotations

from django import forms

from chalkline.api.models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What will use this token, so you can recognise it later (e.g. “Hub relay”).",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        initial=[Scope.SCREEN],
        widget=forms.CheckboxSelectMultiple,
        label="Allowed to",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name
