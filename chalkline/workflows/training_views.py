"""The pages of a campaign that requires a training: the employee's two steps, the gate in front
of the signing page, and the form that attaches a training to a campaign."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from chalkline.acks import access as acks_access
from chalkline.acks.models import Campaign
from chalkline.acks.views import employee as acks_employee
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.training import access as training_access
from chalkline.training.models import Training
from chalkline.workflows.models import CampaignTraining
from chalkline.workflows.training_steps import (
    RequirementError,
    require_training_for_campaign,
    steps_of,
    training_pending,
)


@require_GET
@district_required
def my_steps(request: DistrictRequest) -> HttpResponse:
    assignments = list(
        acks_access.own_assignments(request.user, request.district)
        .filter(campaign__status=Campaign.Status.LAUNCHED)
        .select_related("campaign")
        .order_by("due_on")
    )
    return render(request, "workflows/steps.html", {"steps": steps_of(assignments)})


@require_http_methods(["GET", "POST"])
def sign_after_training(request: HttpRequest, pk: int) -> HttpResponse:
    """In front of ``acks:sign`` (same path, matched first): signing waits until the campaign's
    required training is complete; then the acknowledgment app's own page takes over."""
    district = getattr(request, "district", None)
    if (
        request.user.is_authenticated
        and district is not None
        and training_pending(
            district=district, person_id=getattr(request.user, "person_id", None), assignment_pk=pk
        )
    ):
        messages.info(request, "Complete the training first; then you can sign.")
        return redirect("steps:mine")
    return acks_employee.sign(request, pk)


class RequireTrainingForm(forms.Form):
    training = forms.ModelChoiceField(
        queryset=Training.objects.none(), label="Training to complete before signing"
    )


@require_http_methods(["GET", "POST"])
@district_required
def campaign_training(request: DistrictRequest, pk: int) -> HttpResponse:
    campaign = acks_access.get_campaign_for(
        request.user, request.district, pk, need=Capability.MANAGE_CAMPAIGNS
    )
    current = CampaignTraining.objects.filter(campaign=campaign).select_related("training").first()
    form = RequireTrainingForm(request.POST or None)
    field = form.fields["training"]
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = training_access.trainings_visible_to(request.user, request.district)
    if request.method == "POST" and current is None and form.is_valid():
        try:
            require_training_for_campaign(
                campaign=campaign, training=form.cleaned_data["training"], by=request.user
            )
        except RequirementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The campaign now requires the training first.")
            return redirect("acks:campaign", pk=campaign.pk)
    return render(
        request,
        "workflows/campaign_training.html",
        {"campaign": campaign, "current": current, "form": form},
        status=400 if form.errors else 200,
    )
