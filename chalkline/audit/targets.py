"""Where an audit event's target can be seen: target type -> a page, for the audit page's links.

The audit app sits below the domain apps and imports none of them, so each target type's resolver
is registered from above (``chalkline.workflows.audit_targets``, at start-up). A resolver gets the
viewer, the district and one page's target ids of its type, and returns the URL of each target the
viewer may see and that has a page; every other target is shown as text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from chalkline.audit.actions import target_type_of
from chalkline.people.models import District, User

Resolver = Callable[[User | object, District, list[str]], dict[str, str]]

_RESOLVERS: dict[str, Resolver] = {}


def register_target(target_type: str, resolver: Resolver) -> None:
    """Say how targets of ``target_type`` (today's spelling) are linked."""
    _RESOLVERS[target_type] = resolver


def linkable_target_types() -> list[str]:
    return sorted(_RESOLVERS)


def target_urls(
    user: User | object, district: District, targets: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The URL of each (stored target type, target id) the viewer may open; one query per type."""
    wanted: dict[str, set[str]] = defaultdict(set)
    stored_as: dict[tuple[str, str], list[str]] = defaultdict(list)
    for stored_type, target_id in targets:
        shown = target_type_of(stored_type)
        if shown in _RESOLVERS and target_id.isdigit():
            wanted[shown].add(target_id)
            stored_as[(shown, target_id)].append(stored_type)
    urls: dict[tuple[str, str], str] = {}
    for shown, ids in wanted.items():
        for target_id, url in _RESOLVERS[shown](user, district, sorted(ids)).items():
            for stored_type in stored_as[(shown, target_id)]:
                urls[(stored_type, target_id)] = url
    return urls
