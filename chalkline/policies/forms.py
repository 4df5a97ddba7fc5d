from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from chalkline.policies.models import Guideline
from chalkline.policies.parsing import MAX_POLICY_BYTES
from chalkline.policies.services import MAX_SUMMARY

LIMIT_MB = MAX_POLICY_BYTES // 1_048_576


def too_large_message(size: int) -> str:
    return f"The file is {size / 1_048_576:.1f} MB; the limit for a policy is {LIMIT_MB} MB."


class ImportPolicyForm(forms.Form):
    """Upload a file or paste the text. The number field appears only when the text has none."""

    file = forms.FileField(
        required=False,
        label="Policy file",
        help_text=f"Plain text, HTML or a PDF with a text layer, up to {LIMIT_MB} MB.",
    )
    text = forms.CharField(
        required=False,
        label="Or paste the policy text",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_POLICY_BYTES,
    )
    number = forms.CharField(
        required=False,
        max_length=40,
        label="Policy number",
        help_text="No policy number was found in the text. Enter it as the manual writes it, e.g. 5:125.",
    )
    ask_number = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ask_number: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asks_number = ask_number or (self.is_bound and self.data.get("ask_number") == "True")
        if self.asks_number:
            self.fields["number"].required = True
            self.initial["ask_number"] = True

    def clean_file(self) -> UploadedFile[Any] | None:
        upload: UploadedFile[Any] | None = self.cleaned_data.get("file")
        # Refuse by size before reading a single byte of the content.
        if upload is not None and (upload.size or 0) > MAX_POLICY_BYTES:
            raise forms.ValidationError(too_large_message(upload.size or 0))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("text") or "")
        if upload is None and not text.strip() and not self.errors:
            raise forms.ValidationError("Choose a file or paste the policy text.")
        if upload is not None and text.strip():
            raise forms.ValidationError("Choose a file or paste the text, not both.")
        return data

    def payload(self) -> tuple[bytes, str | None, str | None]:
        """The bytes to import, with the file name and content type when uploaded."""
        upload: UploadedFile[Any] | None = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(MAX_POLICY_BYTES + 1), upload.name, upload.content_type
        return self.cleaned_data["text"].encode("utf-8"), None, "text/plain"


class EditDraftForm(forms.Form):
    text = forms.CharField(
        label="Policy text",
        widget=forms.Textarea(attrs={"rows": 30}),
        max_length=MAX_POLICY_BYTES,
        help_text="Edit the text as published; numbering, definitions and dates are read again.",
    )
    adopted_on = forms.DateField(
        required=False,
        label="Adopted on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to use the date found in the text.",
    )
    revised_on = forms.DateField(
        required=False,
        label="Last revised on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to use the date found in the text.",
    )


class PublishForm(forms.Form):
    change_summary = forms.CharField(
        label="Change summary",
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changed and why, in a sentence or two. Employees see it.",
    )
    material = forms.BooleanField(
        required=False,
        label="This is a material change (employees acknowledge the policy again)",
    )


class GuidelinePublishForm(forms.Form):
    change_summary = forms.CharField(
        label="Change summary", max_length=MAX_SUMMARY, widget=forms.Textarea(attrs={"rows": 3})
    )


class GuidelineForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=200_000,
        help_text="Markdown: # for headings, - for lists, **bold**. HTML is shown as plain text.",
    )


class NewGuidelineForm(GuidelineForm):
    kind = forms.ChoiceField(choices=Guideline.Kind.choices, label="Kind of document")


class _VersionChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class CompareForm(forms.Form):
    """Two versions of one policy (``?from=<id>&to=<id>``), among those the user may see."""

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("from", "From version"), ("to", "To version")):
            self.fields[name] = _VersionChoiceField(queryset=versions, label=label)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search the policies")
