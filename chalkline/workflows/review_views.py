"""The Board's adoption page: its one service call is a workflow (record the adoption, publish,
open the follow-up). It keeps its place in the ``reviews`` URL namespace
(``workflows/review_urls.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chalkline.acks import services as acks_services
from chalkline.acks.services import CampaignError
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.policies import selectors as policy_selectors
from chalkline.policies.services import PolicyImportError, PolicyStateError
from chalkline.reviews import access
from chalkline.reviews.forms import AdoptForm
from chalkline.reviews.services import ReviewError, check_adoption
from chalkline.reviews.views import board_context
from chalkline.workflows.adoption import adopt_and_follow_up


@require_POST
@district_required
def adopt(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_board_item_for(request.user, request.district, pk, need="manage")
    version = item.review.draft
    form = AdoptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check_adoption(
                item=item, adopted_on=data["adopted_on"], motion=data["motion"], vote=data["vote"]
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
    if form.is_valid():
        data = form.cleaned_data
        reach = acks_services.follow_up_reach(version=version) if data["material"] else None
        if reach is not None and request.POST.get("confirm") != "yes":
            # The same confirm-first step as publishing: a material adoption opens a follow-up
            # campaign and e-mails its audience, so say whom and when, and write nothing yet.
            return render(
                request,
                "workflows/adopt_confirm.html",
                {
                    "item": item,
                    "version": version,
                    "current": policy_selectors.current_version(version.policy),
                    "form": form,
                    "reach": reach,
                    "mail_at": acks_services.when_mail_goes_out(version.district_id),
                },
            )
        try:
            adopt_and_follow_up(
                item=item,
                adopted_on=data["adopted_on"],
                motion=data["motion"],
                vote=data["vote"],
                minutes_url=data["minutes_url"],
                change_summary=data["change_summary"],
                material=data["material"],
                by=request.user,
            )
        except (ReviewError, PolicyStateError, PolicyImportError) as exc:
            form.add_error(None, str(exc))
        except CampaignError as exc:
            form.add_error(
                None,
                f"The follow-up acknowledgment campaign could not be opened ({exc}); "
                "nothing was recorded or published.",
            )
        else:
            messages.success(
                request, f"The adoption is recorded and version {version.seq} is published."
            )
            return redirect("reviews:board_item", pk=item.pk)
    context = board_context(request, item) | {"adopt_form": form}
    return render(request, "reviews/board_item.html", context, status=400)
