"""Reads that span versions, clauses and guidelines: the manual index, a policy's history and
``changes_since`` (what changed between the version someone signed and a later one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from chalkline.people.models import District
from chalkline.policies.models import (
    Clause,
    Guideline,
    GuidelineVersion,
    Policy,
    PolicyVersion,
    VersionStatus,
)
from chalkline.policies.redline import is_identical, redline, render_html


def current_version(policy: Policy) -> PolicyVersion | None:
    return policy.versions.filter(status=VersionStatus.PUBLISHED).first()


def manual_index(versions: QuerySet[PolicyVersion]) -> list[tuple[str, list[PolicyVersion]]]:
    """Published versions grouped by manual section, in manual order."""
    rows = versions.select_related("policy").order_by("policy__sort_key", "policy__number", "seq")
    out: list[tuple[str, list[PolicyVersion]]] = []
    for name, group in groupby(rows, key=lambda v: v.policy.section_name or "Other policies"):
        items = list(group)
        if out and out[-1][0] == name:
            out[-1][1].extend(items)
        else:
            out.append((name, items))
    return out


def issued_history(policy: Policy) -> QuerySet[PolicyVersion]:
    """Every version that was ever published, newest first."""
    return policy.versions.issued().order_by("-seq")


def clauses_of(version: PolicyVersion) -> QuerySet[Clause]:
    return version.clauses.order_by("position")


def published_guidelines(policy: Policy) -> list[GuidelineVersion]:
    return list(
        GuidelineVersion.objects.filter(
            guideline__policy=policy,
            guideline__kind=Guideline.Kind.GUIDELINE,
            status=VersionStatus.PUBLISHED,
        )
        .select_related("guideline")
        .order_by("guideline__title")
    )


def published_community_page(policy: Policy) -> GuidelineVersion | None:
    return (
        GuidelineVersion.objects.filter(
            guideline__policy=policy,
            guideline__kind=Guideline.Kind.COMMUNITY,
            status=VersionStatus.PUBLISHED,
        )
        .select_related("guideline")
        .first()
    )


def library_rows(
    policies: QuerySet[Policy], versions: QuerySet[PolicyVersion]
) -> list[dict[str, object]]:
    """Each policy with its current and draft version among ``versions`` (what the reader sees)."""
    rows: list[dict[str, object]] = []
    prefetched = policies.prefetch_related(
        Prefetch("versions", queryset=versions.order_by("-seq"), to_attr="visible_versions")
    ).order_by("sort_key", "number")
    for policy in prefetched:
        shown = policy.visible_versions
        current = next((v for v in shown if v.is_published), None)
        draft = next((v for v in shown if v.is_draft), None)
        rows.append({"policy": policy, "current": current, "draft": draft})
    return rows


def guidelines_of(policy: Policy, versions: QuerySet[GuidelineVersion]) -> QuerySet[Guideline]:
    """The policy's guidelines that have one of ``versions`` (the ones the reader may see)."""
    return Guideline.objects.filter(policy=policy, pk__in=versions.values("guideline_id")).order_by(
        "kind", "title"
    )


def has_community_page(policy: Policy) -> bool:
    """Has the policy a community page, drafted or published?"""
    return policy.guidelines.filter(kind=Guideline.Kind.COMMUNITY).exists()


def latest_guideline_version(guideline: Guideline) -> GuidelineVersion | None:
    return guideline.versions.order_by("-seq").first()


def published_guideline(policy: Policy, slug: str) -> GuidelineVersion | None:
    """The published version of one of the policy's guidelines (the public portal)."""
    return (
        GuidelineVersion.objects.filter(
            guideline__policy=policy,
            guideline__slug=slug,
            guideline__kind=Guideline.Kind.GUIDELINE,
            status=VersionStatus.PUBLISHED,
        )
        .select_related("guideline")
        .first()
    )


def clause_in(versions: QuerySet[PolicyVersion], clause_id: str) -> Clause | None:
    """A clause of one of ``versions`` (the public portal passes the published ones)."""
    return (
        Clause.objects.filter(clause_id=clause_id, version__in=versions)
        .select_related("version__policy", "parent")
        .first()
    )


def numbers_among(versions: QuerySet[PolicyVersion], numbers: set[str]) -> set[str]:
    """Which of these policy numbers have one of ``versions`` (cross-references to link)."""
    return set(versions.filter(policy__number__in=numbers).values_list("policy__number", flat=True))


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - redline.render_html escapes every text it renders


def _redline(old: str, new: str) -> SafeString:
    return _safe(render_html(redline(old, new)))


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str
    kind: str
    change: str  # "added" | "removed" | "changed"
    redline: SafeString


@dataclass(frozen=True)
class ChangeSet:
    old: PolicyVersion
    new: PolicyVersion
    redline: SafeString
    identical: bool
    clauses: list[ClauseChange]
    versions_between: list[PolicyVersion]

    @property
    def material(self) -> bool:
        """True when any version after ``old`` up to ``new`` was published as material."""
        return any(v.material for v in self.versions_between)


def changes_since(version_a: PolicyVersion, version_b: PolicyVersion) -> ChangeSet:
    """What changed from one version of a policy to another (either order; older first).

    Clause-level changes follow the stable clause ids, so a renumbered but unchanged duty is not
    reported, and a reworded one is reported under the id that was signed.
    """
    if version_a.policy_id != version_b.policy_id:
        raise ValueError("Both versions must belong to the same policy.")
    old, new = sorted((version_a, version_b), key=lambda v: v.seq)
    ops = redline(old.canonical_text, new.canonical_text)
    before = {c.clause_id: c for c in clauses_of(old)}
    after = {c.clause_id: c for c in clauses_of(new)}
    changes: list[ClauseChange] = []
    for cid, clause in after.items():
        if cid not in before:
            changes.append(ClauseChange(cid, clause.kind, "added", _redline("", clause.text)))
        elif before[cid].text != clause.text:
            changes.append(
                ClauseChange(cid, clause.kind, "changed", _redline(before[cid].text, clause.text))
            )
    for cid, clause in before.items():
        if cid not in after:
            changes.append(ClauseChange(cid, clause.kind, "removed", _redline(clause.text, "")))
    between = [
        v
        for v in old.policy.versions.filter(seq__gt=old.seq, seq__lte=new.seq).order_by("seq")
        if v.status != VersionStatus.DRAFT or v.pk == new.pk
    ]
    return ChangeSet(
        old=old,
        new=new,
        redline=_safe(render_html(ops)),
        identical=is_identical(ops),
        clauses=changes,
        versions_between=between,
    )


@dataclass
class BoardAgenda:
    """What is coming to the Board until reviews exist: policies with a draft revision, and
    versions published recently."""

    drafts: list[PolicyVersion]
    recent: list[PolicyVersion]

    @property
    def empty(self) -> bool:
        return not self.drafts and not self.recent


def board_agenda(district: District, *, since_days: int = 120, limit: int = 20) -> BoardAgenda:
    versions = PolicyVersion.objects.filter(district=district).select_related("policy")
    drafts = versions.filter(status=VersionStatus.DRAFT).order_by("policy__sort_key", "pk")
    recent = versions.filter(
        status=VersionStatus.PUBLISHED,
        published_at__gte=timezone.now() - timedelta(days=since_days),
    ).order_by("-published_at", "pk")
    return BoardAgenda(drafts=list(drafts[:limit]), recent=list(recent[:limit]))
