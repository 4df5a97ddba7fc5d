"""District and building pages: campaigns, dashboards, distribution, reminders, paper records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.acks import access, selectors, services
from chalkline.acks.categories import CATEGORIES
from chalkline.acks.forms import (
    CampaignForm,
    FollowUpForm,
    PaperForm,
    QuietHoursForm,
    StaffFilterForm,
    WitnessedRefusalForm,
)
from chalkline.acks.models import OPEN_STATUSES, Campaign, status_label
from chalkline.acks.services.mail import notice_deliveries
from chalkline.acks.views.common import agent_of, ip_of
from chalkline.acks.views.delivery import delivery_context
from chalkline.people.access import buildings_visible_to, require
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability

BUILDINGS_PER_PAGE = 100


@require_GET
@district_required
def campaigns(request: DistrictRequest) -> HttpResponse:
    require(request.user, request.district, Capability.VIEW_ACK_RECORDS)
    rows = list(access.campaigns_visible_to(request.user, request.district))
    can_manage = access.can_manage_campaigns(request.user, request.district)
    replaced = selectors.replaced_counts([c.pk for c in rows])
    return render(
        request,
        "acks/campaigns.html",
        {
            "campaigns": [(c, replaced.get(c.pk, 0)) for c in rows],
            "can_manage": can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def campaign_new(request: DistrictRequest) -> HttpResponse:
    require(request.user, request.district, Capability.MANAGE_CAMPAIGNS)
    versions = selectors.published_versions(request.district)
    buildings = buildings_visible_to(request.user, request.district).active()
    form = CampaignForm(
        request.POST or None,
        versions=versions,
        buildings=buildings,
        school_year=services.current_school_year(request.district),
    )
    duplicates: list[Campaign] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.create_campaign(
                    district=request.district,
                    title=data["title"],
                    school_year=data["school_year"],
                    due_on=data["due_on"],
                    versions=list(data["versions"]),
                    buildings=list(data["buildings"]),
                    job_categories=list(data["job_categories"]),
                    include_new_hires=data["include_new_hires"],
                    new_hire_days=data["new_hire_days"],
                    escalate_superintendent_after_days=data["escalate_superintendent_after_days"],
                    duplicate_reason=data["duplicate_reason"],
                    by=request.user,
                )
            except services.DuplicateCampaignError as exc:
                form.add_error("duplicate_reason", str(exc))
                duplicates = exc.duplicates
            except services.CampaignError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Campaign created. Check it, then launch it.")
                return redirect("acks:campaign", pk=campaign.pk)
    return render(
        request,
        "acks/campaign_new.html",
        {"form": form, "duplicates": duplicates, "ask_reason": bool(duplicates)},
        status=status,
    )


@require_GET
@district_required
def campaign_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    today = timezone.localdate()
    buildings = access.ack_buildings_visible_to(request.user, request.district)
    district_wide = access.sees_every_building(request.user, request.district)
    tallies = selectors.building_tallies(campaign, buildings, today, every_building=district_wide)
    progress = selectors.daily_progress(
        campaign, None if district_wide else list(buildings.values_list("pk", flat=True))
    )
    distributed = selectors.distributed_building_ids(campaign)
    newer = selectors.newer_material_versions(campaign)
    can_manage = access.can_manage_campaigns(request.user, request.district)
    return render(
        request,
        "acks/campaign.html",
        {
            "campaign": campaign,
            "versions": services.packet_versions(campaign),
            "tallies": Paginator(tallies, BUILDINGS_PER_PAGE).get_page(request.GET.get("page")),
            "total": selectors.total(tallies, "All buildings shown"),
            "progress": progress[-30:],
            "chart": completion_chart(progress, selectors.total(tallies).total),
            "distributed": distributed,
            "follow_ups": selectors.follow_ups_of(campaign),
            "can_manage": can_manage,
            "can_launch": can_manage and campaign.status == Campaign.Status.DRAFT,
            "follow_up_form": FollowUpForm(versions=newer) if can_manage and newer else None,
            "today": today,
            **delivery_context(request, campaign),
        },
    )


CHART_WIDTH = 600  # viewBox units; the SVG's size on screen is set by CSS (.chart), not here
CHART_HEIGHT = 100  # one unit per percentage point


def completion_chart(progress: list[tuple[date, int, int]], asked: int) -> dict[str, Any]:
    """Completion over time: for each day with records, the share of the assignments still
    asked for (``asked``) that had a record by then. One bar per day, in a fixed-size viewBox,
    so one day and a year of days draw in the same box (the numbers are in the table below)."""
    n = len(progress)
    step = CHART_WIDTH / max(n, 1)
    gap = step * 0.2 if step >= 4 else 0
    bars = []
    for i, (day, _, cumulative) in enumerate(progress):
        percent = min(100, round(100 * cumulative / asked)) if asked else 0
        bars.append(
            {
                "x": f"{i * step + gap / 2:.2f}",
                "y": CHART_HEIGHT - percent,
                "w": f"{min(step - gap, 60):.2f}",
                "h": percent,
                "day": day,
                "percent": percent,
            }
        )
    return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": bars, "days": n}


@require_http_methods(["GET", "POST"])
@district_required
def launch(request: DistrictRequest, pk: int) -> HttpResponse:
    """GET (or a POST without ``confirm``) shows whom the launch assigns; POST with it launches."""
    campaign = access.get_campaign_for(
        request.user, request.district, pk, need=Capability.MANAGE_CAMPAIGNS
    )
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        if campaign.status != Campaign.Status.DRAFT:
            messages.error(request, "This campaign was launched already.")
            return redirect("acks:campaign", pk=pk)
        return render(
            request,
            "acks/launch_confirm.html",
            {"campaign": campaign, "reach": services.audience_reach(campaign)},
        )
    try:
        n = services.launch_campaign(campaign=campaign, by=request.user)
    except services.CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Launched: {n:,} staff assigned.")
    return redirect("acks:campaign", pk=pk)


@require_POST
@district_required
def follow_up(request: DistrictRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(
        request.user, request.district, pk, need=Capability.MANAGE_CAMPAIGNS
    )
    form = FollowUpForm(request.POST, versions=selectors.follow_up_versions(campaign))
    if not form.is_valid():
        messages.error(request, "Choose the revised version.")
        return redirect("acks:campaign", pk=pk)
    created = services.open_follow_up_campaign(
        version=form.cleaned_data["version"], by=request.user
    )
    if created is None:
        messages.error(request, "That revision is not material; no follow-up is needed.")
        return redirect("acks:campaign", pk=pk)
    messages.success(request, "Follow-up campaign opened.")
    return redirect("acks:campaign", pk=created.pk)


# What a row of the building's staff table shows, read as plain values: the assignment's and
# person's other columns (the signature's packet, the person's directory fields) are not read
# for the dashboard, and no model is built for a row (150 a page: assignment, person, signature).
_STAFF_ROW_VALUES = (
    "pk",
    "person_id",
    "job_title",
    "status",
    "due_on",
    "closed_reason",
    "person__family_name",
    "person__given_name",
    "person__preferred_name",
    "signature__pk",
)


@dataclass(frozen=True)
class StaffRow:
    """One line of the building's staff table, its links and texts made in Python: the template
    did three ``{% url %}`` reversals, two ``display_name`` calls and a date filter a row."""

    name: str  # "Family, Given"
    display_name: str
    job_title: str
    status: str
    overdue: bool
    due_on: str  # "Sep 30, 2026"
    personnel_url: str
    paper_url: str  # "" when the principal may not record paper here, or the row is closed
    refusal_url: str
    certificate_url: str  # "" without a record

    def html(self) -> SafeString:
        """The row's ``<tr>``, escaped by ``format_html``: one call a row where the template's
        loop resolved and escaped a dozen variables (about 2 of the page's 16 ms of CPU)."""
        record: SafeString | str = ""
        if self.paper_url:
            record = format_html(
                '<a href="{}">Record paper<span class="visually-hidden"> for {}</span></a> · '
                '<a href="{}">Record refusal<span class="visually-hidden"> for {}</span></a>',
                self.paper_url,
                self.display_name,
                self.refusal_url,
                self.display_name,
            )
        elif self.certificate_url:
            record = format_html(
                '<a href="{}">Certificate<span class="visually-hidden"> of {}</span></a>',
                self.certificate_url,
                self.display_name,
            )
        return format_html(
            '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td>'
            '<td class="status">{}{}</td><td>{}</td><td>{}</td></tr>',
            self.personnel_url,
            self.name,
            self.job_title,
            self.status,
            " (overdue)" if self.overdue else "",
            self.due_on,
            record,
        )


def _url_for(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: one reversal, the pk put in by formatting."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _staff_rows(
    values: Iterable[tuple[Any, ...]], today: date, *, can_distribute: bool
) -> list[StaffRow]:
    """The rows of ``_STAFF_ROW_VALUES`` tuples."""
    personnel = _url_for("acks:personnel_file")
    paper = _url_for("acks:paper")
    refusal = _url_for("acks:witnessed_refusal")
    certificate = _url_for("acks:certificate")
    days: dict[date, str] = {}  # a page's rows share a few due dates: each formatted once
    out = []
    for (
        pk,
        person_id,
        job_title,
        status,
        due_on,
        closed_reason,
        family,
        given,
        preferred,
        sig,
    ) in values:
        is_open = status in OPEN_STATUSES
        first = preferred or given
        if due_on not in days:
            days[due_on] = date_format(due_on, "M j, Y")
        out.append(
            StaffRow(
                name=f"{family}, {first}",
                display_name=f"{first} {family}".strip(),
                job_title=job_title,
                status=status_label(status, closed_reason),
                overdue=is_open and due_on < today,
                due_on=days[due_on],
                personnel_url=personnel(person_id),
                paper_url=paper(pk) if is_open and can_distribute else "",
                refusal_url=refusal(pk) if is_open and can_distribute else "",
                certificate_url=certificate(sig) if sig is not None and not is_open else "",
            )
        )
    return out


@require_GET
@district_required
def building(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(request.user, request.district, building_pk)
    today = timezone.localdate()
    form = StaffFilterForm(request.GET)
    filters = form.filters()
    rows = selectors.staff_rows(campaign, bldg, filters, today).values_list(*_STAFF_ROW_VALUES)
    categories = selectors.category_tallies(campaign, bldg, today)
    total = selectors.total(categories, "All staff")
    paginator = Paginator(rows, settings.PAGE_SIZE)
    if not filters:
        # every assignment of the building is a row, replaced and closed ones too: the tallies
        # counted them already (one COUNT(*) fewer a view)
        paginator.count = total.assigned
    page = paginator.get_page((form.cleaned_data.get("page") if form.is_valid() else None) or 1)
    query = "&".join(
        f"{k}={'on' if v is True else v}" for k, v in filters.items() if k in form.fields
    )
    can_distribute = (
        access.can_distribute_in(request.user, request.district, bldg)
        and campaign.status == Campaign.Status.LAUNCHED
    )
    context = {
        "campaign": campaign,
        "building": bldg,
        "form": form,
        "page": page,
        "staff": _staff_rows(page.object_list, today, can_distribute=can_distribute),
        "query": query,
        "categories": categories,
        "total": total,
        "follow_ups": selectors.follow_ups_of(campaign),
        "distribution": selectors.distribution_of(campaign, bldg),
        "can_distribute": can_distribute,
        "today": today,
        "category_labels": CATEGORIES,
        **delivery_context(request, campaign, bldg),
    }
    template = "acks/building.html"
    if request.htmx:
        template += "#staff-list"
    return render(request, template, context)


@require_POST
@district_required
def distribute(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(
        request.user, request.district, building_pk, need=Capability.DISTRIBUTE_CAMPAIGN
    )
    try:
        d = services.distribute_campaign(campaign=campaign, building=bldg, by=request.user)
    except services.CampaignError as exc:
        messages.error(request, str(exc))
    else:
        queued = notice_deliveries(campaign, bldg).filter(kind="acks.distributed").count()
        messages.success(
            request,
            f"Distributed to {bldg.name} by {d.distributed_by_name}; queued {queued} notices "
            "by e-mail. Their delivery is shown below.",
        )
    return redirect("acks:building", pk=pk, building_pk=building_pk)


@require_POST
@district_required
def remind(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(
        request.user, request.district, building_pk, need=Capability.DISTRIBUTE_CAMPAIGN
    )
    try:
        n = services.send_bulk_reminder(campaign=campaign, building=bldg, by=request.user)
    except services.CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Queued {n} reminders for staff who have not acknowledged yet; "
            "their e-mail delivery is shown below.",
        )
    return redirect("acks:building", pk=pk, building_pk=building_pk)


@require_http_methods(["GET", "POST"])
@district_required
def paper(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for(
        request.user, request.district, pk, need=Capability.DISTRIBUTE_CAMPAIGN
    )
    form = PaperForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.record_paper_acknowledgment(
                    assignment=assignment,
                    by=request.user,
                    proxy=form.cleaned_data["kind"] == "proxy",
                    rationale=form.cleaned_data["rationale"],
                    scan=form.cleaned_data["scan"],
                    ip=ip_of(request),
                    user_agent=agent_of(request),
                )
            except services.SigningError as exc:
                form.add_error("scan" if "scan" in str(exc).lower() else None, str(exc))
            else:
                messages.success(
                    request, f"Paper acknowledgment recorded for {assignment.person.display_name}."
                )
                return redirect(
                    "acks:building", pk=assignment.campaign_id, building_pk=assignment.building_id
                )
    return render(
        request,
        "acks/paper.html",
        {"assignment": assignment, "form": form, "refusal": False},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@district_required
def witnessed_refusal(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for(
        request.user, request.district, pk, need=Capability.DISTRIBUTE_CAMPAIGN
    )
    form = WitnessedRefusalForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.record_witnessed_refusal(
                    assignment=assignment,
                    by=request.user,
                    witness_name=form.cleaned_data["witness_name"],
                    reason=form.cleaned_data["reason"],
                    scan=form.cleaned_data.get("scan"),
                    ip=ip_of(request),
                    user_agent=agent_of(request),
                )
            except services.SigningError as exc:
                form.add_error("scan" if "scan" in str(exc).lower() else None, str(exc))
            else:
                messages.success(request, "Witnessed refusal recorded.")
                return redirect(
                    "acks:building", pk=assignment.campaign_id, building_pk=assignment.building_id
                )
    return render(
        request,
        "acks/paper.html",
        {"assignment": assignment, "form": form, "refusal": True},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@district_required
def notification_settings(request: DistrictRequest) -> HttpResponse:
    """Quiet hours and the district's time zone for acknowledgment e-mail."""
    require(request.user, request.district, Capability.MANAGE_CAMPAIGNS)
    conf = services.ack_settings_for(request.district)
    initial = {
        "quiet_start": conf.quiet_start,
        "quiet_end": conf.quiet_end,
        "time_zone": conf.time_zone,
    }
    form = QuietHoursForm(request.POST or None, initial=initial, district_zone=conf.time_zone)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            services.save_quiet_hours(
                district=request.district,
                start=data["quiet_start"],
                end=data["quiet_end"],
                time_zone=data["time_zone"],
                by=request.user,
            )
            messages.success(request, "Notification settings saved.")
            return redirect("acks:settings")
    return render(request, "acks/settings.html", {"form": form, "conf": conf}, status=status)
