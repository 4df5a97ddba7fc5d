from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from chalkline.lib.http import client_ip
from chalkline.people import throttle
from chalkline.people.backends import account_for
from chalkline.people.models import District, IdentityProvider, User
from chalkline.people.oidc_metadata import DiscoveryError, fetch_discovery
from chalkline.people.roles import Role

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


# --- sign-in: the district's providers and local passwords (people/sign_in_views.py) --------

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class ProviderForm(forms.Form):
    """Add or change one of the district's OpenID Connect providers. The client secret is never
    typed here: only where the server keeps it (an environment variable or a file), and only
    where the operator allows (SIGN_IN_SECRET_ENV_PREFIX, SIGN_IN_SECRET_DIR), so that a page
    cannot make Chalkline send another of the server's secrets to a provider."""

    name = forms.CharField(
        label="Button name",
        max_length=100,
        help_text='The sign-in page shows "Sign in with <name>", e.g. "Prairie Valley Google '
        'account".',
    )
    slug = forms.SlugField(
        label="Short name",
        max_length=80,
        help_text="Lowercase letters, digits and hyphens. Part of the callback URL, so it cannot "
        "be changed later.",
    )
    kind = forms.ChoiceField(label="Kind of provider", choices=IdentityProvider.Kind.choices)
    issuer = forms.URLField(
        label="Issuer URL",
        max_length=200,
        assume_scheme="https",
        help_text="Google Workspace: https://accounts.google.com. Microsoft Entra ID: "
        "https://login.microsoftonline.com/<tenant ID>/v2.0. ClassLink, Clever and others: the "
        "issuer their documentation gives. Chalkline reads its discovery document when you save.",
    )
    client_id = forms.CharField(
        label="Client ID", max_length=255, help_text="The application's ID at the provider."
    )
    secret_env = forms.CharField(
        label="Client secret: environment variable",
        max_length=100,
        required=False,
        help_text="The name of the server's environment variable that holds the client secret "
        "(not the secret). Chalkline never stores or shows the secret.",
    )
    secret_file = forms.CharField(
        label="Client secret: or a file on the server",
        max_length=1000,
        required=False,
    )
    allowed_domains = forms.CharField(
        label="Email domains (optional)",
        max_length=500,
        required=False,
        help_text="Comma-separated. A first sign-in must come from one of them. Empty: all the "
        "district's domains.",
    )
    tenant_id = forms.CharField(
        label="Entra ID tenant ID",
        max_length=100,
        required=False,
        help_text="Microsoft Entra ID only, and required for it: only accounts of this tenant "
        "can sign in.",
    )
    hosted_domain = forms.CharField(
        label="Google Workspace domain",
        max_length=255,
        required=False,
        help_text="Google Workspace only, and required for it: only accounts of this Workspace "
        "domain can sign in.",
    )

    def __init__(
        self,
        *args: Any,
        district: District,
        instance: IdentityProvider | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "slug": instance.slug,
                "kind": instance.kind,
                "issuer": instance.issuer,
                "client_id": instance.client_id,
                "secret_env": instance.client_secret_env,
                "secret_file": instance.client_secret_file,
                "allowed_domains": instance.allowed_domains,
                "tenant_id": instance.tenant_id,
                "hosted_domain": instance.hosted_domain,
            }
        super().__init__(*args, **kwargs)
        self.district = district
        self.instance = instance
        prefix = settings.SIGN_IN_SECRET_ENV_PREFIX
        if prefix:
            self.fields["secret_env"].help_text += f" It must start with {prefix}."
        secret_dir = settings.SIGN_IN_SECRET_DIR
        self.fields["secret_file"].help_text = (
            f"Its full path, inside {secret_dir}. Fill in the variable or the file, not both."
            if secret_dir
            else "Not available on this server (its operator sets no SIGN_IN_SECRET_DIR): "
            "use an environment variable."
        )
        self.fields["allowed_domains"].help_text += f" ({', '.join(district.domains)})"
        if instance is not None:
            self.fields["slug"].disabled = True

    def _unchanged(self, field: str, value: str) -> bool:
        """A value the server's operator already configured (with the command) is kept."""
        return self.instance is not None and value == getattr(self.instance, field)

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"]).lower()
        if self.instance is None and IdentityProvider.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another provider already has this short name.")
        return slug

    def clean_secret_env(self) -> str:
        name = str(self.cleaned_data.get("secret_env") or "").strip()
        if not name or self._unchanged("client_secret_env", name):
            return name
        if not _ENV_NAME.match(name):
            raise forms.ValidationError(
                "Use capital letters, digits and underscores, as in CHALKLINE_SIGN_IN_GOOGLE."
            )
        prefix = settings.SIGN_IN_SECRET_ENV_PREFIX
        if prefix and not name.startswith(prefix):
            raise forms.ValidationError(f"The variable's name must start with {prefix}.")
        return name

    def clean_secret_file(self) -> str:
        path = str(self.cleaned_data.get("secret_file") or "").strip()
        if not path or self._unchanged("client_secret_file", path):
            return path
        secret_dir = settings.SIGN_IN_SECRET_DIR
        if not secret_dir:
            raise forms.ValidationError(
                "This server allows no secret files (no SIGN_IN_SECRET_DIR): use an environment "
                "variable."
            )
        resolved = Path(path).resolve()
        if not Path(path).is_absolute() or not resolved.is_relative_to(Path(secret_dir).resolve()):
            raise forms.ValidationError(f"Give the full path of a file inside {secret_dir}.")
        return path

    def clean_allowed_domains(self) -> str:
        raw = str(self.cleaned_data.get("allowed_domains") or "")
        domains = [d.strip().lower() for d in raw.split(",") if d.strip()]
        outside = [d for d in domains if d not in self.district.domains]
        if outside:
            raise forms.ValidationError(
                f"Not one of the district's email domains: {', '.join(outside)}."
            )
        return ",".join(domains)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if not self.has_error("secret_env") and not self.has_error("secret_file"):
            named = [f for f in ("secret_env", "secret_file") if cleaned.get(f)]
            if len(named) != 1:
                self.add_error(
                    "secret_env",
                    "Name the environment variable or the file that holds the client secret "
                    "(one of them).",
                )
        tenant = str(cleaned.get("tenant_id") or "").strip()
        hosted = str(cleaned.get("hosted_domain") or "").strip().lower()
        cleaned["tenant_id"], cleaned["hosted_domain"] = tenant, hosted
        if kind == IdentityProvider.Kind.ENTRA and not tenant:
            self.add_error("tenant_id", "Microsoft Entra ID needs the tenant ID.")
        if kind == IdentityProvider.Kind.GOOGLE and not hosted:
            self.add_error("hosted_domain", "Google Workspace needs the Workspace domain.")
        issuer = str(cleaned.get("issuer") or "")
        if issuer and not self.has_error("issuer"):
            self._check_issuer(issuer, kind, tenant)
        return cleaned

    def _check_issuer(self, issuer: str, kind: object, tenant: str) -> None:
        scheme = urlsplit(issuer).scheme
        if scheme != "https" and not settings.SIGN_IN_ALLOW_HTTP_ISSUER:
            self.add_error("issuer", "The issuer URL must start with https://.")
            return
        if kind == IdentityProvider.Kind.ENTRA and tenant and tenant not in issuer:
            self.add_error(
                "issuer",
                "An Entra ID issuer names its tenant: "
                "https://login.microsoftonline.com/<tenant ID>/v2.0.",
            )
            return
        try:
            fetch_discovery(issuer)
        except DiscoveryError as exc:
            self.add_error("issuer", f"{exc} Check the issuer URL.")

    def provider_fields(self) -> dict[str, str]:
        """The cleaned values under the model's field names (the slug aside)."""
        c = self.cleaned_data
        return {
            "name": c["name"],
            "kind": c["kind"],
            "issuer": c["issuer"],
            "client_id": c["client_id"],
            "client_secret_env": c["secret_env"],
            "client_secret_file": c["secret_file"],
            "allowed_domains": c["allowed_domains"],
            "tenant_id": c["tenant_id"] if c["kind"] == IdentityProvider.Kind.ENTRA else "",
            "hosted_domain": c["hosted_domain"]
            if c["kind"] == IdentityProvider.Kind.GOOGLE
            else "",
        }


class _AccountChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_username()


class LocalPasswordsForm(forms.Form):
    """Whether staff and students in the district's own domains may still sign in with a
    Chalkline password; families, on their own addresses, always may."""

    passwords = forms.ChoiceField(
        label="Chalkline passwords for the district's own email domains",
        choices=[
            ("on", "Allowed: staff and students may sign in with a Chalkline password"),
            ("off", "Off: only the district's sign-in provider, except the break-glass account"),
        ],
        widget=forms.RadioSelect,
    )
    break_glass = _AccountChoiceField(
        label="Break-glass account",
        queryset=User.objects.none(),
        required=False,
        help_text="A superintendent account that keeps its Chalkline password, to sign in when "
        "the provider is down. Give it an authenticator app (two-step sign-in).",
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        field = cast(_AccountChoiceField, self.fields["break_glass"])
        field.queryset = (
            User.objects.filter(
                memberships__district=district,
                memberships__role=Role.SUPERINTENDENT,
                memberships__active=True,
                is_active=True,
            )
            .distinct()
            .order_by("username")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("passwords") != "off":
            cleaned["break_glass"] = None
            return cleaned
        user = cleaned.get("break_glass")
        if user is None:
            self.add_error("break_glass", "Choose the break-glass superintendent account.")
        elif not user.has_usable_password():
            self.add_error(
                "break_glass", "This account has no Chalkline password: it could not break glass."
            )
        if not IdentityProvider.objects.filter(district=self.district, active=True).exists():
            self.add_error(
                "passwords",
                "Add a sign-in provider first: with passwords off and no provider, staff could "
                "not sign in at all.",
            )
        return cleaned
