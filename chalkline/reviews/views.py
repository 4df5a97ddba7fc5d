"""The review pages: the schedule dashboard, reviews, comments and the Board."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.reviews import access, selectors, services
from chalkline.reviews.forms import ScheduleForm
from chalkline.reviews.models import ReviewSchedule
from chalkline.reviews.schedule import add_months

# --- the schedule ------------------------------------------------------------------------------


@require_GET
@district_required
def dashboard(request: DistrictRequest) -> HttpResponse:
    access.require_manage_reviews(request.user, request.district)
    rows = selectors.due_rows(request.district, today=timezone.localdate())
    overdue = [r for r in rows if r.state == "overdue"]
    upcoming = [r for r in rows if r.state == "upcoming"]
    return render(
        request,
        "reviews/dashboard.html",
        {
            "overdue": overdue,
            "upcoming": upcoming,
            "later_count": len(rows) - len(overdue) - len(upcoming),
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def schedule(request: DistrictRequest, pk: int) -> HttpResponse:
    policy = access.get_policy_to_schedule(request.user, request.district, pk)
    owners = access.users_holding(request.district, Capability.MANAGE_REVIEWS)
    current = ReviewSchedule.objects.filter(policy=policy).first()
    if current is not None:
        initial = {
            "cycle_months": current.cycle_months,
            "next_review_on": current.next_review_on,
            "owner": current.owner_id,
        }
    else:
        last = selectors.last_action_dates(request.district).get(policy.pk)
        initial = {
            "cycle_months": 24,
            "next_review_on": add_months(last[2], 24) if last else timezone.localdate(),
            "owner": request.user.pk,
        }
    form = ScheduleForm(request.POST or None, initial=initial, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_review_schedule(
                policy=policy,
                cycle_months=form.cleaned_data["cycle_months"],
                next_review_on=form.cleaned_data["next_review_on"],
                owner=form.cleaned_data["owner"],
                by=request.user,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The review schedule of {policy.number_raw} is saved.")
            return redirect("reviews:dashboard")
    return render(
        request,
        "reviews/schedule.html",
        {"form": form, "policy": policy},
        status=400 if form.is_bound and form.errors else 200,
    )
