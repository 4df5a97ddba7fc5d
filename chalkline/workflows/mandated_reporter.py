"""The mandated-reporter statement for new hires (issue 21, point 2).

Illinois school employees are mandated reporters under the Abused and Neglected Child Reporting
Act (325 ILCS 5/4: "school personnel (including administrators and certified and non-certified
school employees)"), and each signs, when hired, a statement that they know it. Chalkline keeps
that statement as an acknowledgment campaign:

- the statement is a document of the policy library, Exhibit 5:90-E, imported from the bundled
  text (``policies/seeds/exhibit-5-90-e-mandated-reporter.txt``, written for Chalkline in plain
  words) and published, unless the district has its own 5:90-E already;
- a **standing** campaign for new hires: its audience is only the staff hired on or after its
  start (``Campaign.hired_from``); each new hire joins it when ``assign-new-hire-steps`` (or
  ``assign-new-hires``) runs, due a few days after the hire date;
- by default the campaign requires the district's mandated-reporter training first
  (``CampaignTraining``), so a new hire gets both, and the employee's pages show both steps:
  1, the training (renewed every three years, with its reminders); 2, the statement.

Policies are imported outside any transaction (the parse runs in a bounded child process);
the campaign, its launch and its training link are then one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from chalkline.acks import services as acks
from chalkline.acks.models import Campaign
from chalkline.people.models import District, User
from chalkline.policies import services as policies
from chalkline.policies.models import Policy, PolicyVersion, VersionStatus
from chalkline.policies.parsing.numbering import normalize_number
from chalkline.training.models import Training
from chalkline.workflows.training_steps import require_training_for_campaign

STATEMENT = (
    Path(__file__).resolve().parents[1]
    / "policies"
    / "seeds"
    / "exhibit-5-90-e-mandated-reporter.txt"
)
STATEMENT_NUMBER = "5:90-E"
TITLE = "Mandated reporter statement (new hires)"
INTENT = (
    "I have read the Acknowledgment of Mandated Reporter Status. I understand that I am a "
    "mandated reporter under the Abused and Neglected Child Reporting Act (325 ILCS 5/4), and "
    "that whenever I have reasonable cause to believe that a child known to me in my work may "
    "be abused or neglected I must report it immediately to DCFS (1-800-25-ABUSE)."
)
DEFAULT_DAYS = 5


class MandatedReporterError(Exception):
    """A step that cannot be taken (a draft statement, an unknown training)."""


@dataclass(frozen=True)
class StatementCampaign:
    campaign: Campaign
    created: bool
    assigned: int
    training: Training | None


def statement_version(*, district: District, by: User | None) -> PolicyVersion:
    """The district's published 5:90-E: its own, or the bundled statement imported and
    published now. A 5:90-E with only a draft is left alone (the district is writing its own)."""
    number = normalize_number(STATEMENT_NUMBER)
    normalized = number.normalized if number is not None else STATEMENT_NUMBER
    policy = Policy.objects.filter(district=district, number=normalized).first()
    if policy is not None:
        version = policy.versions.filter(status=VersionStatus.PUBLISHED).first()
        if version is None:
            raise MandatedReporterError(
                f"The district's {STATEMENT_NUMBER} has a draft and no published version: "
                "publish it, then run this again."
            )
        return version
    result = policies.import_policy(
        district=district, data=STATEMENT.read_bytes(), filename=STATEMENT.name, by=by
    )
    return policies.publish_policy_version(
        version=result.version,
        change_summary="The bundled mandated-reporter statement (325 ILCS 5/4)",
        material=True,
        by=by,
    )


def mandated_reporter_training(district: District) -> Training | None:
    """The district's newest mandated-reporter training, if it has one."""
    return (
        Training.objects.filter(district=district, topic=Training.Topic.MANDATED_REPORTER)
        .order_by("-pk")
        .first()
    )


def open_statement_campaign(
    *,
    district: District,
    by: User | None,
    starts_on: date | None = None,
    days: int = DEFAULT_DAYS,
    training: Training | None = None,
    with_training: bool = True,
) -> StatementCampaign:
    """The standing campaign that asks new hires to sign the mandated-reporter statement:
    created and launched once (later runs return it), for staff hired on or after
    ``starts_on`` (today by default), each due ``days`` after their hire date. With
    ``with_training`` it requires ``training`` (by default the district's mandated-reporter
    training, when it has one) before signing."""
    if days < 0 or days > 365:
        raise MandatedReporterError("Give the days to sign after the hire date (0 to 365).")
    if training is not None and training.district_id != district.pk:
        raise MandatedReporterError("That training belongs to another district.")
    version = statement_version(district=district, by=by)
    existing = (
        Campaign.objects.filter(
            district=district,
            status=Campaign.Status.LAUNCHED,
            hired_from__isnull=False,
            versions__policy_id=version.policy_id,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return StatementCampaign(existing, False, 0, None)
    if with_training and training is None:
        training = mandated_reporter_training(district)
    return _create(
        district=district,
        by=by,
        version=version,
        starts_on=starts_on or timezone.localdate(),
        days=days,
        training=training if with_training else None,
    )


@transaction.atomic
def _create(
    *,
    district: District,
    by: User | None,
    version: PolicyVersion,
    starts_on: date,
    days: int,
    training: Training | None,
) -> StatementCampaign:
    today = timezone.localdate()
    campaign = acks.create_campaign(
        district=district,
        title=TITLE,
        school_year=acks.school_year_of(max(starts_on, today)),
        due_on=max(starts_on, today) + timedelta(days=days),
        versions=[version],
        buildings=[],
        job_categories=[],
        include_new_hires=True,
        new_hire_days=days,
        intent_text=INTENT,
        hired_from=starts_on,
        duplicate_reason="The standing statement for new hires, not an annual campaign.",
        by=by,
    )
    assigned = acks.launch_campaign(campaign=campaign, by=by)
    if training is not None:
        require_training_for_campaign(campaign=campaign, training=training, by=by)
    campaign.refresh_from_db()
    return StatementCampaign(campaign, True, assigned, training)
