"""A campaign that requires a training first (issue 21, point 2): the link between the two
domain apps, which stay independent of each other.

- ``require_training_for_campaign``: the campaign's audience is rostered on a self-paced session
  of the training, and signing waits until they completed it (any session of it counts).
- ``assign_new_hire_steps``: new hires get both steps, the acknowledgment (``acks``) and a place
  on the training's roster (``training``), in one transaction.
- ``steps_of``: the employee's two steps per campaign, for the "My steps" page and the gate in
  front of the signing page.
- ``step_before_signing``: step 1 as the acknowledgment pages show it (registered with ``acks``
  at start-up by ``register``, since acks may not import training).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chalkline.acks.models import Assignment, Campaign
from chalkline.acks.services import SyncResult, assign_new_hires
from chalkline.acks.steps import StepBeforeSigning, set_step_before_signing_provider
from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import District, Person, User
from chalkline.training import services as training_services
from chalkline.training.models import RosterEntry, Session, Training
from chalkline.training.selectors import has_completed
from chalkline.workflows.models import CampaignTraining


class RequirementError(Exception):
    pass


@transaction.atomic
def require_training_for_campaign(
    *, campaign: Campaign, training: Training, by: User | None
) -> CampaignTraining:
    if training.district_id != campaign.district_id:
        raise RequirementError("The training belongs to another district.")
    if CampaignTraining.objects.filter(campaign=campaign).exists():
        raise RequirementError("This campaign already requires a training.")
    audience = list(
        Assignment.objects.filter(campaign=campaign).values_list("person_id", flat=True)
    )
    session = training_services.schedule_session(
        training=training, by=by, format=Session.Format.SELF_PACED, roster=audience
    )
    link = CampaignTraining.objects.create(
        campaign=campaign, training=training, session=session, created_by=by
    )
    record_event(
        district=campaign.district_id,
        actor=by,
        action=Action.TRAINING_REQUIRED_BY_CAMPAIGN,
        target=campaign,
        after={"training": training.pk, "session": session.pk, "rostered": len(audience)},
    )
    return link


@transaction.atomic
def assign_new_hire_steps(
    *, district: District, by: User | None, now: datetime | None = None
) -> tuple[SyncResult, int]:
    """New hires get their acknowledgments (``acks.assign_new_hires``) and, for each campaign
    that requires a training, a place on its roster. Idempotent."""
    result = assign_new_hires(district=district, by=by, now=now)
    added = 0
    for link in CampaignTraining.objects.filter(campaign__district=district).select_related(
        "session"
    ):
        rostered = RosterEntry.objects.filter(session=link.session).values("person_id")
        missing = Person.objects.filter(
            pk__in=Assignment.objects.filter(campaign_id=link.campaign_id)
            .exclude(person_id__in=rostered)
            .values("person_id")
        )
        added += training_services.add_to_roster(session=link.session, people=list(missing), by=by)
    return result, added


@dataclass(frozen=True)
class Steps:
    assignment: Assignment
    training: Training | None
    entry: RosterEntry | None
    training_done: bool

    @property
    def may_sign(self) -> bool:
        return self.training is None or self.training_done


def steps_for_assignment(assignment: Assignment) -> Steps:
    link = (
        CampaignTraining.objects.filter(campaign_id=assignment.campaign_id)
        .select_related("training", "session")
        .first()
    )
    if link is None:
        return Steps(assignment, None, None, True)
    entry = RosterEntry.objects.filter(session=link.session, person_id=assignment.person_id).first()
    done = has_completed(assignment.person_id, link.training_id, timezone.localdate())
    return Steps(assignment, link.training, entry, done)


def training_pending(*, district: District, person_id: int | None, assignment_pk: int) -> bool:
    """Does the employee's assignment wait for a required training? One query when the campaign
    requires none (the signing path's query budget), and False for an assignment that is not
    the employee's (the signing page then answers 404 itself)."""
    training_id = (
        CampaignTraining.objects.filter(
            campaign__district=district,
            campaign__assignments__pk=assignment_pk,
            campaign__assignments__person_id=person_id or 0,
        )
        .values_list("training_id", flat=True)
        .first()
    )
    if training_id is None or person_id is None:
        return False
    return not has_completed(person_id, training_id, timezone.localdate())


def steps_of(assignments: list[Assignment]) -> list[Steps]:
    return [steps_for_assignment(a) for a in assignments]


def step_before_signing(assignment: Assignment) -> StepBeforeSigning | None:
    """Step 1 of a campaign that requires a training, for the acknowledgment and signing pages:
    the training's title, whether it is done, and the link to take it (the employee's place on
    the campaign's self-paced session) or, once done, to its certificate. None when the
    campaign requires no training (one query)."""
    steps = steps_for_assignment(assignment)
    if steps.training is None:
        return None
    title = steps.training.title
    if steps.training_done:
        done_entry = (
            RosterEntry.objects.filter(
                person_id=assignment.person_id,
                session__training_id=steps.training.pk,
                completed_at__isnull=False,
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
            .order_by("-completed_at")
            .first()
        )
        when = (
            f" on {timezone.localdate(done_entry.completed_at):%B %-d, %Y}"
            if done_entry is not None and done_entry.completed_at
            else ""
        )
        if done_entry is not None:
            return StepBeforeSigning(
                title,
                True,
                f"done{when}",
                reverse("training:certificate", args=[done_entry.pk]),
                "Your training certificate (PDF)",
            )
        return StepBeforeSigning(title, True, "done")
    if steps.entry is not None:
        return StepBeforeSigning(
            title,
            False,
            "not done yet",
            reverse("training:module", args=[steps.entry.pk]),
            "Take the training",
        )
    return StepBeforeSigning(
        title, False, "not done yet: ask your principal to add you to a session"
    )


def register() -> None:
    set_step_before_signing_provider(step_before_signing)
