"""Who may see what in the policy library, beyond what ``people.access`` answers already."""

from __future__ import annotations

from django.http import Http404

from chalkline.people.access import require
from chalkline.people.models import District, User
from chalkline.people.roles import Capability
from chalkline.policies.models import PolicyImport


def get_policy_import_for(user: User | object, district: District, pk: int) -> PolicyImport:
    """403 without MANAGE_POLICIES; 404 for an import of another district (or none)."""
    require(user, district, Capability.MANAGE_POLICIES)
    try:
        return PolicyImport.objects.select_related("version").get(pk=pk, district=district)
    except PolicyImport.DoesNotExist:
        raise Http404("No such import") from None
