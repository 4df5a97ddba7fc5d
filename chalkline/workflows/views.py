"""Pages whose one service call is a workflow. They keep their place in the ``policies`` URL
namespace (``chalkline/urls.py`` adds them), so links and templates do not change."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chalkline.acks import services as acks_services
from chalkline.acks.services import CampaignError
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.policies import access, selectors, services
from chalkline.policies.forms import PublishForm
from chalkline.workflows.publishing import publish_version_and_follow_up


@require_http_methods(["GET", "POST"])
@district_required
def publish_policy_version(request: DistrictRequest, pk: int) -> HttpResponse:
    version = access.get_version_for(
        request.user, request.district, pk, need=Capability.MANAGE_POLICIES
    )
    if not version.is_draft:
        messages.error(request, "This version is already published.")
        return redirect("policies:version", pk=version.pk)
    current = selectors.current_version(version.policy)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reach = (
            acks_services.follow_up_reach(version=version)
            if form.cleaned_data["material"]
            else None
        )
        if reach is not None and request.POST.get("confirm") != "yes":
            # A material revision opens a follow-up campaign and e-mails its whole audience:
            # say whom and when, and publish only on the second, confirmed POST.
            return render(
                request,
                "workflows/publish_confirm.html",
                {
                    "version": version,
                    "current": current,
                    "form": form,
                    "reach": reach,
                    "mail_at": acks_services.when_mail_goes_out(version.district_id),
                },
            )
        try:
            publish_version_and_follow_up(
                version=version,
                change_summary=form.cleaned_data["change_summary"],
                material=form.cleaned_data["material"],
                by=request.user,
            )
        except services.PolicyStateError as exc:
            form.add_error(None, str(exc))
        except CampaignError as exc:
            form.add_error(
                None,
                f"The follow-up acknowledgment campaign could not be opened ({exc}); "
                "nothing was published.",
            )
        else:
            messages.success(request, f"Version {version.seq} is published.")
            return redirect("policies:policy", pk=version.policy_id)
    changes = selectors.changes_since(current, version) if current else None
    return render(
        request,
        "policies/publish.html",
        {"form": form, "version": version, "current": current, "changes": changes},
        status=400 if form.is_bound and form.errors else 200,
    )
