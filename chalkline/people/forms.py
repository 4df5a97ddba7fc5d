from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from chalkline.lib.http import client_ip
from chalkline.people import throttle

GENERIC_LOGIN_ERROR = (
    "Sign-in failed. Check your username and password. After several failed attempts, "
    "sign-in is paused for a while."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with throttling and one generic error for every failure.

    The message never says whether the account exists, is inactive, or is throttled.
    """

    error_messages = {
        "invalid_login": GENERIC_LOGIN_ERROR,
        "inactive": GENERIC_LOGIN_ERROR,
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else ""
        if throttle.is_locked(username, ip):
            throttle.note_failure(username, ip)
            raise forms.ValidationError(GENERIC_LOGIN_ERROR, code="invalid_login")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, ip)
            raise
        throttle.clear(username)
        return cleaned


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Search staff", required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
