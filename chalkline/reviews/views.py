"""The review pages: the schedule dashboard, reviews, comments and the Board."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.policies.selectors import changes_since
from chalkline.reviews import access, selectors, services
from chalkline.reviews.drafting import join_sections, split_sections
from chalkline.reviews.forms import (
    AdoptForm,
    CommentForm,
    CoverMemoForm,
    ModelUpdateForm,
    OpenReviewForm,
    PlaceOnAgendaForm,
    ReadingForm,
    ReplyForm,
    ResolveForm,
    ScheduleForm,
    UploadDraftForm,
)
from chalkline.reviews.models import BoardItem, Comment, Review, ReviewSchedule
from chalkline.reviews.schedule import DueRow, add_months
from chalkline.reviews.wordfile import MAX_DOCX_BYTES

# --- the schedule ------------------------------------------------------------------------------


def _due_rows_html(rows: list[DueRow]) -> SafeString:
    """The dashboard's table rows, built in Python: a 400-policy manual renders them in a few
    milliseconds, where a template loop with three {% url %} tags per row took most of the
    request (bench/reviews_bench.py)."""
    policy_url = reverse("policies:policy", args=[999999999]).replace("999999999", "{}")
    schedule_url = reverse("reviews:schedule", args=[999999999]).replace("999999999", "{}")
    open_url = reverse("reviews:open", args=[999999999]).replace("999999999", "{}")
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}">{}</a> {}</th><td>{}</td><td>{} months</td>'
        "<td>{} ({})</td><td>{}</td>"
        '<td><a href="{}">{}<span class="visually-hidden"> the schedule of {}</span></a></td>'
        '<td><a href="{}">Open a review<span class="visually-hidden"> of {}</span></a></td></tr>',
        (
            (
                policy_url.format(r.policy_id),
                r.number,
                r.title,
                date_format(r.last_action_on, "M j, Y") if r.last_action_on else "",
                r.cycle_months,
                date_format(r.next_review_on, "M j, Y"),
                f"{-r.days_left} days late" if r.days_left < 0 else f"in {r.days_left} days",
                r.owner or "—",
                schedule_url.format(r.policy_id),
                "Change" if r.scheduled else "Set",
                r.number,
                open_url.format(r.policy_id),
                r.number,
            )
            for r in rows
        ),
    )


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
            "overdue_rows": _due_rows_html(overdue),
            "upcoming_rows": _due_rows_html(upcoming),
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


# --- reviews ------------------------------------------------------------------------------------


@require_GET
@district_required
def review_list(request: DistrictRequest) -> HttpResponse:
    manager = access.can_manage_reviews(request.user, request.district)
    if not manager and not access.takes_part_in_reviews(request.user, request.district):
        raise PermissionDenied
    reviews = (
        access.reviews_visible_to(request.user, request.district)
        .select_related("policy")
        .annotate(
            open_comments=Count(
                "comments", filter=Q(comments__parent=None, comments__resolution="open")
            )
        )
    )
    return render(request, "reviews/list.html", {"reviews": reviews, "can_manage": manager})


@require_http_methods(["GET", "POST"])
@district_required
def open_review(request: DistrictRequest, pk: int) -> HttpResponse:
    policy = access.get_policy_to_schedule(request.user, request.district, pk)
    people = access.users_holding(request.district, Capability.TAKE_PART_IN_REVIEWS)
    form = OpenReviewForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.open_review(
                policy=policy, participants=list(form.cleaned_data["participants"]), by=request.user
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The review of {policy.number_raw} is open.")
            return redirect("reviews:review", pk=review.pk)
    return render(
        request,
        "reviews/open.html",
        {"form": form, "policy": policy},
        status=400 if form.is_bound and form.errors else 200,
    )


def _review_context(request: DistrictRequest, review: Review) -> dict[str, Any]:
    clauses = list(review.draft.clauses.order_by("position"))
    comments = list(
        review.comments.select_related("author", "resolved_by").order_by("created_at", "pk")
    )
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    threads: dict[str, list[tuple[Comment, list[Comment]]]] = {}
    for c in comments:
        if c.parent_id is None:
            threads.setdefault(c.clause_id, []).append((c, replies.get(c.pk, [])))
    rows = [(clause, threads.get(clause.clause_id, [])) for clause in clauses]
    gone = [
        (cid, items) for cid, items in threads.items() if cid not in {c.clause_id for c in clauses}
    ]
    can_comment = review.is_open and access.may_comment(request.user, request.district, review)
    return {
        "review": review,
        "rows": rows,
        "gone": gone,
        "participants": review.participants.select_related("user"),
        "changes": changes_since(review.base, review.draft),
        "can_manage": access.can_manage_reviews(request.user, request.district),
        "can_comment": can_comment,
        "board_item": BoardItem.objects.filter(review=review).first(),
        "place_form": PlaceOnAgendaForm(),
        "comment_form": CommentForm(
            initial={"clause_id": request.GET.get("clause", "")},
            clause_ids=[c.clause_id for c in clauses],
        )
        if can_comment
        else None,
    }


@require_GET
@district_required
def review_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, request.district, pk)
    return render(request, "reviews/review.html", _review_context(request, review))


@require_POST
@district_required
def comment(request: DistrictRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, request.district, pk, need="comment")
    parent_id = request.POST.get("parent", "")
    parent = None
    if parent_id.isdigit():
        parent = access.get_comment_for(
            request.user, request.district, int(parent_id), need="comment"
        )
        form: forms.Form = ReplyForm(request.POST)
    else:
        clause_ids = list(review.draft.clauses.values_list("clause_id", flat=True))
        form = CommentForm(request.POST, clause_ids=clause_ids)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_comment(
                review=review,
                by=request.user,
                body=data["body"],
                clause_id=data.get("clause_id", ""),
                quote=data.get("quote", ""),
                proposed_text=data.get("proposed_text", ""),
                parent=parent,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your comment is posted.")
            return redirect(reverse("reviews:review", args=[review.pk]) + "#comments")
    context = _review_context(request, review)
    if parent is None:
        context["comment_form"] = form
    else:
        context["reply_errors"] = form.errors
    return render(request, "reviews/review.html", context, status=400)


@require_POST
@district_required
def resolve(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_comment_for(request.user, request.district, pk, need="manage")
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_comment(
                comment=item,
                resolution=form.cleaned_data["resolution"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The comment is resolved.")
            return redirect(reverse("reviews:review", args=[item.review_id]) + f"#c{item.pk}")
    return render(request, "reviews/resolve.html", {"form": form, "comment": item}, status=400)


@require_http_methods(["GET", "POST"])
@district_required
def edit_draft(request: DistrictRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, request.district, pk, need="manage")
    headings = [s.get("heading") or "" for s in review.draft.parsed.get("sections", [])]
    parts = split_sections(review.draft.canonical_text, headings)
    conflict: services.DraftConflict | None = None
    lost: list[str] = []
    error = ""
    revision = review.draft_revision
    texts = [p.text for p in parts]
    if request.method == "POST":
        texts = request.POST.getlist("section")
        posted = request.POST.get("revision", "")
        revision = int(posted) if posted.isdigit() else -1
        try:
            services.save_review_draft(
                review=review,
                sections=texts,
                revision=revision,
                confirm_lost=request.POST.get("confirm_lost") == "yes",
                by=request.user,
            )
        except services.DraftConflict as exc:
            conflict = exc
        except services.ClauseIdsLost as exc:
            lost, error = exc.lost, str(exc)
        except services.ReviewError as exc:
            error = str(exc)
        else:
            messages.success(request, "The draft is saved; the redline shows the changes.")
            return redirect(reverse("reviews:review", args=[review.pk]) + "#redline")
    clause_ids: dict[str, list[str]] = {}
    for cid in review.draft.clauses.order_by("position").values_list("clause_id", flat=True):
        section = cid.split("/")[1] if cid.count("/") >= 1 else ""
        clause_ids.setdefault(section, []).append(cid)
    slugs = [""] + [s.get("slug") or "" for s in review.draft.parsed.get("sections", [])]
    editing = [
        {
            "heading": p.heading or "Heading (number, title, section)",
            "text": texts[i] if i < len(texts) else p.text,
            "clause_ids": clause_ids.get(slugs[i], []) if i < len(slugs) and i else [],
        }
        for i, p in enumerate(parts)
    ]
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(
        request,
        "reviews/edit_draft.html",
        {
            "review": review,
            "parts": editing,
            "revision": review.draft_revision if conflict else revision,
            "conflict": conflict,
            "theirs": review.draft.canonical_text if conflict else "",
            "mine": join_sections(texts) if conflict else "",
            "lost": lost,
            "error": error,
        },
        status=status,
    )


# --- the Board -----------------------------------------------------------------------------------


@require_POST
@district_required
def place_on_agenda(request: DistrictRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, request.district, pk, need="manage")
    form = PlaceOnAgendaForm(request.POST)
    form.is_valid()
    try:
        item = services.place_on_agenda(
            review=review,
            public_first_reading=bool(form.cleaned_data.get("public_first_reading")),
            by=request.user,
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:review", pk=review.pk)
    messages.success(request, "The draft is on the Board's agenda.")
    return redirect("reviews:board_item", pk=item.pk)


@require_GET
@district_required
def board(request: DistrictRequest) -> HttpResponse:
    if not access.sees_board_items(request.user, request.district):
        raise PermissionDenied
    items = access.board_items_visible_to(request.user, request.district).select_related(
        "review__policy"
    )
    return render(request, "reviews/board.html", {"items": items})


def board_context(request: DistrictRequest, item: BoardItem) -> dict[str, Any]:
    review = item.review
    manager = access.can_manage_reviews(request.user, request.district)
    return {
        "item": item,
        "review": review,
        "changes": changes_since(review.base, review.draft),
        "can_manage": manager,
        "reading_form": ReadingForm(),
        "adopt_form": AdoptForm(),
        "participants": review.participants.select_related("user"),
        "memo_form": CoverMemoForm(initial={"cover_memo": item.cover_memo}),
        "packets": item.packets.only("pk", "sha256", "made_at", "pages", "head_seq"),
    }


@require_GET
@district_required
def board_item(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_board_item_for(request.user, request.district, pk)
    return render(request, "reviews/board_item.html", board_context(request, item))


@require_POST
@district_required
def reading(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_board_item_for(request.user, request.district, pk, need="manage")
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            services.record_reading(
                item=item,
                reading=form.cleaned_data["reading"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The reading is recorded.")
            return redirect("reviews:board_item", pk=item.pk)
    context = board_context(request, item) | {"reading_form": form}
    return render(request, "reviews/board_item.html", context, status=400)


@require_POST
@district_required
def cover_memo(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_board_item_for(request.user, request.district, pk, need="manage")
    form = CoverMemoForm(request.POST)
    if form.is_valid():
        services.save_cover_memo(item=item, text=form.cleaned_data["cover_memo"], by=request.user)
        messages.success(request, "The cover memo is saved.")
        return redirect(reverse("reviews:board_item", args=[item.pk]) + "#packet")
    context = board_context(request, item) | {"memo_form": form}
    return render(request, "reviews/board_item.html", context, status=400)


@require_POST
@district_required
def make_packet(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_board_item_for(request.user, request.district, pk, need="manage")
    packet = services.make_board_packet(item=item, by=request.user)
    messages.success(request, f"The Board packet is made ({packet.pages} pages).")
    return redirect(reverse("reviews:board_item", args=[item.pk]) + "#packet")


@require_GET
@district_required
def packet(request: DistrictRequest, pk: int) -> HttpResponse:
    found = access.get_packet_for(request.user, request.district, pk)
    response = HttpResponse(bytes(found.data), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="board-packet-{found.pk}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@district_required
def upload_draft(request: DistrictRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, request.district, pk, need="manage")
    form = UploadDraftForm(
        request.POST or None,
        request.FILES or None,
        initial={"revision": review.draft_revision},
    )
    lost: list[str] = []
    conflict = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_DOCX_BYTES:
            form.add_error(
                "file",
                f"The file is {upload.size / 1048576:.1f} MB; a Word file may be at most 20 MB.",
            )
        else:
            try:
                services.import_review_draft(
                    review=review,
                    data=upload.read(),
                    filename=upload.name or "",
                    content_type=upload.content_type,
                    revision=form.cleaned_data["revision"],
                    confirm_lost=form.cleaned_data["confirm_lost"],
                    by=request.user,
                )
            except services.DraftConflict as exc:
                conflict = True
                data = request.POST.copy()
                data["revision"] = str(exc.revision)  # the next upload is against it
                form.data = data
                form.add_error(None, str(exc))
            except services.ClauseIdsLost as exc:
                lost = exc.lost
                form.add_error(None, str(exc))
            except services.ReviewError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request, "The file is the draft now; the redline shows the changes."
                )
                return redirect(reverse("reviews:review", args=[review.pk]) + "#redline")
    status = 409 if conflict else (400 if form.is_bound else 200)
    return render(
        request,
        "reviews/upload.html",
        {"form": form, "review": review, "lost": lost},
        status=status,
    )


# --- model-policy updates -------------------------------------------------------------------------


def _model_context(review: Review, form: ModelUpdateForm) -> dict[str, Any]:
    from chalkline.policies.redline import redline_html
    from chalkline.reviews.threeway import compare

    updates = []
    for update in review.model_updates.all()[:5]:
        three = compare(update.old_model_text, update.new_model_text, review.draft.canonical_text)
        changes = [
            {
                "change": c,
                "redline": mark_safe(redline_html(c.old, c.new)),  # noqa: S308 - escapes its text
                "decision": update.decisions.get(str(c.index), ""),
            }
            for c in three.model_changes
        ]
        updates.append({"update": update, "three": three, "changes": changes})
    return {"review": review, "form": form, "updates": updates}


@require_http_methods(["GET", "POST"])
@district_required
def model_updates(request: DistrictRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, request.district, pk, need="manage")
    form = ModelUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_model_update(review=review, by=request.user, **form.cleaned_data)
        except services.ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The model text is imported; decide on each change below.")
            return redirect("reviews:model_updates", pk=review.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "reviews/model_updates.html", _model_context(review, form), status=status
    )


@require_POST
@district_required
def model_change(request: DistrictRequest, pk: int, index: int) -> HttpResponse:
    update = access.get_model_update_for(request.user, request.district, pk)
    review = update.review
    take = request.POST.get("decision") == "take"
    posted = request.POST.get("revision", "")
    try:
        services.decide_model_change(
            update=update,
            index=index,
            take=take,
            revision=int(posted) if posted.isdigit() else -1,
            by=request.user,
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:model_updates", pk=review.pk)
    messages.success(
        request, "The model change is in the draft." if take else "The model change is left out."
    )
    return redirect(
        reverse("reviews:model_updates", args=[review.pk]) + f"#change-{update.pk}-{index}"
    )
