"""Forms of the training pages. They validate input; services do the work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from chalkline.people.models import Building
from chalkline.policies.models import PolicyVersion
from chalkline.training.models import Session, Training

MAX_MATERIAL_BYTES = 20 * 1024 * 1024

QUESTIONS_HELP = (
    "Optional knowledge check. One question per block, blocks separated by an empty line: the "
    "question on the first line, then one choice per line, the right one starting with *."
)


def parse_questions(text: str) -> list[dict[str, Any]]:
    """The knowledge check as the district types it (see QUESTIONS_HELP)."""
    questions: list[dict[str, Any]] = []
    for number, block in enumerate(
        (b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()), 1
    ):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        choices = [line.lstrip("*").strip() for line in lines[1:]]
        right = [i for i, line in enumerate(lines[1:]) if line.startswith("*")]
        if len(choices) < 2 or len(right) != 1:
            raise forms.ValidationError(
                f"Question {number} needs at least two choices and exactly one marked with *."
            )
        questions.append({"question": lines[0], "choices": choices, "answer": right[0]})
    return questions


class VersionChoice(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.policy.number_raw} {obj.title} (version {obj.seq})"


class TrainingForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Educator ethics and conduct in-service")
    topic = forms.ChoiceField(choices=Training.Topic.choices)
    content = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Content",
        help_text="What the district writes: the in-service material, in plain text.",
    )
    material = forms.FileField(
        required=False, label="Or upload the material", help_text="A file of at most 20 MB."
    )
    policy_version = VersionChoice(
        queryset=PolicyVersion.objects.none(),
        required=False,
        label="Policy whose clauses the self-paced module shows",
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label="Knowledge check",
        help_text=QUESTIONS_HELP,
    )
    pass_percent = forms.IntegerField(min_value=0, max_value=100, initial=80, label="Pass mark (%)")
    pd_hours = forms.DecimalField(
        min_value=Decimal("0.0"),
        max_value=Decimal("99.9"),
        decimal_places=1,
        initial=Decimal("1.0"),
        label="Professional-development hours",
    )
    renewal_years = forms.IntegerField(
        min_value=1,
        max_value=10,
        required=False,
        label="Renew every (years)",
        help_text="Mandated-reporter training: 3. Leave empty when it does not lapse.",
    )

    def __init__(self, *args: Any, versions: QuerySet[PolicyVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(VersionChoice, self.fields["policy_version"]).queryset = versions

    def clean_questions(self) -> list[dict[str, Any]]:
        return parse_questions(self.cleaned_data.get("questions") or "")

    def clean_material(self) -> Any:
        material = self.cleaned_data.get("material")
        if material is not None and material.size > MAX_MATERIAL_BYTES:
            raise forms.ValidationError("The file is over 20 MB.")
        return material

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("content") and not data.get("material") and not data.get("policy_version"):
            raise forms.ValidationError("Write the content, upload it, or choose a policy.")
        return data


class SessionForm(forms.Form):
    format = forms.ChoiceField(choices=Session.Format.choices)
    building = forms.ModelChoiceField(
        queryset=Building.objects.none(),
        required=False,
        empty_label="The whole district",
        help_text="The roster is every active staff member of the building (or the district).",
    )
    starts_at = forms.DateTimeField(
        required=False,
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Not needed for a self-paced module.",
    )
    location = forms.CharField(
        max_length=300, required=False, label="Room or meeting link", initial=""
    )
    presenter = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label="Presenter"
    )

    def __init__(
        self,
        *args: Any,
        buildings: QuerySet[Building],
        presenters: QuerySet[Any],
        district_wide: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        building = cast(forms.ModelChoiceField[Any], self.fields["building"])
        presenter = cast(forms.ModelChoiceField[Any], self.fields["presenter"])
        building.queryset = buildings
        building.required = not district_wide
        presenter.queryset = presenters

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") != Session.Format.SELF_PACED and not data.get("starts_at"):
            self.add_error("starts_at", "A scheduled session needs its start.")
        return data


class SettingsForm(forms.Form):
    isbe_provider_number = forms.CharField(
        max_length=40,
        required=False,
        label="ISBE provider number",
        help_text="Printed on completion certificates when set.",
    )


def module_form(questions: list[dict[str, Any]], data: Any = None) -> forms.Form:
    """The knowledge check as radio buttons, one field per question (q1, q2, ...)."""
    form = forms.Form(data)
    for number, question in enumerate(questions, 1):
        form.fields[f"q{number}"] = forms.TypedChoiceField(
            label=f"{number}. {question['question']}",
            choices=list(enumerate(question["choices"])),
            coerce=int,
            widget=forms.RadioSelect,
        )
    return form
