"""The audit page's links to targets: each domain app's page for its objects, offered only when
the viewer may see the object there (each app's own access rules decide)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from chalkline.acks.access import campaigns_visible_to
from chalkline.audit.targets import register_target
from chalkline.cases.access import cases_visible_to
from chalkline.people.access import import_batches_visible_to
from chalkline.people.models import District, User
from chalkline.policies.access import policy_versions_visible_to
from chalkline.registry.access import (
    apps_visible_to,
    breaches_visible_to,
    logo_permissions_visible_to,
)


def _resolver(
    visible: Callable[[User | object, District], QuerySet[Any]],
    url_name: str,
) -> Callable[[User | object, District, list[str]], dict[str, str]]:
    def resolve(user: User | object, district: District, ids: list[str]) -> dict[str, str]:
        seen = visible(user, district).filter(pk__in=[int(i) for i in ids])
        return {str(pk): reverse(url_name, args=[pk]) for pk in seen.values_list("pk", flat=True)}

    return resolve


def _logo_permissions(user: User | object, district: District, ids: list[str]) -> dict[str, str]:
    """A logo permission on the review list (for those who decide) or on the employee's own
    page, at its row."""
    seen = logo_permissions_visible_to(user, district).filter(pk__in=[int(i) for i in ids])
    page = reverse("registry:logo_review")
    own = getattr(user, "person_id", None)
    return {
        str(pk): (reverse("registry:logo_mine") if person_id == own else page) + f"#logo-{pk}"
        for pk, person_id in seen.values_list("pk", "person_id")
    }


def register() -> None:
    register_target(
        "policies.policyversion", _resolver(policy_versions_visible_to, "policies:version")
    )
    register_target("acks.campaign", _resolver(campaigns_visible_to, "acks:campaign"))
    register_target("registry.app", _resolver(apps_visible_to, "registry:app"))
    # a case links only for those named on it (and the superintendent): cases/access.py
    register_target("cases.case", _resolver(cases_visible_to, "cases:case"))
    register_target("registry.breach", _resolver(breaches_visible_to, "registry:breach"))
    register_target("registry.logopermission", _logo_permissions)
    register_target(
        "people.importbatch", _resolver(import_batches_visible_to, "people:import_detail")
    )
