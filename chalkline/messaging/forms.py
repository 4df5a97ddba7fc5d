from __future__ import annotations

from django import forms

from chalkline.messaging.models import MAX_MESSAGE_CHARS, MAX_SUBJECT_CHARS

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
    reason = forms.CharField(
        label="Why send it anyway? (needed when a finding asks for it)",
        required=False,
        max_length=500,
        help_text="Recorded with the message for the District's review.",
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_BODY_ERRORS["required"])
        return body


class ComposeForm(_Screened):
    audience = forms.CharField(label="To", max_length=80)
    subject = forms.CharField(label="Subject", max_length=MAX_SUBJECT_CHARS)

    field_order = ["audience", "subject", "body", "reason", "idempotency_key"]

    def clean_audience(self) -> tuple[str, str]:
        value: str = self.cleaned_data["audience"]
        kind, sep, key = value.partition(":")
        if not sep or not kind:
            raise forms.ValidationError("To: choose who the message is for.")
        return kind, key


class ReplyForm(_Screened):
    pass
