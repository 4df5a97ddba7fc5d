from __future__ import annotations

from typing import Any

from django import forms

from chalkline.drafts.models import DraftCheck
from chalkline.people.models import Building, Person

MAX_DRAFT_CHARS = 20_000
MAX_IMAGE_BYTES = 10 * 1024 * 1024


class DraftForm(forms.Form):
    text = forms.CharField(
        label="Your draft",
        required=False,
        max_length=MAX_DRAFT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Paste the post or message. It is checked and then forgotten, unless you keep the check.",
    )
    audience = forms.ChoiceField(
        label="Who will see it?",
        choices=DraftCheck.AudienceKind.choices,
        initial=DraftCheck.AudienceKind.PUBLIC,
        widget=forms.RadioSelect,
    )
    author = forms.ChoiceField(
        label="Who wrote the message?",
        choices=[
            ("me", "I did (my draft)"),
            ("student", "A student, to me"),
            ("guardian", "A parent or family member, to me"),
        ],
        initial="me",
        required=False,
        help_text="For a message you received, for example one that may tell of abuse or neglect.",
    )
    building = forms.ModelChoiceField(
        queryset=Building.objects.none(),
        required=False,
        label="Which building? (for a building’s families)",
    )
    guardian = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Which family? (for one family, optional)",
        help_text="Without it, any student named is treated as not theirs.",
    )
    image = forms.FileField(
        label="Attach an image (optional)",
        required=False,
        help_text="JPEG or PNG, up to 10 MB. Checked for faces and the District logo.",
    )

    def __init__(
        self, *args: Any, buildings: Any = None, guardians: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if buildings is not None:
            self.fields["building"].queryset = buildings  # type: ignore[attr-defined]
        if guardians is not None:
            self.fields["guardian"].queryset = guardians  # type: ignore[attr-defined]
        self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image is not None and image.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError("The image is larger than 10 MB; attach a smaller copy.")
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("image"):
            self.add_error("text", "Paste a draft or attach an image to check.")
        return data


class KeepForm(forms.Form):
    """Rendered on the same page as ``DraftForm``: its ids start with ``keep_`` so that no id is
    used twice (both forms have a ``text`` field)."""

    check = forms.CharField(widget=forms.HiddenInput, max_length=4000)
    text = forms.CharField(
        widget=forms.HiddenInput, required=False, strip=False, max_length=MAX_DRAFT_CHARS
    )
    keep_text = forms.BooleanField(
        required=False,
        label="Also keep the text of my draft",
        help_text="Leave unticked to keep only the date and the number of findings.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "keep_%s")
        super().__init__(*args, **kwargs)
