from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from chalkline.lib.http import client_ip
from chalkline.people import throttle
from chalkline.people.backends import account_for

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email"

    def clean(self) -> dict[str, Any]:
        typed = self.cleaned_data.get("username") or ""
        # One counter per account, whether it is named by username or by email address.
        account = account_for(typed) if "@" in typed else None
        username = account.get_username() if account is not None else typed
        ip = client_ip(self.request) if self.request is not None else ""
        if throttle.is_locked(username, ip):
            # Not counted: the lock ends LOGIN_LOCKOUT_SECONDS after the last real failure.
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


class DirectoryTabForm(DirectorySearchForm):
    tab = forms.ChoiceField(
        choices=[("staff", "Staff"), ("students", "Students"), ("classes", "Classes")],
        required=False,
    )


class RosterUploadForm(forms.Form):
    package = forms.FileField(
        label="OneRoster package (.zip)",
        required=False,
        help_text="A OneRoster 1.1 or 1.2 CSV export from your student information system.",
    )
    staff_csv = forms.FileField(
        label="Supplemental staff file (.csv)",
        required=False,
        help_text="Employees the rosters leave out: custodians, drivers, food service.",
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): validate and report, change nothing",
        required=False,
    )
    reread = forms.BooleanField(
        label="Compare every row, even if the files are identical to the last import",
        required=False,
        help_text="Identical files change nothing, so they are normally not read again.",
    )
    confirm_deactivations = forms.BooleanField(
        label="Confirm deactivations: apply even if many people are deactivated",
        required=False,
        help_text="An import that would deactivate more than the district's limit (10% of its "
        "active people unless configured) stops and asks for this. Deactivated people lose "
        "their sign-in, roles and API tokens.",
    )

    def clean_package(self) -> Any:
        upload = self.cleaned_data.get("package")
        if upload and not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError("Choose a .zip file (the OneRoster export).")
        return upload

    def clean_staff_csv(self) -> Any:
        upload = self.cleaned_data.get("staff_csv")
        if upload and not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a .csv file.")
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("package") and not cleaned.get("staff_csv"):
            raise forms.ValidationError("Choose a OneRoster package, a staff file, or both.")
        return cleaned


class ImportTakeoverForm(forms.Form):
    reason = forms.CharField(
        label="Why take over the import lock?",
        max_length=500,
        help_text="Recorded in the audit log. The import holding the lock is abandoned: "
        "nothing it read is applied, and its uploaded files are deleted.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("dismiss", "Dismiss")])


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
