"""``chalkline setup``: the first real district in one command.

Each step is idempotent on its own, so a second run with the same arguments changes nothing,
and a run stopped half-way (a roster that failed to import) is finished by running it again:

1. the district (name, slug, email domains) and its time zone;
2. optionally, the first OneRoster package, through the directory import;
3. the superintendent: a sign-in account without a password, linked to their directory person
   (the imported one with the address, else a new record), with the district-wide membership;
4. the bundled Policy 5:125, imported as a draft for the district to adopt as its own. Setup
   never publishes it, and leaves the policy alone once the district has one numbered 5:125.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chalkline.acks.models import AckSettings
from chalkline.acks.services import ack_settings_for, save_quiet_hours
from chalkline.people import services as people
from chalkline.people.models import District, ImportBatch, User
from chalkline.people.services.setup import (
    SetupError,
    Step,
    ensure_district,
    ensure_superintendent,
    split_domains,
)
from chalkline.policies import services as policies
from chalkline.policies.models import Policy

BUNDLED_POLICY = Path(__file__).resolve().parents[1] / "policies" / "seeds" / "policy-5-125.txt"
BUNDLED_POLICY_NUMBER = "5:125"

__all__ = [
    "BUNDLED_POLICY",
    "SetupError",
    "bundled_policy_draft",
    "district_with_time_zone",
    "first_roster",
    "password_link",
    "superintendent",
]


@transaction.atomic
def district_with_time_zone(
    *, name: str, slug: str, email_domains: str, time_zone: str, by: User | None = None
) -> Step[District]:
    """The district (see ``ensure_district``) with its time zone, which quiet hours and notices
    use. The zone of an existing district is not changed here: that is the settings page's."""
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SetupError(f"{time_zone!r} is not a time zone (e.g. America/Chicago).") from None
    domains = split_domains(email_domains)
    if not domains:
        raise SetupError("Give the district's email domains (e.g. prairie.k12.il.us).")
    step = ensure_district(name=name, slug=slug, email_domains=domains, by=by)
    district = step.value
    if not AckSettings.objects.filter(district=district).exists():
        conf = ack_settings_for(district)
        save_quiet_hours(
            district=district,
            start=conf.quiet_start,
            end=conf.quiet_end,
            time_zone=time_zone,
            by=by,
        )
        return Step(district, changed=True)
    if ack_settings_for(district).time_zone != time_zone:
        raise SetupError(
            f"The district {district.name!r} already has the time zone "
            f"{ack_settings_for(district).time_zone}; change it on its settings page."
        )
    return step


def first_roster(*, district: District, path: Path, by: User | None = None) -> ImportBatch | None:
    """Import the OneRoster package unless the district's directory was imported already (then
    None: later packages go through ``chalkline import-roster``). Runs in this process."""
    if ImportBatch.objects.filter(
        district=district,
        kind=ImportBatch.Kind.ONEROSTER,
        status=ImportBatch.Status.SUCCEEDED,
        dry_run=False,
    ).exists():
        return None
    batch = people.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        by=by,
        enqueue=False,
    )
    return people.run_directory_import(batch_id=batch.pk)


def superintendent(
    *, district: District, email: str, given_name: str, family_name: str, by: User | None = None
) -> Step[User]:
    return ensure_superintendent(
        district=district, email=email, given_name=given_name, family_name=family_name, by=by
    )


def password_link(user: User) -> str | None:
    """A one-time link to set the password (Django's reset token: it stops working once the
    password is set, and after PASSWORD_RESET_TIMEOUT). None once the account has a password."""
    if user.has_usable_password():
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def bundled_policy_draft(
    *, district: District, by: User | None = None
) -> policies.ImportResult | None:
    """Import the bundled Policy 5:125 as a draft; None when the district has a 5:125 already
    (imported by an earlier run, or the district's own)."""
    if Policy.objects.filter(district=district, number=BUNDLED_POLICY_NUMBER).exists():
        return None
    return policies.import_policy(
        district=district, data=BUNDLED_POLICY.read_bytes(), filename=BUNDLED_POLICY.name, by=by
    )
