"""``chalkline setup``: the first district, its superintendent, a draft of Policy 5:125 and
optionally its first roster, in one idempotent command."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from chalkline.acks.models import AckSettings
from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.people.models import District, ImportBatch, Membership, Person, User
from chalkline.people.roles import Role
from chalkline.people.tests.roster_fixtures import PackageMaker
from chalkline.policies.models import Policy, PolicyVersion, VersionStatus
from conftest import make_district

pytestmark = pytest.mark.django_db

ARGS = [
    "--name",
    "Prairie Valley CUSD 5",
    "--slug",
    "prairie",
    "--email-domains",
    "prairie.k12.il.us, x.org",
    "--time-zone",
    "America/Chicago",
    "--superintendent-email",
    "supt@prairie.k12.il.us",
    "--given-name",
    "Dana",
    "--family-name",
    "Reyes",
]


def setup(*extra: str, **overrides: str) -> str:
    args = list(ARGS)
    for key, value in overrides.items():
        args[args.index("--" + key.replace("_", "-")) + 1] = value
    out = io.StringIO()
    call_command("setup", *args, *extra, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[Any] = [
        District,
        User,
        Person,
        Membership,
        Policy,
        PolicyVersion,
        AckSettings,
        ImportBatch,
        AuditEvent,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_it_creates_the_district_its_superintendent_and_a_draft_of_the_policy() -> None:
    out = setup()
    district = District.objects.get(slug="prairie")
    assert district.name == "Prairie Valley CUSD 5"
    assert district.email_domains == "prairie.k12.il.us,x.org"
    assert AckSettings.objects.get(district=district).time_zone == "America/Chicago"
    user = User.objects.get(username="supt@prairie.k12.il.us")
    assert not user.has_usable_password()
    assert user.person is not None
    assert (user.person.district, user.person.kind) == (district, Person.Kind.STAFF)
    assert user.person.display_name == "Dana Reyes"
    assert Membership.objects.get(user=user).role == Role.SUPERINTENDENT
    assert Membership.objects.get(user=user).building is None
    policy = Policy.objects.get(district=district, number="5:125")
    assert [v.status for v in policy.versions.all()] == [VersionStatus.DRAFT]
    actions = set(AuditEvent.objects.filter(district=district).values_list("action", flat=True))
    assert {
        Action.DISTRICT_CREATED,
        Action.ACCOUNT_CREATED,
        Action.MEMBERSHIP_GRANTED,
        Action.POLICY_IMPORTED,
    } <= actions
    assert "Setup complete." in out


def test_the_printed_link_sets_the_superintendents_password_once(
    client: Client, settings: Any
) -> None:
    settings.SITE_URL = "https://chalkline.prairie.example"
    out = setup()
    link = re.search(r"https://chalkline\.prairie\.example(/accounts/reset/\S+)", out)
    assert link is not None, out
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "a long board-approved phrase",
            "new_password2": "a long board-approved phrase",
        },
    )
    assert done.status_code == 302
    user = User.objects.get(username="supt@prairie.k12.il.us")
    assert user.check_password("a long board-approved phrase")
    assert client.get(link.group(1), follow=True).context["validlink"] is False
    assert "/accounts/reset/" not in setup()


def test_a_second_run_with_the_same_arguments_changes_nothing_and_says_so() -> None:
    setup()
    before = counts()
    out = setup()
    assert counts() == before
    assert "already set up, unchanged" in out
    assert "Nothing to do: everything was there." in out


def test_it_refuses_a_slug_already_used_by_another_district() -> None:
    make_district(slug="prairie", name="Prairie Heights SD 12")
    before = counts()
    with pytest.raises(CommandError, match="slug 'prairie' is already used"):
        setup()
    assert counts() == before


def test_it_refuses_an_email_domain_already_used_by_another_district() -> None:
    other = make_district(slug="elsewhere", name="Elsewhere SD")
    District.objects.filter(pk=other.pk).update(email_domains="elsewhere.org, X.org")
    before = counts()
    with pytest.raises(CommandError, match="x.org is already used by the district 'Elsewhere SD'"):
        setup()
    assert counts() == before


def test_it_refuses_an_unknown_time_zone_and_creates_nothing() -> None:
    with pytest.raises(CommandError, match="not a time zone"):
        setup(time_zone="Prairie/Standard")
    assert not District.objects.exists()


def test_it_refuses_a_superintendent_outside_the_districts_domains() -> None:
    with pytest.raises(CommandError, match="must be in the district's email domains"):
        setup(superintendent_email="dana@gmail.com")
    assert not User.objects.exists()


def test_it_imports_the_first_roster_and_links_the_superintendent_to_their_record(
    tmp_path: Path,
) -> None:
    package = PackageMaker(tmp_path)()
    out = setup("--roster", str(package), superintendent_email="p1@x.org")
    district = District.objects.get(slug="prairie")
    batch = ImportBatch.objects.get(district=district)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert f"Directory: import #{batch.pk} applied" in out
    user = User.objects.get(username="p1@x.org")
    assert user.person is not None
    assert user.person.sourced_id == "p1"
    assert Person.objects.filter(district=district, email__iexact="p1@x.org").count() == 1

    before = counts()
    again = setup("--roster", str(package), superintendent_email="p1@x.org")
    assert counts() == before
    assert "Directory: imported before, unchanged" in again


def test_it_never_touches_a_5_125_the_district_already_has() -> None:
    setup()
    version = PolicyVersion.objects.get()
    PolicyVersion.objects.filter(pk=version.pk).update(title="Our own wording")
    setup()
    assert PolicyVersion.objects.get().title == "Our own wording"
