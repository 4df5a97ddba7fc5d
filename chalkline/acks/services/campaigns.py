"""Campaign write paths: create, launch, distribute, new hires, leavers, follow-ups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from django.db import transaction
from django.utils import timezone

from chalkline.acks.categories import CATEGORIES, category_of
from chalkline.acks.models import (
    DEFAULT_INTENT,
    OPEN_STATUSES,
    AckSettings,
    Assignment,
    AssignmentStatus,
    Campaign,
    Distribution,
    Notification,
    default_time_zone,
)
from chalkline.acks.services.mail import save_notifications
from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.batches import in_list_chunks
from chalkline.people.models import Affiliation, Building, District, Person, User
from chalkline.policies.models import PolicyVersion, VersionStatus

LAUNCH_BATCH = 5000


class CampaignError(ValueError):
    """A campaign request that cannot be carried out; the message is shown to the user."""


class DuplicateCampaignError(CampaignError):
    """Another campaign of the same school year already asks for one of the versions: staff
    would sign the same text twice. Going on takes a reason (``duplicate_reason``)."""

    def __init__(self, message: str, *, duplicates: list[Campaign]) -> None:
        super().__init__(message)
        self.duplicates = duplicates


def duplicate_campaigns(
    *, district: District, school_year: str, versions: Iterable[PolicyVersion]
) -> list[Campaign]:
    """Campaigns of the district and school year that carry one of ``versions`` (closed ones
    included: their records are signatures of the same text)."""
    return list(
        Campaign.objects.filter(
            district=district,
            school_year=school_year.strip(),
            versions__in=[v.pk for v in versions],
        )
        .distinct()
        .order_by("created_at", "pk")
    )


@cache
def _category(job_title: str) -> str:
    return category_of(job_title)


def packet_label(versions: Iterable[PolicyVersion]) -> str:
    return "; ".join(
        f"Board Policy {v.policy.number_raw}, {v.title} (version {v.seq})" for v in versions
    )


def _user_label(user: User | None, *, person: Person | None = None) -> str:
    """The name recorded for who did something. ``person``: the user's staff record, when the
    caller has it loaded already (it is read otherwise)."""
    if user is None:
        return "Chalkline"
    full = user.get_full_name()
    if not full and user.person_id:
        record = person if person is not None and person.pk == user.person_id else user.person
        full = record.display_name if record is not None else ""
    return full or user.get_username()


@transaction.atomic
def create_campaign(
    *,
    district: District,
    title: str,
    school_year: str,
    due_on: date,
    versions: list[PolicyVersion],
    buildings: list[Building],
    job_categories: list[str],
    include_new_hires: bool = True,
    new_hire_days: int = 30,
    reminder_days_before: list[int] | None = None,
    weekly_after_due: bool = True,
    escalate_superintendent_after_days: int = 14,
    intent_text: str = "",
    follows: Campaign | None = None,
    duplicate_reason: str = "",
    hired_from: date | None = None,
    by: User | None,
) -> Campaign:
    """A draft campaign. When another campaign of the same school year already carries one of
    the versions, ``DuplicateCampaignError`` unless ``duplicate_reason`` says why (audited).
    ``hired_from`` makes a standing campaign for new hires: its audience is only the staff
    hired on or after that day (new hires join it as they arrive, see ``assign_new_hires``)."""
    if hired_from is not None and not include_new_hires:
        raise CampaignError("A campaign for new hires must include new hires.")
    if not versions:
        raise CampaignError("Choose at least one published policy version.")
    policies = [v.policy_id for v in versions]
    if len(set(policies)) != len(policies):
        raise CampaignError("Choose one version per policy.")
    for v in versions:
        if v.district_id != district.pk or v.status != VersionStatus.PUBLISHED:
            raise CampaignError("Only the current published version of a policy can be signed.")
    if any(b.district_id != district.pk for b in buildings):
        raise CampaignError("A building belongs to another district.")
    unknown = set(job_categories) - set(CATEGORIES)
    if unknown:
        raise CampaignError(f"Unknown job categories: {', '.join(sorted(unknown))}.")
    ladder = sorted({int(d) for d in (reminder_days_before or [7, 1, 0]) if 0 <= int(d) <= 90})
    duplicates = duplicate_campaigns(district=district, school_year=school_year, versions=versions)
    duplicate_reason = duplicate_reason.strip()[:1000]
    if duplicates and not duplicate_reason:
        names = "; ".join(f"“{c.title}” ({c.get_status_display().lower()})" for c in duplicates)
        raise DuplicateCampaignError(
            f"A campaign of {school_year.strip()} already asks staff to sign this text: {names}. "
            "Staff would be asked to sign the same text twice. Give a reason to go on anyway.",
            duplicates=duplicates,
        )
    campaign = Campaign.objects.create(
        district=district,
        title=title.strip()[:200],
        school_year=school_year.strip(),
        due_on=due_on,
        job_categories=sorted(set(job_categories)),
        include_new_hires=include_new_hires,
        new_hire_days=new_hire_days,
        reminder_days_before=sorted(ladder, reverse=True),
        weekly_after_due=weekly_after_due,
        escalate_superintendent_after_days=escalate_superintendent_after_days,
        intent_text=intent_text.strip() or DEFAULT_INTENT.format(packet=packet_label(versions)),
        follows=follows,
        hired_from=hired_from,
        created_by=by,
    )
    campaign.versions.set(versions)
    campaign.buildings.set(buildings)
    record_event(
        district=district,
        actor=by,
        action=Action.ACK_CAMPAIGN_CREATED,
        target=campaign,
        after={
            "title": campaign.title,
            "school_year": campaign.school_year,
            "due_on": due_on.isoformat(),
            "versions": [{"id": v.pk, "sha256": v.sha256} for v in versions],
            "buildings": [b.pk for b in buildings],
            "job_categories": campaign.job_categories,
            "follows": follows.pk if follows else None,
            **({"hired_from": hired_from.isoformat()} if hired_from else {}),
            **(
                {"duplicate_of": [c.pk for c in duplicates], "duplicate_reason": duplicate_reason}
                if duplicates
                else {}
            ),
        },
    )
    return campaign


def audience(campaign: Campaign) -> Iterator[tuple[int, int, str]]:
    """(person id, building id, job title) of every active staff member the campaign targets:
    active staff with an active affiliation in a chosen building (all when none chosen) whose
    job category is chosen (all when none), hired on or after ``hired_from`` when the campaign
    has one (staff without a hire date are then left out). A person's primary affiliation
    wins."""
    rows = Affiliation.objects.filter(
        person__district_id=campaign.district_id,
        person__kind=Person.Kind.STAFF,
        person__active=True,
        active=True,
    )
    if campaign.hired_from is not None:
        rows = rows.filter(person__hire_date__gte=campaign.hired_from)
    building_ids = list(campaign.buildings.values_list("pk", flat=True))
    if building_ids:
        rows = rows.filter(building_id__in=building_ids)
    categories = set(campaign.job_categories)
    best: dict[int, tuple[int, str, bool]] = {}
    for person_id, building_id, title, primary in (
        rows.order_by().values_list("person_id", "building_id", "job_title", "is_primary")
    ).iterator(chunk_size=10_000):
        if categories and _category(title) not in categories:
            continue
        current = best.get(person_id)
        if current is None or (primary and not current[2]):
            best[person_id] = (building_id, title, primary)
    for person_id, (building_id, title, _) in best.items():
        yield person_id, building_id, title


def _insert_assignments(
    campaign: Campaign,
    rows: Iterable[tuple[int, int, str, date, str]],
    now: datetime,
    batch: int,
) -> list[Assignment]:
    made: list[Assignment] = []
    buffer: list[Assignment] = []
    for person_id, building_id, title, due_on, source in rows:
        buffer.append(
            Assignment(
                campaign_id=campaign.pk,
                district_id=campaign.district_id,
                person_id=person_id,
                building_id=building_id,
                job_title=title[:200],
                job_category=_category(title),
                due_on=due_on,
                source=source,
                created_at=now,
            )
        )
        if len(buffer) >= batch:
            made.extend(Assignment.objects.bulk_create(buffer))
            buffer = []
    if buffer:
        made.extend(Assignment.objects.bulk_create(buffer))
    return made


@transaction.atomic
def launch_campaign(
    *, campaign: Campaign, by: User | None, batch: int = LAUNCH_BATCH, now: datetime | None = None
) -> int:
    """Assign the campaign to its audience in bulk. Returns how many assignments it made."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise CampaignError("This campaign was launched already.")
    versions = list(campaign.versions.all())
    if any(v.status != VersionStatus.PUBLISHED for v in versions):
        raise CampaignError("A policy in this campaign was revised; create a new campaign.")
    rows = (
        (pid, bid, title, campaign.due_on, Assignment.Source.LAUNCH)
        for pid, bid, title in audience(campaign)
    )
    made = _insert_assignments(campaign, rows, now, batch)
    campaign.status = Campaign.Status.LAUNCHED
    campaign.launched_at = now
    campaign.launched_by = by
    campaign.assigned_count = len(made)
    campaign.save(update_fields=["status", "launched_at", "launched_by", "assigned_count"])
    record_event(
        district=campaign.district_id,
        actor=by,
        action=Action.ACK_CAMPAIGN_LAUNCHED,
        target=campaign,
        after={
            "assigned": len(made),
            "buildings": len({a.building_id for a in made}),
            "due_on": campaign.due_on.isoformat(),
        },
    )
    return len(made)


def _assignment_link(assignment_id: int) -> str:
    from django.urls import reverse

    return reverse("acks:assignment", args=[assignment_id])


def staff_notifications(
    assignments: Iterable[tuple[int, int, str]],
    *,
    campaign: Campaign,
    kind: str,
    step: str,
    subject: str,
    body: str,
    now: datetime,
) -> list[Notification]:
    """Notifications for (assignment id, person id, email) rows; ``step`` makes each one unique."""
    return [
        Notification(
            district_id=campaign.district_id,
            person_id=person_id,
            assignment_id=assignment_id,
            campaign=campaign,
            kind=kind,
            step=step,
            dedupe_key=f"{step}:{assignment_id}",
            subject=subject,
            body=body,
            link=_assignment_link(assignment_id),
            email_to=email or "",
            created_at=now,
        )
        for assignment_id, person_id, email in assignments
    ]


@transaction.atomic
def distribute_campaign(
    *, campaign: Campaign, building: Building, by: User, now: datetime | None = None
) -> Distribution:
    """The principal gives the building's staff the policy: recorded once, a notice (and its
    e-mail, queued) for each open assignment."""
    now = now or timezone.now()
    if campaign.status != Campaign.Status.LAUNCHED:
        raise CampaignError("Only a launched campaign can be distributed.")
    if building.district_id != campaign.district_id:
        raise CampaignError("The building belongs to another district.")
    existing = Distribution.objects.filter(campaign=campaign, building=building).first()
    if existing is not None:
        return existing
    distribution = Distribution.objects.create(
        campaign=campaign,
        building=building,
        distributed_by=by,
        distributed_by_name=_user_label(by),
        distributed_at=now,
    )
    rows = (
        Assignment.objects.filter(campaign=campaign, building=building, status__in=OPEN_STATUSES)
        .order_by()
        .values_list("pk", "person_id", "person__email")
    )
    notes = staff_notifications(
        rows,
        campaign=campaign,
        kind=Notification.Kind.DISTRIBUTED,
        step="launch",
        subject=f"Please read and acknowledge: {campaign.title}",
        body=(
            f"{building.name} has distributed {campaign.title} ({campaign.school_year}). "
            f"Please read it and sign your acknowledgment by {campaign.due_on:%B %-d, %Y}. "
            "You may also ask your principal for a paper copy."
        ),
        now=now,
    )
    queued = save_notifications(notes, district_id=campaign.district_id, by=by, now=now)
    record_event(
        district=campaign.district_id,
        actor=by,
        action=Action.ACK_DISTRIBUTED,
        target=distribution,
        after={"campaign": campaign.pk, "building": building.pk, "notified": queued},
    )
    return distribution


@dataclass(frozen=True)
class SyncResult:
    assigned: int
    closed: int


def _new_hire_due(person_hire: date | None, campaign: Campaign, today: date) -> date:
    launched = campaign.launched_at.date() if campaign.launched_at else today
    start = person_hire if person_hire and person_hire >= launched else today
    return max(start, today) + timedelta(days=campaign.new_hire_days)


@transaction.atomic
def close_leaver_assignments(
    *, district: District, by: User | None, now: datetime | None = None
) -> int:
    """Open assignments of deactivated people close; their records are kept as they are."""
    now = now or timezone.now()
    leavers = Assignment.objects.filter(
        district=district, status__in=OPEN_STATUSES, person__active=False
    )
    rows = list(leavers.values_list("pk", "person__deactivation_reason"))
    for pk, reason in rows:
        Assignment.objects.filter(pk=pk, status__in=OPEN_STATUSES).update(
            status=AssignmentStatus.CLOSED,
            closed_at=now,
            closed_reason=(reason or "Left the district")[:300],
        )
    if rows:
        record_event(
            district=district,
            actor=by,
            action=Action.ACK_LEAVERS_CLOSED,
            after={"assignments": [pk for pk, _ in rows][:1000], "count": len(rows)},
        )
    return len(rows)


@transaction.atomic
def assign_new_hires(
    *, district: District, by: User | None, now: datetime | None = None
) -> SyncResult:
    """Bring every open campaign's audience up to date: staff who joined the audience since
    launch (new hires, transfers) get an assignment due ``new_hire_days`` after their hire date
    (or today); leavers' open assignments close. Idempotent: running it twice changes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = close_leaver_assignments(district=district, by=by, now=now)
    assigned = 0
    campaigns = Campaign.objects.filter(
        district=district, status=Campaign.Status.LAUNCHED, include_new_hires=True
    )
    for campaign in campaigns.select_for_update():
        if any(v.status != VersionStatus.PUBLISHED for v in campaign.versions.all()):
            continue
        have = set(Assignment.objects.filter(campaign=campaign).values_list("person_id", flat=True))
        missing = [row for row in audience(campaign) if row[0] not in have]
        if not missing:
            continue
        hires = {
            pk: hired
            for part in in_list_chunks(m[0] for m in missing)
            for pk, hired in Person.objects.filter(pk__in=part).values_list("pk", "hire_date")
        }
        made = _insert_assignments(
            campaign,
            (
                (pid, bid, title, _new_hire_due(hires.get(pid), campaign, today), "new_hire")
                for pid, bid, title in missing
            ),
            now,
            LAUNCH_BATCH,
        )
        Campaign.objects.filter(pk=campaign.pk).update(
            assigned_count=campaign.assigned_count + len(made)
        )
        emails = {
            pk: email
            for part in in_list_chunks(a.person_id for a in made)
            for pk, email in Person.objects.filter(pk__in=part).values_list("pk", "email")
        }
        notes = staff_notifications(
            [(a.pk, a.person_id, emails.get(a.person_id, "")) for a in made],
            campaign=campaign,
            kind=Notification.Kind.NEW_HIRE,
            step="launch",
            subject=f"Welcome: please read and acknowledge {campaign.title}",
            body=(
                f"As a new member of staff, please read {campaign.title} and sign your "
                "acknowledgment. Your due date is shown on My acknowledgments."
            ),
            now=now,
        )
        save_notifications(notes, district_id=district.pk, by=by, now=now)
        record_event(
            district=district,
            actor=by,
            action=Action.ACK_NEW_HIRES_ASSIGNED,
            target=campaign,
            after={"assigned": len(made)},
        )
        assigned += len(made)
    return SyncResult(assigned=assigned, closed=closed)


SCHOOL_YEAR_STARTS_IN_MONTH = 7  # July 1


def school_year_of(day: date) -> str:
    """The school year a day falls in, as campaigns name it ("2026-2027" from July 1, 2026)."""
    start = day.year if day.month >= SCHOOL_YEAR_STARTS_IN_MONTH else day.year - 1
    return f"{start}-{start + 1}"


def current_school_year(district: District, now: datetime | None = None) -> str:
    """The district's school year today, read in the district's own time zone (its notification
    settings): at 11 pm on June 30 in Chicago it is still the old year, whatever UTC says."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(
        AckSettings.objects.filter(district=district).values_list("time_zone", flat=True).first()
        or default_time_zone()
    )
    return school_year_of((now or timezone.now()).astimezone(zone).date())


def open_follow_up_for_published_revision(
    *, version: PolicyVersion, by: User | None, now: datetime | None = None
) -> Campaign | None:
    """Called by ``policies.services.publish_policy_version`` in its transaction: a material
    revision of a policy that a launched campaign of the current school year carries opens that
    campaign's follow-up. Nothing happens otherwise (not material, no such campaign)."""
    now = now or timezone.now()
    return open_follow_up_campaign(
        version=version, by=by, now=now, school_year=school_year_of(timezone.localdate(now))
    )


def follow_up_parent(*, version: PolicyVersion, school_year: str | None) -> Campaign | None:
    """The launched campaign (of ``school_year``, if given) that a material revision of
    ``version``'s policy would follow up: the latest one carrying an earlier version."""
    parents = Campaign.objects.filter(
        district_id=version.district_id,
        status=Campaign.Status.LAUNCHED,
        versions__policy_id=version.policy_id,
        versions__seq__lt=version.seq,
    )
    if school_year is not None:
        parents = parents.filter(school_year=school_year)
    return parents.order_by("-launched_at").first()


@dataclass(frozen=True)
class Reach:
    """Who a step would notify, for the confirmation page before it."""

    people: int
    with_email: int
    buildings: int
    campaign: Campaign | None = None  # a follow-up's parent campaign


def audience_reach(campaign: Campaign) -> Reach:
    """How many staff ``audience(campaign)`` holds today, with an e-mail, in how many buildings."""
    rows = list(audience(campaign))
    emails = {
        pk
        for part in in_list_chunks(r[0] for r in rows)
        for pk in Person.objects.filter(pk__in=part).exclude(email="").values_list("pk", flat=True)
    }
    return Reach(
        people=len(rows),
        with_email=len(emails),
        buildings=len({r[1] for r in rows}),
        campaign=campaign,
    )


def follow_up_reach(*, version: PolicyVersion, now: datetime | None = None) -> Reach | None:
    """Whom publishing ``version`` (a draft) as a material revision would notify, through the
    follow-up campaign it opens; None when it would open none."""
    now = now or timezone.now()
    parent = follow_up_parent(version=version, school_year=school_year_of(timezone.localdate(now)))
    return audience_reach(parent) if parent is not None else None


@transaction.atomic
def open_follow_up_campaign(
    *,
    version: PolicyVersion,
    by: User | None,
    due_in_days: int = 30,
    now: datetime | None = None,
    school_year: str | None = None,
) -> Campaign | None:
    """A material revision published mid-year: the latest launched campaign that carried an
    earlier version of the policy (of ``school_year``, if given) gets a follow-up for the new
    version, with the same audience. Its open assignments close (the old text can no longer be
    signed). Returns None when the revision is not material or no campaign carried the policy.
    Idempotent per version."""
    now = now or timezone.now()
    if not version.material or version.status != VersionStatus.PUBLISHED:
        return None
    existing = Campaign.objects.filter(follows__isnull=False, versions=version).first()
    if existing is not None:
        return existing
    parent = follow_up_parent(version=version, school_year=school_year)
    if parent is None:
        return None
    others = [
        v for v in parent.versions.select_related("policy") if v.policy_id != version.policy_id
    ]
    current_others = [
        PolicyVersion.objects.filter(policy_id=v.policy_id, status=VersionStatus.PUBLISHED).first()
        for v in others
    ]
    versions = [version, *[v for v in current_others if v is not None]]
    district = District.objects.get(pk=version.district_id)
    follow_up = create_campaign(
        district=district,
        title=f"{parent.title}: revised policy {version.policy.number_raw}",
        school_year=parent.school_year,
        due_on=timezone.localdate(now) + timedelta(days=due_in_days),
        versions=versions,
        buildings=list(parent.buildings.all()),
        job_categories=list(parent.job_categories),
        include_new_hires=parent.include_new_hires,
        new_hire_days=parent.new_hire_days,
        reminder_days_before=list(parent.reminder_days_before),
        weekly_after_due=parent.weekly_after_due,
        escalate_superintendent_after_days=parent.escalate_superintendent_after_days,
        hired_from=parent.hired_from,  # a standing campaign for new hires stays one
        follows=parent,
        duplicate_reason=(
            f"Follow-up of campaign {parent.pk} for the material revision (version {version.seq})"
        ),
        by=by,
    )
    launch_campaign(campaign=follow_up, by=by, now=now)
    closed = Assignment.objects.filter(campaign=parent, status__in=OPEN_STATUSES).update(
        status=AssignmentStatus.REPLACED,
        closed_at=now,
        closed_reason=f"Replaced by version {version.seq}",
    )
    rows = (
        Assignment.objects.filter(campaign=follow_up)
        .order_by()
        .values_list("pk", "person_id", "person__email")
    )
    notes = staff_notifications(
        rows,
        campaign=follow_up,
        kind=Notification.Kind.FOLLOW_UP,
        step="launch",
        subject=f"Policy {version.policy.number_raw} was revised: please acknowledge",
        body=(
            f"Board Policy {version.policy.number_raw} was revised ({version.change_summary}). "
            "Your acknowledgment page shows what changed since the version you signed."
        ),
        now=now,
    )
    save_notifications(notes, district_id=district.pk, by=by, now=now)
    record_event(
        district=district,
        actor=by,
        action=Action.ACK_FOLLOW_UP_OPENED,
        target=follow_up,
        after={"follows": parent.pk, "version": version.pk, "closed_in_parent": closed},
    )
    return follow_up
