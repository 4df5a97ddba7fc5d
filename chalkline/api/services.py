"""Write paths for API tokens and API calls. Each one audits in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chalkline.api.models import ApiToken, Scope
from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import District, User

LEAD = "clk_"
PREFIX_CHARS = 8
# last_used_at is refreshed at most this often, so a busy integration is not one write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def split_token(token: str) -> str | None:
    """The lookup prefix of a well-formed token (``clk_<8 hex>_<secret>``), else None."""
    if not token.startswith(LEAD) or len(token) > 200:
        return None
    head, _, secret = token[len(LEAD) :].partition("_")
    if len(head) != PREFIX_CHARS or not secret:
        return None
    return LEAD + head


@transaction.atomic
def create_api_token(
    *,
    district: District,
    name: str,
    scopes: list[str] | tuple[str, ...] = (Scope.SCREEN,),
    by: User | None,
) -> tuple[ApiToken, str]:
    """Create a token; return it and the plain token, which is never stored or shown again."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError(f"Unknown or missing scopes: {sorted(unknown)}")
    name = name.strip()
    if not name:
        raise ValueError("A token needs a name.")
    while True:
        prefix = LEAD + secrets.token_hex(PREFIX_CHARS // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    plain = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        district=district,
        name=name,
        prefix=prefix,
        token_hash=hash_token(plain),
        scopes=sorted(set(scopes)),
        created_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.API_ACCESS_GRANTED,
        target=token,
        after={"name": name, "prefix": prefix, "scopes": token.scopes},
    )
    return token, plain


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User | None) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        district=locked.district,
        actor=by,
        action=Action.API_ACCESS_REVOKED,
        target=locked,
        before={"name": locked.name, "prefix": locked.prefix},
    )
    return locked


@transaction.atomic
def record_screen_call(
    *,
    token: ApiToken,
    by_detector: dict[str, int],
    attachments: int,
    characters: int,
    by: User | None = None,
) -> None:
    """Audit one /screen call with counts only (never the text), and note the token's use."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    record_event(
        district=token.district_id,
        actor=by,
        action=Action.API_SCREENED,
        target=token,
        after={
            "token": token.prefix,
            "findings": sum(by_detector.values()),
            "detectors": dict(sorted(by_detector.items())),
            "attachments": attachments,
            "characters": characters,
        },
    )
