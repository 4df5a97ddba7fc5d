"""Screening of a message WITH its attachments, and the pictured-students step for photos.

- The text of each PDF, Word or text attachment is screened with the body, for the audience the
  message really has (appended below the body, each under its own heading, so a finding names
  where it is).
- Images go to the engine too (the District logo; faces to one family or staff).
- A photo with faces going to a class, a building or the district asks the sender which students
  are pictured (``candidates``: the class's students, or the sender's students). Then:
  - a pictured student without a media release blocks the send (the photo may still go to that
    student's own family, a one-family message);
  - a pictured student with a directory opt-out blocks a send beyond the class (a building's
    families, the district): their photo is not shown to audiences beyond the class;
  - "No students are pictured" (only adults, or no one identifiable) is recorded as such.
  Every block names the student to the sender only, and is a ``photo_face`` finding that no
  district rule softens.
- A reply takes the same step with the audience it really reaches (``reply_audience``): the
  wide thread's own audience when its sender writes in it again (the reply goes to all of it);
  else one family or staff (a private reply to a wide thread's sender, a family thread, a staff
  conversation), which is not a public, building or class audience and is not asked, exactly
  as a new message to one family or one staff member is not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from chalkline.messaging.attachments import IMAGE_TYPES, StagedFile, read_blob, text_of
from chalkline.messaging.channels import approved_channels_for
from chalkline.messaging.models import (
    AudienceKind,
    Thread,
    has_media_release,
    unknown_means_release,
)
from chalkline.messaging.rules import decide
from chalkline.messaging.screen import Screened, _sender
from chalkline.messaging.selectors import reply_target, settings_of
from chalkline.people.models import District, Enrollment, Person, User
from chalkline.people.roster_index import key_of, roster_index_for
from chalkline.screening import Attachment as EngineAttachment
from chalkline.screening import Audience, Finding, Message, screen
from chalkline.screening.clauses import clause_for

#: audiences that ask who is pictured in a photo with faces
PICTURED_KINDS = frozenset(
    {
        AudienceKind.CLASS_FAMILIES,
        AudienceKind.CLASS_STUDENTS,
        AudienceKind.BUILDING_FAMILIES,
        AudienceKind.BUILDING_STAFF,
        AudienceKind.DISTRICT,
        AudienceKind.STAFF_GROUP,
    }
)
#: audiences within one class (a directory opt-out does not keep a photo from them)
CLASS_KINDS = frozenset({AudienceKind.CLASS_FAMILIES, AudienceKind.CLASS_STUDENTS})
MAX_CANDIDATES = 500
NOBODY = "none"


@dataclass
class PhotoStep:
    """What the composer shows about photos: whether it must ask who is pictured, whom it
    offers, and who blocks the send."""

    asks: bool = False
    answered: bool = False
    candidates: list[Person] = field(default_factory=list)
    chosen: set[int] = field(default_factory=set)
    blocking: list[Person] = field(default_factory=list)
    #: candidates without a media release (unknown ones as the district decided)
    no_release: set[int] = field(default_factory=set)


def candidates_for(district: District, by: User, kind: str, key: str) -> list[Person]:
    """Students the sender may say are pictured: the class's for a class audience, else the
    sender's own classes' students, else (a principal) the building's."""
    pk = int(key) if key.isdigit() else 0
    students = Person.objects.filter(district=district, active=True, kind=Person.Kind.STUDENT)

    def enrolled_in(**where: object) -> Exists:
        return Exists(
            Enrollment.objects.filter(person=OuterRef("pk"), active=True, role="student", **where)
        )

    if kind in CLASS_KINDS:
        chosen = students.filter(enrolled_in(school_class_id=pk))
    else:
        mine = Enrollment.objects.filter(person=by.person, active=True).exclude(role="student")
        chosen = students.filter(enrolled_in(school_class__in=mine.values("school_class")))
        if kind == AudienceKind.BUILDING_FAMILIES and not chosen.exists():
            chosen = students.filter(affiliations__building_id=pk, affiliations__active=True)
    return list(chosen.distinct().order_by("family_name", "given_name")[:MAX_CANDIDATES])


def reply_audience(thread: Thread, by: User) -> tuple[str, str]:
    """The audience (kind, key) a reply by ``by`` in ``thread`` really reaches, for the
    pictured-students step: a wide thread's own audience when its sender replies in it (the
    reply goes to the whole audience again); otherwise the thread's own kind, one family or
    direct, as a reply to a wide thread by anyone else goes privately to its sender (direct)."""
    _target, private = reply_target(thread, by)
    if private:
        return AudienceKind.DIRECT, ""
    return thread.audience_kind, thread.audience_key


def photo_step(
    *,
    district: District,
    by: User,
    kind: str,
    key: str,
    files: list[StagedFile],
    pictured: list[str] | None,
) -> PhotoStep:
    """``pictured``: the checklist's values as posted (None when the form had no checklist)."""
    step = PhotoStep()
    if kind not in PICTURED_KINDS or not any(f.is_photo_with_faces for f in files):
        return step
    step.asks = True
    step.candidates = candidates_for(district, by, kind, key)
    values = pictured or []
    step.answered = bool(values)
    offered = {p.pk: p for p in step.candidates}
    step.chosen = {int(v) for v in values if v.isdigit() and int(v) in offered}
    beyond_class = kind not in CLASS_KINDS
    unknown = unknown_means_release(district)
    step.no_release = {p.pk for p in step.candidates if not has_media_release(p, unknown)}
    step.blocking = [
        offered[pk]
        for pk in sorted(step.chosen)
        if pk in step.no_release or (beyond_class and offered[pk].directory_opt_out)
    ]
    if NOBODY in values and step.chosen:
        step.answered = False  # "nobody" and a name contradict: ask again
    return step


def _photo_block(n: int, step: PhotoStep, beyond_class: bool) -> Finding:
    names = ", ".join(p.display_name for p in step.blocking)
    why = (
        f"Attachment {n + 1} shows {names}, who has no media release on file (or whose family "
        "opted out of the directory, for audiences beyond the class)."
        if beyond_class
        else f"Attachment {n + 1} shows {names}, who has no media release on file."
    )
    return Finding(
        "photo_face",
        0,
        0,
        "block",
        clause_for("photo_face"),
        why,
        "Remove the photo or use one without them, or untick a student who is not in it. "
        "A photo of a student without a release may go to that student's own family only.",
        attachment=n,
    )


def screen_with_attachments(
    *,
    district: District,
    by: User,
    text: str,
    audience: Audience,
    kind: str,
    files: list[StagedFile],
    step: PhotoStep,
    hub_host: str = "",
) -> Screened:
    """The body and every attachment screened for the real audience, with the photo step's
    decision. Raises ScreeningInputError for text the engine refuses."""
    parts = [text]
    images: list[EngineAttachment] = []
    pictured_keys = tuple(key_of(p) for p in step.candidates if p.pk in step.chosen)
    for n, f in enumerate(files):
        if f.content_type in IMAGE_TYPES:
            images.append(EngineAttachment(read_blob(f.sha256), f.filename, pictured=pictured_keys))
        else:
            body = text_of(f)
            if body.strip():
                parts.append(f"\n\n[Attachment {n + 1}: {f.filename}]\n{body}")
    full = "".join(parts)
    message = Message(text=full, sender=_sender(by), audience=audience, attachments=tuple(images))
    findings = screen(
        message,
        index=roster_index_for(district),
        approved=approved_channels_for(district, hub_host=hub_host),
    )
    if step.asks:
        # the pictured step decides photos to wide audiences, not the engine's generic warning
        findings = [f for f in findings if f.detector != "photo_face"]
    outcome = decide(findings, settings_of(district).rule_for)
    if step.asks and step.blocking:
        beyond_class = kind not in CLASS_KINDS
        first = next(n for n, f in enumerate(files) if f.is_photo_with_faces)
        block = _photo_block(first, step, beyond_class)
        findings.append(block)
        outcome.blocks.append(block)
    summary = {
        "detectors": outcome.detectors(),
        "blocking": outcome.detectors("block"),
        "confirmed": outcome.detectors("confirm"),
        "counts": dict(Counter(f.detector for f in findings)),
    }
    return Screened(findings, outcome, full, summary)
