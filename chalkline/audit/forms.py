from __future__ import annotations

from datetime import date

from django import forms
from django.apps import apps

# Targets that are not rows of a model: the whole log (exports, verifications) and checkpoints.
PSEUDO_TARGETS = [("audit.auditevent", "The audit log"), ("audit.checkpoint", "Audit checkpoint")]


def target_type_choices() -> list[tuple[str, str]]:
    """Every kind of object an event can be about: Chalkline's models, by name. A fixed list, so
    offering it costs no query however long the log."""
    kinds = {
        model._meta.label_lower: str(model._meta.verbose_name).capitalize()
        for model in apps.get_models()
        if model.__module__.startswith("chalkline.")
        and not model._meta.label_lower.startswith("audit.")
    }
    kinds.update(PSEUDO_TARGETS)
    return [("", "Any kind")] + sorted(kinds.items(), key=lambda kv: (kv[1], kv[0]))


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=80, label="Action starts with")
    actor = forms.CharField(
        required=False,
        max_length=150,
        label="Actor",
        help_text="A username or its beginning.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    target_type = forms.ChoiceField(required=False, label="Target kind", choices=())
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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = target_type_choices()
        self.fields["target_type"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, date) and isinstance(until, date) and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data
