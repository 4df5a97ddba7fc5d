"""Every change to the policy library: import, edit a draft, publish; the same for guidelines.

Each function is one transaction and writes its audit event in it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import District, User
from chalkline.policies import search
from chalkline.policies.clauses import Clause as ParsedClause
from chalkline.policies.clauses import carry_clause_ids, clauses_for
from chalkline.policies.models import (
    Clause,
    Guideline,
    GuidelineVersion,
    Policy,
    PolicyImport,
    PolicyVersion,
    VersionStatus,
)
from chalkline.policies.parsing import (
    ItemList,
    ParsedPolicy,
    ParseLimits,
    PolicyParseError,
    normalize_number,
    parse_in_child,
    render_canonical,
)

MAX_SUMMARY = 2000
logger = logging.getLogger(__name__)


class PolicyImportError(Exception):
    """The input cannot become a policy version; ``str(exc)`` is a message for the user."""


class NeedsNumber(PolicyImportError):
    """No policy number was found in the text or the file name: ask the user for one."""


class PolicyStateError(Exception):
    """The requested change is not allowed in the version's current state."""


@dataclass(frozen=True)
class ImportResult:
    policy: Policy
    version: PolicyVersion
    created_policy: bool
    unchanged: bool
    warnings: list[dict[str, str]] = field(default_factory=list)


# --- parsing into a version ------------------------------------------------------------------


def parse_limits() -> ParseLimits:
    """The parser's bounds, from the settings (POLICY_IMPORT_* in the environment)."""
    return ParseLimits(
        max_stream_bytes=settings.POLICY_IMPORT_MAX_STREAM_BYTES,
        max_pages=settings.POLICY_IMPORT_MAX_PAGES,
        max_text_chars=settings.POLICY_IMPORT_MAX_TEXT_CHARS,
        timeout_seconds=settings.POLICY_IMPORT_TIMEOUT_SECONDS,
        memory_bytes=settings.POLICY_IMPORT_MEMORY_BYTES,
    )


def parse_for_import(
    *,
    data: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    number: str | None = None,
    title: str | None = None,
) -> ParsedPolicy:
    """Parse ``data`` in a child process under the configured limits (``parse_limits``); a given
    ``number``/``title`` replaces what the parser found (or did not). Call it outside any
    transaction: a slow file must not hold the database."""
    try:
        parsed = parse_in_child(
            data, filename=filename, content_type=content_type, limits=parse_limits()
        )
    except PolicyParseError as exc:
        raise PolicyImportError(str(exc)) from exc
    changed = False
    if number:
        wanted = normalize_number(number.strip())
        if wanted is None:
            raise PolicyImportError(f"{number.strip()!r} is not a policy number (e.g. 5:125).")
        if parsed.number is None or parsed.number.normalized != wanted.normalized:
            parsed.number, parsed.number_label, changed = wanted, None, True
        parsed.warnings = [w for w in parsed.warnings if w.code != "no_number"]
    if parsed.number is None:
        raise NeedsNumber("No policy number was found in the text. Enter the policy number.")
    if title and title.strip() != (parsed.title or ""):
        parsed.title, changed = title.strip()[:300], True
        parsed.warnings = [w for w in parsed.warnings if w.code != "no_title"]
    if changed:
        parsed.canonical_text = render_canonical(parsed)
    return parsed


def _markers(parsed: ParsedPolicy) -> list[str]:
    """Each clause's item marker (empty for non-items), in the order of ``clauses_for``."""
    out: list[str] = []

    def walk(lst: ItemList) -> None:
        for item in lst.items:
            out.append(item.marker)
            if item.sublist:
                walk(item.sublist)

    for section in parsed.sections:
        if section.slug:
            out.append("")
        for block in section.blocks:
            if isinstance(block, ItemList):
                walk(block)
            else:
                out.append("")
    return out


def _history_dates(parsed: ParsedPolicy) -> tuple[date | None, date | None]:
    adopted = next((h.date for h in parsed.history if h.event == "adopted" and h.date), None)
    revised = [h.date for h in parsed.history if h.event != "adopted" and h.date]
    return adopted, max(revised) if revised else None


def sort_key(number: str) -> str:
    return "".join(p.zfill(6) if p.isdigit() else p for p in re.split(r"(\d+)", number))[:80]


def _issued_clauses(policy: Policy) -> tuple[list[ParsedClause], set[str]]:
    """The clauses of the policy's latest issued version, and every id it ever issued."""
    latest = policy.versions.issued().order_by("-seq").first()
    old: list[ParsedClause] = []
    if latest is not None:
        parents = dict(latest.clauses.values_list("pk", "clause_id"))
        old = [
            ParsedClause(
                c.clause_id,
                c.kind,
                c.text,
                parents.get(c.parent_id) if c.parent_id else None,
                c.clause_id.rsplit("/", 1)[-1] if "/" in c.clause_id else c.clause_id,
                c.position,
            )
            for c in latest.clauses.order_by("position")
        ]
    reserved = set(
        Clause.objects.filter(version__policy=policy)
        .exclude(version__status=VersionStatus.DRAFT)
        .values_list("clause_id", flat=True)
    )
    return old, reserved


def _write_clauses(version: PolicyVersion, parsed: ParsedPolicy, *, fresh: bool) -> int:
    """Store the version's clauses, ids carried from the policy's latest issued version.

    ``fresh`` means the version has no clauses yet (and, for a new policy, no history), which
    saves a DELETE and the carry-over queries. Rows are inserted level by level so that each row
    is written with its parent already known: one INSERT per nesting level, no UPDATE.
    """
    natural = clauses_for(parsed)
    old, reserved = _issued_clauses(version.policy) if version.seq > 1 else ([], set())
    carried = carry_clause_ids(old, natural, reserved=reserved) if old or reserved else natural
    markers = _markers(parsed)
    if len(markers) != len(carried):  # defensive: the walk must mirror clauses_for
        markers = [""] * len(carried)
    if not fresh:
        version.clauses.all().delete()
    level: dict[str, int] = {}
    for c in carried:
        level[c.id] = level[c.parent_id] + 1 if c.parent_id in level else 0
    saved: dict[str, Clause] = {}
    for depth in sorted(set(level.values())):
        rows = [
            Clause(
                version=version,
                clause_id=c.id[:300],
                kind=c.kind,
                marker=m[:20],
                text=c.text,
                position=c.position,
                parent=saved.get(c.parent_id) if c.parent_id else None,
            )
            for c, m in zip(carried, markers, strict=True)
            if level[c.id] == depth
        ]
        for row in Clause.objects.bulk_create(rows):
            saved[row.clause_id] = row
    return len(carried)


def _fill(version: PolicyVersion, parsed: ParsedPolicy, *, filename: str | None) -> None:
    data = parsed.to_json()
    data["clauses"] = []  # stored as Clause rows; the JSON keeps the parse only
    adopted, revised = _history_dates(parsed)
    version.title = (parsed.title or f"Policy {parsed.number.raw if parsed.number else ''}")[:300]
    version.canonical_text = parsed.canonical_text
    version.sha256 = parsed.sha256
    version.parsed = data
    version.source_format = parsed.source_format
    version.source_filename = (filename or "")[:255]
    version.adopted_on = adopted
    version.revised_on = revised


_FILLED = [
    "title",
    "canonical_text",
    "sha256",
    "parsed",
    "source_format",
    "source_filename",
    "adopted_on",
    "revised_on",
]


def _version_facts(version: PolicyVersion) -> dict[str, Any]:
    return {
        "policy": version.policy.number,
        "version": version.pk,
        "seq": version.seq,
        "status": version.status,
        "sha256": version.sha256,
    }


# --- policies --------------------------------------------------------------------------------


def import_policy(
    *,
    district: District,
    data: bytes,
    by: User | None,
    filename: str | None = None,
    content_type: str | None = None,
    number: str | None = None,
    title: str | None = None,
) -> ImportResult:
    """Import a policy text. A new number creates the policy and its first draft; a known number
    gets a new draft (or its open draft is replaced). Text identical to the latest version
    (same SHA-256) changes nothing.

    The parse runs first, in a bounded child process and outside any transaction (a hostile file
    costs at most the time limit and holds no lock); only ``store_parsed_policy`` is atomic."""
    parsed = parse_for_import(
        data=data, filename=filename, content_type=content_type, number=number, title=title
    )
    return store_parsed_policy(district=district, parsed=parsed, filename=filename, by=by)


@transaction.atomic
def store_parsed_policy(
    *, district: District, parsed: ParsedPolicy, filename: str | None, by: User | None
) -> ImportResult:
    """Store a parse as the policy's new draft (see ``import_policy``), with its audit event."""
    if parsed.number is None:  # parse_for_import guarantees a number; this narrows the type
        raise NeedsNumber("Enter the policy number.")
    warnings = [w.to_dict() for w in parsed.warnings]
    policy = (
        Policy.objects.select_for_update()
        .filter(district=district, number=parsed.number.normalized)
        .first()
    )
    created = policy is None
    if policy is None:
        policy = Policy.objects.create(
            district=district,
            number=parsed.number.normalized,
            number_raw=parsed.number.raw[:40],
            title=(parsed.title or f"Policy {parsed.number.raw}")[:300],
            section_code=(parsed.section.code or "") if parsed.section else "",
            section_name=parsed.section.name[:200] if parsed.section else "",
            sort_key=sort_key(parsed.number.normalized),
        )
    latest = policy.versions.order_by("-seq").first()
    if latest is not None and latest.sha256 == parsed.sha256:
        return ImportResult(policy, latest, created, True, warnings)
    draft = policy.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        before = _version_facts(draft)
        _fill(draft, parsed, filename=filename)
        draft.save(update_fields=_FILLED)
        version, action = draft, Action.POLICY_DRAFT_REPLACED
    else:
        before = None
        next_seq = (policy.versions.aggregate(m=Max("seq"))["m"] or 0) + 1
        version = PolicyVersion(
            policy=policy, district=district, seq=next_seq, created_by=by, parsed={}
        )
        _fill(version, parsed, filename=filename)
        version.save()
        action = Action.POLICY_IMPORTED
    clauses = _write_clauses(version, parsed, fresh=draft is None)
    after = _version_facts(version) | {"clauses": clauses, "created_policy": created}
    record_event(
        district=district, actor=by, action=action, target=version, before=before, after=after
    )
    return ImportResult(policy, version, created, False, warnings)


# --- import records: a file parsed in the background, with its progress -----------------------


@transaction.atomic
def start_policy_import(
    *,
    district: District,
    data: bytes,
    by: User | None,
    filename: str | None = None,
    content_type: str | None = None,
    number: str | None = None,
) -> PolicyImport:
    """Queue a file for import. A file of POLICY_IMPORT_BACKGROUND_KB or more is parsed by a
    background task once this transaction commits; a smaller one stays queued for the caller to
    run at once (``run_policy_import``), which is what the import page does."""
    record = PolicyImport.objects.create(
        district=district,
        filename=(filename or "")[:255],
        content_type=(content_type or "")[:100],
        number=(number or "").strip()[:40],
        size=len(data),
        data=data,
        created_by=by,
    )
    background = len(data) >= settings.POLICY_IMPORT_BACKGROUND_BYTES
    record_event(
        district=district,
        actor=by,
        action=Action.POLICY_IMPORT_QUEUED,
        target=record,
        after={"size": len(data), "format": record.content_type, "background": background},
    )
    if background:
        from chalkline.policies.tasks import run_policy_import_task

        record_id = record.pk
        transaction.on_commit(lambda: run_policy_import_task.enqueue(record_id))
    return record


def runs_in_background(record: PolicyImport) -> bool:
    return record.size >= settings.POLICY_IMPORT_BACKGROUND_BYTES


def run_policy_import(*, import_id: int) -> PolicyImport:
    """Parse a queued import (outside any transaction) and store it. Never raises for a bad
    file: the record ends ``failed`` with the message. Running it twice does nothing more."""
    claimed = PolicyImport.objects.filter(pk=import_id, status=PolicyImport.Status.QUEUED).update(
        status=PolicyImport.Status.PARSING, started_at=timezone.now()
    )
    record = PolicyImport.objects.select_related("district", "created_by").get(pk=import_id)
    if not claimed:
        return record
    try:
        result = import_policy(
            district=record.district,
            data=bytes(record.data),
            by=record.created_by,
            filename=record.filename or None,
            content_type=record.content_type or None,
            number=record.number or None,
        )
    except PolicyImportError as exc:
        return _finish_import(
            record=record, ok=False, message=str(exc), needs_number=isinstance(exc, NeedsNumber)
        )
    except Exception:
        logger.exception("policy import %s failed", record.pk)  # no file content in the log
        _finish_import(record=record, ok=False, message="The import failed; try again.")
        raise
    if result.unchanged:
        message = (
            f"This text is identical to version {result.version.seq} of policy "
            f"{result.policy.number_raw}; nothing was changed."
        )
    else:
        message = (
            f"Imported policy {result.policy.number_raw} as a draft (version "
            f"{result.version.seq}). Check it, then publish it."
        )
    return _finish_import(
        record=record,
        ok=True,
        message=message,
        version=result.version,
        unchanged=result.unchanged,
    )


@transaction.atomic
def _finish_import(
    *,
    record: PolicyImport,
    ok: bool,
    message: str,
    version: PolicyVersion | None = None,
    unchanged: bool = False,
    needs_number: bool = False,
) -> PolicyImport:
    record.status = PolicyImport.Status.DONE if ok else PolicyImport.Status.FAILED
    record.message = message
    record.version = version
    record.unchanged = unchanged
    record.needs_number = needs_number
    record.finished_at = timezone.now()
    record.data = b""  # the file is either a version now or refused: keep no copy
    record.save(
        update_fields=[
            "status",
            "message",
            "version",
            "unchanged",
            "needs_number",
            "finished_at",
            "data",
        ]
    )
    if not ok:
        record_event(
            district=record.district_id,
            actor=record.created_by,
            action=Action.POLICY_IMPORT_FAILED,
            target=record,
            after={"message": message[:500]},
        )
    return record


def _require_draft(version: PolicyVersion | GuidelineVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise PolicyStateError(
            f"This version is {version.get_status_display().lower()}; only a draft can change."
        )


def edit_policy_draft(
    *,
    version: PolicyVersion,
    text: str,
    by: User | None,
    adopted_on: date | None = None,
    revised_on: date | None = None,
) -> PolicyVersion:
    """Replace a draft's text (re-parsed, clause ids carried again) and optionally its dates.
    The parse runs before the transaction, as for an import."""
    _require_draft(version)
    policy = Policy.objects.get(pk=version.policy_id)
    data = text.encode("utf-8")
    try:
        parsed = parse_for_import(data=data)
    except NeedsNumber:
        parsed = parse_for_import(data=data, number=policy.number_raw)
    if parsed.number is None or parsed.number.normalized != policy.number:
        raise PolicyImportError(f"The text is not policy {policy.number_raw}.")
    return _store_draft_edit(
        version=version, parsed=parsed, adopted_on=adopted_on, revised_on=revised_on, by=by
    )


@transaction.atomic
def _store_draft_edit(
    *,
    version: PolicyVersion,
    parsed: ParsedPolicy,
    adopted_on: date | None,
    revised_on: date | None,
    by: User | None,
) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
    _require_draft(version)  # again, under the lock: it may have been published meanwhile
    before = _version_facts(version)
    _fill(version, parsed, filename=version.source_filename)
    if adopted_on is not None:
        version.adopted_on = adopted_on
    if revised_on is not None:
        version.revised_on = revised_on
    version.save(update_fields=_FILLED)
    _write_clauses(version, parsed, fresh=False)
    record_event(
        district=version.district_id,
        actor=by,
        action=Action.POLICY_DRAFT_EDITED,
        target=version,
        before=before,
        after=_version_facts(version),
    )
    return version


def draft_clause_ids(*, version: PolicyVersion, parsed: ParsedPolicy) -> list[str]:
    """The clause ids ``parsed`` would get as this draft's new text (carried exactly as
    ``_write_clauses`` does), without writing anything: callers compare them with the ids the
    draft has now to show which ones an edit would drop."""
    natural = clauses_for(parsed)
    old, reserved = _issued_clauses(version.policy) if version.seq > 1 else ([], set())
    carried = carry_clause_ids(old, natural, reserved=reserved) if old or reserved else natural
    return [c.id[:300] for c in carried]


def save_parsed_draft(
    *, version: PolicyVersion, parsed: ParsedPolicy, by: User | None
) -> PolicyVersion:
    """Store an already parsed text (``parse_for_import``) as the draft's new text: the same
    write and audit event as ``edit_policy_draft``, for callers that parsed it themselves."""
    if parsed.number is None or parsed.number.normalized != version.policy.number:
        raise PolicyImportError(f"The text is not policy {version.policy.number_raw}.")
    return _store_draft_edit(
        version=version, parsed=parsed, adopted_on=None, revised_on=None, by=by
    )


def open_policy_draft(*, policy: Policy, by: User | None) -> PolicyVersion:
    """The policy's open draft, or a new one holding the text of its published version (the
    starting point of a review). The parse runs before the transaction, as for an import."""
    draft = policy.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    current = policy.versions.filter(status=VersionStatus.PUBLISHED).first()
    if current is None:
        raise PolicyStateError("The policy has no published version to start a draft from.")
    parsed = parse_for_import(data=current.canonical_text.encode("utf-8"), number=policy.number_raw)
    return _store_new_draft(policy=policy, parsed=parsed, source=current, by=by)


@transaction.atomic
def _store_new_draft(
    *, policy: Policy, parsed: ParsedPolicy, source: PolicyVersion, by: User | None
) -> PolicyVersion:
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    draft = policy.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:  # opened meanwhile
        return draft
    next_seq = (policy.versions.aggregate(m=Max("seq"))["m"] or 0) + 1
    version = PolicyVersion(
        policy=policy, district_id=policy.district_id, seq=next_seq, created_by=by, parsed={}
    )
    _fill(version, parsed, filename=source.source_filename)
    version.adopted_on = source.adopted_on
    version.revised_on = source.revised_on
    version.save()
    clauses = _write_clauses(version, parsed, fresh=True)
    record_event(
        district=policy.district_id,
        actor=by,
        action=Action.POLICY_DRAFT_STARTED,
        target=version,
        after=_version_facts(version) | {"from_version": source.pk, "clauses": clauses},
    )
    return version


def _clean_summary(change_summary: str) -> str:
    summary = change_summary.strip()
    if not summary:
        raise PolicyStateError("A change summary is required to publish.")
    return summary[:MAX_SUMMARY]


@transaction.atomic
def publish_policy_version(
    *,
    version: PolicyVersion,
    change_summary: str,
    material: bool,
    by: User | None,
    revised_on: date | None = None,
) -> PolicyVersion:
    """Publish a draft: the current published version becomes superseded, the search index
    follows, and the policy's title and section follow the new text. The follow-up
    acknowledgment campaign of a material revision is opened by
    ``chalkline.workflows.publishing.publish_version_and_follow_up``, which calls this.
    ``revised_on`` (the Board's adoption date of this revision) goes in the version's history
    ("Adopted ... Revised ...")."""
    version = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
    _require_draft(version)
    summary = _clean_summary(change_summary)
    now = timezone.now()
    previous = (
        PolicyVersion.objects.select_for_update()
        .filter(policy=version.policy, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
    version.status = VersionStatus.PUBLISHED
    version.change_summary = summary
    version.material = material
    version.published_at = now
    version.published_by = by
    fields = ["status", "change_summary", "material", "published_at", "published_by"]
    if revised_on is not None:
        if version.adopted_on is None:
            version.adopted_on = revised_on
        else:
            version.revised_on = revised_on
        fields += ["adopted_on", "revised_on"]
    document = search.document_expression()
    if document is not None:
        version.search_document = document
        fields.append("search_document")
    version.save(update_fields=fields)
    search.index_published(version, replaces=previous)
    policy = version.policy
    policy.title = version.title
    section = version.parsed.get("section") or {}
    policy.section_name = (section.get("name") or policy.section_name)[:200]
    policy.section_code = (section.get("code") or policy.section_code)[:20]
    policy.save(update_fields=["title", "section_name", "section_code"])
    record_event(
        district=version.district_id,
        actor=by,
        action=Action.POLICY_PUBLISHED,
        target=version,
        before={"superseded": previous.pk if previous else None},
        after=_version_facts(version) | {"material": material, "change_summary": summary},
    )
    return version


# --- guidelines ------------------------------------------------------------------------------


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def create_guideline(
    *, policy: Policy, kind: str, title: str, body: str, by: User | None
) -> GuidelineVersion:
    """Attach a new guideline (or the community page) to a policy, as a first draft."""
    title = title.strip()[:200]
    if not title or not body.strip():
        raise PolicyStateError("A guideline needs a title and some text.")
    if kind not in Guideline.Kind.values:
        raise PolicyStateError("Unknown kind of guideline.")
    if kind == Guideline.Kind.COMMUNITY:
        if policy.guidelines.filter(kind=Guideline.Kind.COMMUNITY).exists():
            raise PolicyStateError("This policy already has a community page; edit it instead.")
        slug = "community"
    else:
        base = slugify(title)[:100] or "guideline"
        slug, n = base, 2
        while policy.guidelines.filter(slug=slug).exists() or slug == "community":
            slug, n = f"{base}-{n}", n + 1
    guideline = Guideline.objects.create(
        policy=policy, district_id=policy.district_id, kind=kind, slug=slug, title=title
    )
    version = GuidelineVersion.objects.create(
        guideline=guideline, seq=1, title=title, body=body, sha256=_sha(body), created_by=by
    )
    record_event(
        district=policy.district_id,
        actor=by,
        action=Action.GUIDELINE_CREATED,
        target=version,
        after={"policy": policy.number, "guideline": guideline.pk, "kind": kind, "seq": 1},
    )
    return version


@transaction.atomic
def save_guideline_draft(
    *, guideline: Guideline, title: str, body: str, by: User | None
) -> GuidelineVersion:
    """Write the guideline's open draft, opening one (the next version) if there is none."""
    title = title.strip()[:200]
    if not title or not body.strip():
        raise PolicyStateError("A guideline needs a title and some text.")
    guideline = Guideline.objects.select_for_update().get(pk=guideline.pk)
    draft = guideline.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        seq = (guideline.versions.aggregate(m=Max("seq"))["m"] or 0) + 1
        draft = GuidelineVersion.objects.create(
            guideline=guideline, seq=seq, title=title, body=body, sha256=_sha(body), created_by=by
        )
        before = None
    else:
        before = {"seq": draft.seq, "sha256": draft.sha256}
        draft.title, draft.body, draft.sha256 = title, body, _sha(body)
        draft.save(update_fields=["title", "body", "sha256"])
    record_event(
        district=guideline.district_id,
        actor=by,
        action=Action.GUIDELINE_DRAFT_EDITED,
        target=draft,
        before=before,
        after={"guideline": guideline.pk, "seq": draft.seq, "sha256": draft.sha256},
    )
    return draft


@transaction.atomic
def publish_guideline_version(
    *, version: GuidelineVersion, change_summary: str, by: User | None
) -> GuidelineVersion:
    version = (
        GuidelineVersion.objects.select_for_update().select_related("guideline").get(pk=version.pk)
    )
    _require_draft(version)
    summary = _clean_summary(change_summary)
    now = timezone.now()
    previous = (
        GuidelineVersion.objects.select_for_update()
        .filter(guideline=version.guideline, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
    version.status = VersionStatus.PUBLISHED
    version.change_summary = summary
    version.published_at = now
    version.published_by = by
    version.save(update_fields=["status", "change_summary", "published_at", "published_by"])
    guideline = version.guideline
    guideline.title = version.title
    guideline.save(update_fields=["title"])
    record_event(
        district=guideline.district_id,
        actor=by,
        action=Action.GUIDELINE_PUBLISHED,
        target=version,
        before={"superseded": previous.pk if previous else None},
        after={"guideline": guideline.pk, "seq": version.seq, "sha256": version.sha256},
    )
    return version
