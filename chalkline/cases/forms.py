"""Forms of the case pages. They validate; the views hand cleaned_data to a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from chalkline.cases.models import Case, Disclosure, Evidence, MandatedReport, OutcomeType
from chalkline.people.models import Building, Person, User

_DATE = forms.DateInput(attrs={"type": "date"})
_TEXT = forms.Textarea(attrs={"rows": 5})
_SHORT = forms.Textarea(attrs={"rows": 3})


class _BuildingField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ConcernForm(forms.Form):
    """A signed-in person's report."""

    kind = forms.ChoiceField(choices=Case.Kind.choices, label="What is it about?")
    subject_name = forms.CharField(
        max_length=200, required=False, label="Who is it about?", help_text="Their name, if known."
    )
    subject_position = forms.ChoiceField(
        choices=Case.Position.choices, initial=Case.Position.UNKNOWN, label="Their position"
    )
    building = _BuildingField(queryset=Building.objects.none(), required=False, label="School")
    happened_on = forms.DateField(required=False, widget=_DATE, label="When did it happen?")
    description = forms.CharField(
        widget=_TEXT,
        max_length=10000,
        label="What happened?",
        help_text="What was said or done, where (app, account, message), and who saw it.",
    )
    # A double submit opens one case (issue 19): the page gives each form a fresh key.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, buildings: QuerySet[Building], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings  # type: ignore[attr-defined]


class PublicConcernForm(ConcernForm):
    """The public page: anyone, no account; an applicant can report a password request."""

    reporter_kind = forms.ChoiceField(
        choices=[
            (Case.ReporterKind.COMMUNITY, "A parent, student or member of the community"),
            (Case.ReporterKind.APPLICANT, "A job applicant"),
            (Case.ReporterKind.STAFF, "A District employee"),
        ],
        label="You are",
    )
    reporter_name = forms.CharField(max_length=200, required=False, label="Your name (optional)")
    reporter_contact = forms.CharField(
        max_length=200,
        required=False,
        label="How to reach you (optional)",
        help_text="An e-mail address or phone number, if you want an answer.",
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(max_length=200, required=False, label="Leave this empty")


class ManualCaseForm(ConcernForm):
    idempotency_key = None  # type: ignore[assignment]
    subject = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label="Employee (from the directory)"
    )
    reporter_name = forms.CharField(
        max_length=200, required=False, label="Who raised it (name or office)"
    )

    def __init__(self, *args: Any, staff: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = staff  # type: ignore[attr-defined]


class _UserField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class TriageForm(forms.Form):
    investigator = _UserField(queryset=User.objects.none())
    subject = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label="The employee it is about"
    )
    title_ix = forms.BooleanField(
        required=False, label="Alleges sexual harassment or misconduct: route to Title IX"
    )
    title_ix_coordinator = _UserField(
        queryset=User.objects.none(), required=False, label="Title IX coordinator"
    )
    interim_measures = forms.CharField(
        widget=_SHORT,
        required=False,
        label="Interim measures",
        help_text="e.g. administrative leave, a no-contact direction.",
    )
    viewers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, label="Others who may see the case"
    )

    def __init__(
        self, *args: Any, staff_users: QuerySet[User], staff: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("investigator", "title_ix_coordinator", "viewers"):
            self.fields[name].queryset = staff_users  # type: ignore[attr-defined]
        self.fields["subject"].queryset = staff  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(choices=[("note", "Note"), ("interview", "Interview summary")])
    text = forms.CharField(widget=_TEXT, max_length=20000, label="Text")


class EvidenceForm(forms.Form):
    file = forms.FileField(
        help_text="PDF, image, text, e-mail, Word, audio or video; 25 MB at most."
    )
    reason = forms.ChoiceField(choices=Evidence.Reason.choices, label="Why it may be kept")
    reason_note = forms.CharField(max_length=300, required=False, label="More about why")


class NoticeForm(forms.Form):
    allegation = forms.CharField(widget=_TEXT, max_length=10000, label="The allegation")


class ResponseForm(forms.Form):
    text = forms.CharField(widget=_TEXT, max_length=20000, label="Your written response")


class InviteRepForm(forms.Form):
    representative = _UserField(queryset=User.objects.none(), label="Your representative")

    def __init__(self, *args: Any, reps: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = reps  # type: ignore[attr-defined]


class FindingsForm(forms.Form):
    findings = forms.CharField(widget=_TEXT, max_length=20000, label="Findings")


class OutcomeForm(forms.Form):
    outcome = forms.ModelChoiceField(queryset=OutcomeType.objects.none())
    until = forms.DateField(
        required=False, widget=_DATE, label="Ends on", help_text="For a prohibition or suspension."
    )
    text = forms.CharField(widget=_SHORT, required=False, label="Details")

    def __init__(self, *args: Any, outcomes: QuerySet[OutcomeType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes  # type: ignore[attr-defined]


class RefusalForm(forms.Form):
    witness = forms.CharField(max_length=200, label="Witness to the refusal")


class CloseForm(forms.Form):
    reason = forms.CharField(
        widget=_SHORT,
        required=False,
        label="Reason (needed when no acknowledged outcome)",
    )


class PauseForm(forms.Form):
    reason = forms.CharField(
        max_length=300, label="Reason", help_text="e.g. DCFS or the police are investigating."
    )
    resume_on = forms.DateField(widget=_DATE, label="Resumes on")


class MandatedReportForm(forms.Form):
    reported_at = forms.DateTimeField(
        label="When you reported",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    method = forms.ChoiceField(
        choices=MandatedReport.Method.choices, widget=forms.RadioSelect, label="How"
    )
    reference = forms.CharField(
        max_length=100,
        required=False,
        label="Reference number (if you were given one)",
        help_text="Not every report gets one.",
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any"), *Case.Status.choices, ("open", "Open")], required=False
    )
    kind = forms.ChoiceField(choices=[("", "Any"), *Case.Kind.choices], required=False)
    building = forms.IntegerField(required=False, min_value=1)


class OutcomeTypeForm(forms.Form):
    label = forms.CharField(max_length=200, label="Outcome")
    discipline = forms.BooleanField(required=False, label="Imposes discipline (FOIA-releasable)")
    personnel_file = forms.BooleanField(required=False, label="Goes into the personnel file")
    has_period = forms.BooleanField(required=False, label="Lasts for a period")
    isbe_may_apply = forms.BooleanField(required=False, label="May have to be reported to ISBE")
    active = forms.BooleanField(required=False, initial=True, label="In use")


class DisclosureForm(forms.Form):
    recipient = forms.CharField(max_length=200, label="Disclosed to")
    basis = forms.ChoiceField(choices=Disclosure.Basis.choices, label="Basis")
    notice_sent_on = forms.DateField(
        required=False, widget=_DATE, label="Written notice sent to the employee on"
    )
    disclosed_on = forms.DateField(widget=_DATE, label="Disclosed on")


class ExtendForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why the deadline cannot be met")


class HoldForm(forms.Form):
    hold = forms.BooleanField(required=False, label="Keep this case under a legal hold")
    reason = forms.CharField(max_length=300, label="Reason")
