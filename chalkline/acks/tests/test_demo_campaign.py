"""`make demo` runs demo-data, import-policy and demo-campaign in a row; so does this test."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from chalkline.acks.models import Campaign, Signature
from chalkline.audit.services import verify_chain
from chalkline.people.models import District

SEED = Path(__file__).resolve().parents[2] / "policies" / "seeds" / "policy-5-125.txt"


@pytest.mark.django_db
def test_the_make_demo_sequence_runs_a_whole_campaign(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command(
        "import_policy", str(SEED), "--district", "demo", "--publish", "--summary", "Imported"
    )
    call_command("demo_campaign")
    district = District.objects.get(slug="demo")
    campaign = Campaign.objects.get(district=district)
    signatures = Signature.objects.filter(assignment__campaign=campaign)
    assert signatures.exists()
    assert verify_chain(district.pk).ok
    # Running `make demo` again changes nothing.
    call_command("demo_data", "--if-missing")
    call_command("demo_campaign")
    assert "nothing to do" in capsys.readouterr().out
    assert Campaign.objects.filter(district=district).count() == 1
