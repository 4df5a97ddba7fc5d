"""The outcome of a campaign's notice e-mail: counts, failed recipients, retry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chalkline.acks import access
from chalkline.acks.models import Campaign
from chalkline.acks.services.mail import notice_deliveries
from chalkline.outbox.models import Delivery
from chalkline.outbox.selectors import summarize
from chalkline.outbox.services import retry_failed_mail
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Building
from chalkline.people.roles import Capability


def _deliveries(
    request: DistrictRequest, campaign: Campaign, building: Building | None
) -> QuerySet[Delivery]:
    if building is not None or access.sees_every_building(request.user, request.district):
        return notice_deliveries(campaign, building)
    return notice_deliveries(
        campaign, buildings=access.ack_buildings_visible_to(request.user, request.district)
    )


def delivery_context(
    request: DistrictRequest, campaign: Campaign, building: Building | None = None
) -> dict[str, Any]:
    """What the campaign and building pages pass to ``outbox/_delivery_summary.html``."""
    if building is None:
        url = reverse("acks:campaign_delivery", args=[campaign.pk])
        retry = reverse("acks:campaign_delivery_retry", args=[campaign.pk])
        can_retry = access.can_manage_campaigns(request.user, request.district)
    else:
        url = reverse("acks:building_delivery", args=[campaign.pk, building.pk])
        retry = reverse("acks:building_delivery_retry", args=[campaign.pk, building.pk])
        can_retry = access.can_distribute_in(request.user, request.district, building)
    return {
        "delivery": summarize(_deliveries(request, campaign, building)),
        "delivery_url": url,
        "retry_url": retry if can_retry else None,
    }


def _render(
    request: DistrictRequest, campaign: Campaign, building: Building | None
) -> HttpResponse:
    context = {"campaign": campaign, "building": building}
    context.update(delivery_context(request, campaign, building))
    if getattr(request, "htmx", False):
        return render(request, "outbox/_delivery_summary.html", context)
    return render(request, "acks/delivery.html", context)


@require_GET
@district_required
def campaign_delivery(request: DistrictRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    return _render(request, campaign, None)


@require_GET
@district_required
def building_delivery(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(request.user, request.district, building_pk)
    return _render(request, campaign, bldg)


def _retried(request: DistrictRequest, n: int) -> None:
    messages.success(request, f"Queued {n} failed e-mail{'' if n == 1 else 's'} again.")


@require_POST
@district_required
def campaign_delivery_retry(request: DistrictRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(
        request.user, request.district, pk, need=Capability.MANAGE_CAMPAIGNS
    )
    n = retry_failed_mail(
        deliveries=notice_deliveries(campaign), by=request.user, district=request.district
    )
    _retried(request, n)
    return redirect("acks:campaign", pk=pk)


@require_POST
@district_required
def building_delivery_retry(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(
        request.user, request.district, building_pk, need=Capability.DISTRIBUTE_CAMPAIGN
    )
    n = retry_failed_mail(
        deliveries=notice_deliveries(campaign, bldg), by=request.user, district=request.district
    )
    _retried(request, n)
    return redirect("acks:building", pk=pk, building_pk=building_pk)
