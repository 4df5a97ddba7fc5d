"""Delivery status per recipient, for the sender of a message: queued, sent (in the app or by
e-mail), bounced, read in the app. No open tracking: an e-mail is "sent" once the district's
mail server took it, and only the hub knows "read"."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.access import get_own_message_for
from chalkline.messaging.models import Recipient, UrgentMark
from chalkline.messaging.preferences import DIGEST, Preference, contact_preferences
from chalkline.messaging.services.email_delivery import REF_TYPE
from chalkline.outbox.models import Delivery
from chalkline.people.decorators import DistrictRequest, district_required


@dataclass(frozen=True)
class Row:
    name: str
    channel: str
    status: str
    detail: str


def _row(r: Recipient, delivery: Delivery | None, pref: Preference | None, urgent: bool) -> Row:
    name = r.person.display_name if r.person else (r.user.get_username() if r.user else "")
    if r.status == Recipient.Status.READ:
        return Row(name, "In the app", "Read", "")
    if r.status == Recipient.Status.BOUNCED or (
        delivery is not None and delivery.status == Delivery.Status.FAILED
    ):
        return Row(name, "E-mail", "Bounced", "The address did not take the e-mail.")
    if delivery is not None:
        if delivery.status == Delivery.Status.SENT:
            return Row(name, "E-mail", "Sent", "")
        return Row(name, "E-mail", "Queued", "")
    if r.status == Recipient.Status.HELD:
        until = timezone.localtime(r.held_until) if r.held_until else None
        return Row(
            name,
            "Held",
            "Held",
            f"Quiet hours: delivered at {until:%b %d, %H:%M}." if until else "",
        )
    by_email = pref is not None and pref.by_email and r.emailed_at is None
    if by_email and pref is not None and pref.cadence == DIGEST and not urgent:
        return Row(name, "E-mail", "Queued", "Waiting for the daily digest.")
    if by_email:
        # the send's e-mail task has not queued this e-mail yet (messaging/tasks.py)
        return Row(name, "E-mail", "Queued", "The e-mail is being prepared.")
    if r.status == Recipient.Status.SENT:
        return Row(name, "In the app", "Sent", "In their inbox, not opened yet.")
    return Row(name, "None yet", "Queued", "No account and no e-mail address.")


@never_cache
@require_http_methods(["GET"])
@district_required
def delivery_status(request: DistrictRequest, pk: int) -> HttpResponse:
    message = get_own_message_for(request.user, request.district, pk)
    recipients = message.recipients.select_related("person", "user").order_by("pk")
    page = Paginator(recipients, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    deliveries = {
        d.ref_id: d
        for d in Delivery.objects.filter(ref_type=REF_TYPE, ref_id__in=[r.pk for r in rows])
    }
    # how each recipient without a delivery yet reads: by e-mail at once (the send's task has not
    # run yet), by digest, or in the app
    prefs = contact_preferences(
        r.person for r in rows if r.person is not None and r.pk not in deliveries
    )
    urgent = UrgentMark.objects.filter(message_id=message.pk).exists()
    context = {
        "message": message,
        "thread": message.thread,
        "page": page,
        "rows": [_row(r, deliveries.get(r.pk), prefs.get(r.person_id or 0), urgent) for r in rows],
    }
    template = "messaging/delivery_status.html"
    if request.htmx:
        template += "#table"
    return render(request, template, context)
