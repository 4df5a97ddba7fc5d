"""The password reset form: rate-limited, and the same answer in the same time for every address.

The request only counts and answers. Looking the address up and sending the mail happen after the
response has been sent (``after_response``), in the ``send_password_reset_task`` task: with a task
worker (``TASK_BACKEND=database``) the request just queues it, with the immediate backend it runs
once the last byte is out. Either way the response does not wait for the account lookup or for
SMTP, so its timing cannot tell whether an account has that address.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse, HttpResponseRedirect

from chalkline.lib import ratelimit
from chalkline.lib.http import after_response, client_ip
from chalkline.people.services.sign_in import local_password_allowed
from chalkline.people.tasks import send_password_reset_task

EMAIL_TEMPLATE = "registration/password_reset_email.txt"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    email_template_name = EMAIL_TEMPLATE
    subject_template_name = SUBJECT_TEMPLATE

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = str(form.cleaned_data["email"])
        limits = (
            ("reset-ip", client_ip(self.request), settings.RATE_LIMIT_PASSWORD_RESET_ADDRESS),
            ("reset-account", email.strip().casefold(), settings.RATE_LIMIT_PASSWORD_RESET_ACCOUNT),
        )
        for scope, value, (limit, seconds) in limits:
            retry = ratelimit.consume(scope, value, limit=limit, seconds=seconds)
            if retry is not None:
                return ratelimit.too_many_requests(self.request, retry)
        response = HttpResponseRedirect(self.get_success_url())
        domain = self.request.get_host()
        use_https = self.request.is_secure()
        after_response(
            response,
            lambda: send_password_reset_task.enqueue(
                email=email, domain=domain, use_https=use_https
            ),
        )
        return response


class _LocalAccountsResetForm(PasswordResetForm):
    """Django's form, skipping accounts whose district turned local passwords off: a password
    they could not use must not be offered either."""

    def get_users(self, email: str) -> Iterator[Any]:
        return (user for user in super().get_users(email) if local_password_allowed(user))


def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to every active account with this address (none if there is none), if
    it may use a local password."""
    form = _LocalAccountsResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name=EMAIL_TEMPLATE,
            subject_template_name=SUBJECT_TEMPLATE,
        )
