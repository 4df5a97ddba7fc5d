from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from chalkline.audit.models import AuditEvent, AuditEventQuerySet
from chalkline.people.models import District


def filtered_events(district: District, filters: dict[str, Any]) -> AuditEventQuerySet:
    qs = AuditEvent.objects.in_district(district.pk)
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_label=filters["actor"])
    if filters.get("target_type"):
        qs = qs.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        qs = qs.filter(target_id=filters["target_id"])
    tz = timezone.get_current_timezone()
    since: date | None = filters.get("since")
    until: date | None = filters.get("until")
    if since:
        qs = qs.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-seq")
